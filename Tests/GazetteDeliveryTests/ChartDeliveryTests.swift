import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import GazetteTestSupport
import Testing

/// Charts on the send path, with the sample salaries (eight weeks, W45 thin): drawn once per edition,
/// the reader's minimum the only personal part, and the MIME rules still met with block characters.
struct ChartDeliveryTests {
    static func harness(_ subscribers: [Subscriber]) async throws -> DeliveryHarness {
        let harness = try await DeliveryHarness(subscribers: subscribers)
        let parsed = FeedParser.salaries(path: DeliveryHarness.repository.appendingPathComponent("Samples/salaries.csv").path)
        #expect(parsed.issues.isEmpty)
        _ = try await harness.database.insertSalaries(parsed.rows)
        return harness
    }

    static let followers = [
        Subscriber(email: "go@example.org", name: "Zoë Müller", preferences: Preferences(languages: ["Go", "Python"], levels: [.senior])),
        Subscriber(email: "min@example.org", name: "Min", preferences: Preferences(languages: ["Go", "Python"], levels: [.senior], minSalary: 150_000)),
    ]

    @Test func aReaderFollowingTwoGroupsGetsTwoChartsSparklinesAndValidMIME() async throws {
        let harness = try await Self.harness(Self.followers)
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        let subscriber = try #require(try await harness.database.subscriber(email: "min@example.org"))
        let prepared = try harness.factory.message(content: content, subscriber: subscriber, date: DeliveryHarness.at("2026-11-23T09:00:00Z"))
        #expect(prepared.digest.salaryTrends.map(\.groupName) == ["Senior Go", "Senior Python"])
        #expect(prepared.digest.salaryTrends.allSatisfy { $0.hasChart })
        #expect(prepared.rendered.html.components(separatedBy: "<!--gz-chart ").count == 3)
        #expect(prepared.rendered.html.components(separatedBy: "class=\"gz-chart-marker\"").count == 3)
        let sparklines = prepared.rendered.text.split(separator: "\n").filter { $0.contains("▁") || $0.contains("█") }
        #expect(sparklines.count == 2)
        #expect(sparklines.allSatisfy { $0.count <= 72 && $0.contains("·") })

        // Python's email package decodes what was sent to exactly the rendered parts.
        let checked = try MessageChecker.check(prepared.bytes)
        #expect(checked.errors == [])
        #expect(checked.text == prepared.rendered.text)
        #expect(checked.html?.contains("class=\"gz-chart-bar\"") == true)
        let body = String(decoding: prepared.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        #expect(body.contains("=E2=96="))  // the block characters, quoted-printable encoded
        for line in body.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76, "\(line)") }

        // The web view draws the same two charts as SVG.
        #expect(harness.factory.webHTML(of: prepared, content: content).components(separatedBy: "<svg ").count == 1 + 4)
        #expect(!harness.factory.webHTML(of: prepared, content: content).contains("class=\"gz-chart-bar\""))
    }

    @Test func shellsWithChartsEncodeExactlyAsTheDirectRendering() async throws {
        let harness = try await Self.harness([])
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        for preferences in [Preferences(), Self.followers[0].preferences, Self.followers[1].preferences] {
            try MessageShellTests.check(harness.factory.templates, digest: Digest(content: content, preferences: preferences))
        }
    }

    /// Readers who differ only in their minimum see their own marker, never another reader's.
    @Test func theMinimumMarkerIsPersonalAndNeverShared() async throws {
        let same = Preferences(languages: ["Go"], levels: [.senior])
        let readers = [nil, 100_000, 150_000, 100_000].enumerated().map { index, minimum in
            var preferences = same
            preferences.minSalary = minimum
            return Subscriber(email: "r\(index)@example.org", name: "R\(index)", preferences: preferences)
        }
        let harness = try await Self.harness(readers)
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        var markers: [String] = []
        for reader in readers {
            let subscriber = try #require(try await harness.database.subscriber(email: reader.email))
            let html = try harness.factory.message(content: content, subscriber: subscriber, date: Date()).rendered.html
            markers.append(html.components(separatedBy: "▲ ").dropFirst().first.map { String($0.prefix(while: { $0 != "<" })) } ?? "none")
        }
        #expect(markers[0] == "none")
        #expect(markers[1].hasPrefix("Your minimum, $100,000, is "))
        #expect(markers[2].hasPrefix("Your minimum, $150,000, is"))
        #expect(markers[3] == markers[1])
    }
}
