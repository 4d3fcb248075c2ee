import Foundation
import GazetteCore
import GazetteTemplates
import Testing

/// Wording and layout details a newcomer noticed: plurals, the signature separator, and right-to-left
/// company names that must not reorder the names after them.
struct TextEdgeTests {
    @Test func oneMoreOpeningIsSingular() async throws {
        // Levels "mid" keep the eleven Grid openings: ten shown, one more.
        let rendered = try await DigestTemplates(directory: SampleDigest.templates)
            .render(SampleDigest.view(preferences: Preferences(levels: [.mid])))
        #expect(rendered.text.contains("...and 1 more matching opening."), "\(rendered.text)")
        #expect(rendered.html.contains("…and 1 more matching opening."))
        let many = try await DigestTemplates(directory: SampleDigest.templates).render(SampleDigest.view())
        #expect(many.text.contains("...and 4 more matching openings."))
    }

    @Test func theTextSignatureSeparatorKeepsItsSpace() async throws {
        let rendered = try await DigestTemplates(directory: SampleDigest.templates).render(SampleDigest.view())
        #expect(rendered.text.components(separatedBy: "\n").contains("-- "))
        #expect(TextWrapper.wrap("body\n-- \nfooter  \n", width: 72) == "body\n-- \nfooter\n")
        #expect(TextWrapper.wrapCharacters("Zoë\n-- \n", width: 72) == "Zoë\n-- \n")
    }

    @Test func rightToLeftCompanyNamesAreIsolated() async throws {
        let evil = "\u{202E}Evil Corp"
        let openings = [evil, evil, "Grid", "Hopper"].enumerated().map { index, company in
            Opening(
                source: "t", id: "\(index)", company: company, title: "Engineer", level: .mid, stack: ["Go"],
                location: "Berlin", remote: false, salaryMin: nil, salaryMax: nil, currency: "USD",
                url: "https://jobs.example.com/\(index)", postedAt: SampleDigest.date("2026-11-17T09:00:00Z"), closedAt: nil)
        }
        let content = EditionContent(edition: Edition("2026-W48")!, openings: openings, salaries: [], catalogue: [])
        let view = DigestView(
            digest: Digest(content: content, preferences: Preferences()),
            subscriber: Subscriber(id: 1, email: "a@example.org", name: "A"),
            links: SubscriberLinks(unsubscribe: "https://x.example/u", preferences: "https://x.example/p", unsubscribeMailto: "mailto:u@x.example"),
            sender: .init(listName: "Backend Jobs Weekly", postalAddress: "1 Example Street"))
        let rendered = try await DigestTemplates(directory: SampleDigest.templates).render(view)
        #expect(rendered.html.contains("<bdi>\u{202E}Evil Corp</bdi>, <bdi>Grid</bdi> and <bdi>Hopper</bdi>"), "\(rendered.html)")
        #expect(rendered.text.contains("\u{2068}\u{202E}Evil Corp\u{2069}, Grid and Hopper"))
        #expect(Formatting.isolatedIfBidirectional("Grid") == "Grid")
        #expect(Formatting.isolatedIfBidirectional("שלום") == "\u{2068}שלום\u{2069}")
    }
}
