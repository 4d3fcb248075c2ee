import Foundation
import GazetteCore
import GazetteTemplates
import Testing

/// A digest with every section filled, and data that must be escaped in HTML and kept verbatim in text.
enum SampleDigest {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let templates = repository.appendingPathComponent("Templates").path
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func date(_ text: String) -> Date { Timestamp.parse(text)! }

    static func view(preferences: Preferences = Preferences()) -> DigestView {
        let digest = digest(preferences: preferences)
        let subscriber = Subscriber(id: 42, email: "zoe@example.org", name: "Zoë <Müller>", preferences: preferences)
        let links = SubscriberLinks(
            unsubscribe: "https://news.example.com/unsubscribe/42.u.sig", preferences: "https://news.example.com/preferences/42.p.sig",
            unsubscribeMailto: "mailto:digest@example.com?subject=unsubscribe%2042.u.sig",
            view: "https://news.example.com/view/42.v.2026-W48.1800000000.sig")
        return DigestView(
            digest: digest, subscriber: subscriber, links: links,
            sender: .init(listName: "Backend Jobs Weekly", postalAddress: "Gazette & Co · 1 Example Street · Springfield"))
    }

    static func digest(preferences: Preferences = Preferences()) -> Digest {
        let edition = Edition("2026-W48")!
        let openings = [
            Opening(
                source: "lever", id: "1", company: "Wholesail", title: "Backend Engineer — Payments & Billing <Go>",
                level: .senior, stack: ["Go", "PostgreSQL"], location: "Remote (US)", remote: true, salaryMin: 160_000,
                salaryMax: 190_000, currency: "USD", url: "https://jobs.example.com/wholesail/1?a=1&b=2",
                postedAt: date("2026-11-17T09:00:00Z"), closedAt: nil),
            Opening(
                source: "lever", id: "2", company: "Swile", title: "Ingénieur Backend Senior (Python)", level: .senior,
                stack: ["Python", "Django"], location: "Paris, France", remote: false, salaryMin: nil, salaryMax: 120_000,
                currency: "EUR", url: "https://jobs.example.com/swile/2", postedAt: date("2026-11-18T09:00:00Z"),
                closedAt: nil),
            Opening(
                source: "greenhouse", id: "3", company: "YLD", title: "{{mustache}} is data, not a tag: \"quoted\" 'single'",
                level: .lead, stack: ["Node.js"], location: "London, UK", remote: true, salaryMin: nil, salaryMax: 250_000,
                currency: "GBP", url: "https://jobs.example.com/yld/3", postedAt: date("2026-11-19T09:00:00Z"), closedAt: nil),
        ] + (4...14).map { n in
            Opening(
                source: "greenhouse", id: "\(n)", company: "Grid", title: "Platform Engineer \(n)", level: .mid, stack: ["Go"],
                location: "Berlin, Germany", remote: false, salaryMin: 90_000, salaryMax: 90_000 + n * 1000, currency: "USD",
                url: "https://jobs.example.com/grid/\(n)", postedAt: date("2026-11-20T09:00:00Z"), closedAt: nil)
        }
        func salaries(_ level: Level, _ stack: String, _ w46: [Int], _ w47: [Int]) -> [SalaryObservation] {
            w46.map { SalaryObservation(observedOn: Timestamp.parseDay("2026-11-10")!, level: level, stack: stack, region: "US", amount: $0, currency: "USD", source: "t") }
                + w47.map { SalaryObservation(observedOn: Timestamp.parseDay("2026-11-17")!, level: level, stack: stack, region: "US", amount: $0, currency: "USD", source: "t") }
        }
        let observations = salaries(.senior, "Go", [150_000, 155_000, 160_000, 165_000, 170_000], [152_000, 158_000, 163_000, 168_000, 175_000])
            + salaries(.mid, "Python", [120_000, 121_000, 122_000, 123_000, 124_000], [110_000, 111_000, 112_000, 113_000, 114_000])
        let certifications = [
            Certification(
                id: "cka", name: "Certified Kubernetes Administrator", issuer: "The Linux Foundation",
                summary: "Install, configure & manage <production> Kubernetes clusters.",
                url: "https://training.linuxfoundation.org/certification/cka/", featuredFrom: nil, featuredUntil: nil)
        ]
        // Senior Go's earlier weeks, for its trend chart (W43 has two salaries: a gap); mid Python has only
        // W46 and W47, so it shows numbers and no chart.
        let weeks: [(day: String, median: Int)] = [
            ("2026-10-07", 148_000), ("2026-10-14", 151_000), ("2026-10-21", 0), ("2026-10-28", 154_000), ("2026-11-04", 157_000),
        ]
        var history: [SalaryObservation] = []
        for week in weeks {
            let m = week.median
            let amounts: [Int] = m == 0 ? [140_000, 141_000] : [m - 4_000, m - 2_000, m, m + 2_000, m + 4_000]
            for amount in amounts {
                history.append(SalaryObservation(
                    observedOn: Timestamp.parseDay(week.day)!, level: .senior, stack: "Go", region: "US", amount: amount,
                    currency: "USD", source: "t"))
            }
        }
        let content = EditionContent(
            edition: edition, openings: openings, salaries: history + observations, catalogue: certifications)
        return Digest(content: content, preferences: preferences)
    }
}

struct DigestTemplatesTests {
    /// Compares with the golden file; `GAZETTE_UPDATE_GOLDEN=1 swift test` rewrites them after a deliberate change.
    func assertGolden(_ rendered: String, _ name: String) throws {
        let url = SampleDigest.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GAZETTE_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "\(name) differs from its golden file; rerun with GAZETTE_UPDATE_GOLDEN=1 if intended")
    }

    @Test func everyTemplateMatchesItsGoldenFile() async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        let rendered = try templates.render(SampleDigest.view())
        try assertGolden(rendered.subject + "\n", "subject.txt")
        try assertGolden(rendered.text, "digest.txt")
        try assertGolden(rendered.html, "digest.html")
        // An empty digest takes the other branches of every section.
        let empty = try templates.render(SampleDigest.view(preferences: Preferences(languages: ["COBOL"])))
        try assertGolden(empty.text, "digest-empty.txt")
        try assertGolden(empty.html, "digest-empty.html")
    }

    @Test func htmlEscapesAllDataAndTextKeepsItVerbatim() async throws {
        let rendered = try await DigestTemplates(directory: SampleDigest.templates).render(SampleDigest.view())
        #expect(rendered.html.contains("Backend Engineer — Payments &amp; Billing &lt;Go&gt;"))
        #expect(!rendered.html.contains("<Go>") && !rendered.html.contains("<Müller>") && !rendered.html.contains("<production>"))
        #expect(rendered.html.contains("{{mustache}} is data, not a tag: &quot;quoted&quot; &#39;single&#39;"))
        #expect(rendered.html.contains("href=\"https://jobs.example.com/wholesail/1?a=1&amp;b=2\""))
        #expect(rendered.text.contains("Backend Engineer — Payments & Billing <Go> at Wholesail"))
        #expect(rendered.text.contains("{{mustache}} is data"))
        #expect(rendered.subject == "Backend Jobs Weekly 2026-W48: 14 new openings for you")
    }

    @Test func textIsWrappedAt72ColumnsExceptUnbreakableURLs() async throws {
        let rendered = try await DigestTemplates(directory: SampleDigest.templates).render(SampleDigest.view())
        for line in rendered.text.split(separator: "\n") where line.count > 72 {
            #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "over 72 columns: \(line)")
        }
        #expect(rendered.text.contains("...and 4 more matching openings."))
    }

    @Test func missingTemplatesDirectoryAndPartialsAreErrorsNamingTheFile() async throws {
        let dir = NSTemporaryDirectory() + "gazette-templates-\(UUID().uuidString)"
        await #expect(throws: TemplateError.self) { _ = try await DigestTemplates(directory: dir + "/absent") }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["subject.txt", "digest.txt"] {
            try "{{% CONTENT_TYPE: TEXT}}\nx\n".write(toFile: "\(dir)/\(name).mustache", atomically: true, encoding: .utf8)
        }
        do {
            _ = try await DigestTemplates(directory: dir)
            Issue.record("a missing digest.html must be an error")
        } catch {
            #expect(error.description == "missing template \(dir)/digest.html.mustache")
        }
        try "<p>{{> partials/nowhere}}</p>".write(toFile: "\(dir)/digest.html.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try await DigestTemplates(directory: dir)
            Issue.record("a missing partial must be an error")
        } catch {
            #expect(error.description == "\(dir)/digest.html.mustache: uses partial \"partials/nowhere\", which does not exist")
        }
        try "<p>{{#open}}never closed</p>".write(toFile: "\(dir)/digest.html.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try await DigestTemplates(directory: dir)
            Issue.record("a broken template must be an error")
        } catch {
            #expect(error.description.hasPrefix("\(dir)/digest.html.mustache:"))
        }
    }
}

struct TextWrapperTests {
    @Test func wrapsAtWordsWithHangingIndentForListItems() {
        let wrapped = TextWrapper.wrap("- " + String(repeating: "word ", count: 30), width: 20)
        let lines = wrapped.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 20 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  word") })
    }

    /// The byte-level path for ASCII must wrap exactly as the character-level one.
    @Test func asciiWrappingMatchesCharacterWrapping() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["word", " ", "  ", "- ", "* ", "\n", "\r\n", "\r", "https://example.com/" + String(repeating: "x", count: 70), "a", "."]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0..<60, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let width = Int.random(in: 1...80, using: &generator)
            #expect(try #require(TextWrapper.wrapASCII(text, width: width)) == TextWrapper.wrapCharacters(text, width: width), "\(text.debugDescription) at \(width)")
        }
        #expect(TextWrapper.wrapASCII("Zoë", width: 72) == nil)
    }

    @Test func treatsCRLFLikeLF() {
        #expect(TextWrapper.wrap("one \r\ntwo\r\n", width: 72) == "one\ntwo\n")
    }

    @Test func keepsLongURLsWhole() {
        let url = "https://example.com/" + String(repeating: "a", count: 100)
        #expect(TextWrapper.wrap("see \(url) now", width: 72) == "see\n\(url)\nnow")
    }
}

struct DigestShellTests {
    @Test(arguments: [
        ("Zoë <Müller>", "zoe@example.org"),
        ("O'Brien & \"Sons\"", "o.brien@example.com"),
        ("山田 太郎 🐍", "taro@example.jp"),
        ("", "x@example.com"),
    ])
    func fillingAShellGivesExactlyTheDirectRendering(name: String, email: String) async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        let shared = SampleDigest.view()
        let shell = try templates.renderShell(shared)
        let subscriber = Subscriber(id: 7, email: email, name: name)
        let links = SubscriberLinks(
            unsubscribe: "https://news.example.com/unsubscribe/7.u.a&b", preferences: "https://news.example.com/preferences/7.p.sig",
            unsubscribeMailto: "mailto:x@example.com")
        let personal = DigestView.Personalization(subscriber: subscriber, links: links)
        let direct = try templates.render(SampleDigest.view().with(personal))
        #expect(shell.fill(personal) == direct)
    }

    @Test func markersInRawAndEscapedPositionsAreBothFilled() async throws {
        let dir = NSTemporaryDirectory() + "gazette-shell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{{% CONTENT_TYPE: TEXT}}\nHi {{greetingName}}\n".write(toFile: "\(dir)/subject.txt.mustache", atomically: true, encoding: .utf8)
        try "{{% CONTENT_TYPE: TEXT}}\n{{email}} {{unsubscribeURL}}\n".write(toFile: "\(dir)/digest.txt.mustache", atomically: true, encoding: .utf8)
        try "<p>{{greetingName}} / {{{greetingName}}} / {{preferencesURL}}</p>\n".write(toFile: "\(dir)/digest.html.mustache", atomically: true, encoding: .utf8)
        let templates = try await DigestTemplates(directory: dir)
        let personal = DigestView.Personalization(
            subscriber: Subscriber(id: 1, email: "a@example.com", name: "A&B <c>"),
            links: SubscriberLinks(unsubscribe: "https://x/u?a=1&b=2", preferences: "https://x/p", unsubscribeMailto: "mailto:a@x.y"))
        let filled = try templates.renderShell(SampleDigest.view()).fill(personal)
        #expect(filled.subject == "Hi A&B")
        #expect(filled.text == "a@example.com https://x/u?a=1&b=2\n")
        #expect(filled.html == "<p>A&amp;B / A&B / https://x/p</p>\n")
    }
}
