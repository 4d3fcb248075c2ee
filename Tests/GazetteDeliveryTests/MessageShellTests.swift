import Foundation
import GazetteCore
import GazetteTestSupport
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import Testing

/// The send path encodes what subscribers share once and splices in their own values; what it sends
/// must be exactly what encoding each subscriber's fully rendered digest would give.
struct MessageShellTests {
    static let people: [(name: String, email: String)] = [
        ("Zoë Müller", "zoe@example.org"),
        ("O'Brien & \"Sons\" <x>", "o.brien+news@example.com"),
        ("山田 太郎 🐍", "taro@example.jp"),
        ("", "x@example.com"),
        ("From .Dotty", "from@example.com"),
        (String(repeating: "Longname", count: 20), "long@example.com"),
    ]

    static func personal(_ person: (name: String, email: String), id: Int64) -> DigestView.Personalization {
        let links = SubscriberLinks(
            baseURL: "https://news.example.com", mailbox: "digest@example.com", signer: LinkSigner(secret: "s"),
            subscriberID: id, email: person.email)
        return DigestView.Personalization(subscriber: Subscriber(id: id, email: person.email, name: person.name), links: links)
    }

    /// Checks one shell against direct rendering for every person.
    static func check(_ templates: DigestTemplates, digest: Digest) throws {
        let sender = DigestView.Sender(listName: "Backend Jobs Weekly", postalAddress: "1 Example Street")
        let shell = MessageShell(try templates.renderShell(DigestView(digest: digest, personal: personal(people[0], id: 1), sender: sender)))
        for (offset, person) in people.enumerated() {
            let personal = personal(person, id: Int64(offset + 1))
            let direct = try templates.render(DigestView(digest: digest, personal: personal, sender: sender))
            let values = DigestShell.Values(personal)
            guard case .encoded(let text, let html) = shell.body(values) else {
                Issue.record("a shell's body is always encoded")
                return
            }
            #expect(text == QuotedPrintable.encode(direct.text), "text part for \(person.name)")
            // Quoted-printable carries line breaks as CRLF whatever the template file used.
            let expected = Array(direct.html.replacingOccurrences(of: "\r\n", with: "\n").utf8)
            #expect(QuotedPrintableDecoder.decode(html) == expected, "HTML part for \(person.name)")
            QuotedPrintableRules.expectWellFormed(html)
            #expect(shell.subject(values) == direct.subject)
        }
    }

    @Test func theShippedTemplatesEncodeExactlyAsTheDirectRendering() async throws {
        let harness = try await DeliveryHarness(subscribers: [])
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        for preferences in [Preferences(), Preferences(languages: ["Go"]), Preferences(languages: ["COBOL"])] {
            try Self.check(harness.factory.templates, digest: Digest(content: content, preferences: preferences))
        }
    }

    /// Operators edit the templates: values at the very start and end, in the subject, alone on the
    /// last text line, escaped and raw, in CRLF files.
    @Test(arguments: [
        ("{{greetingName}} weekly", "{{{greetingName}}}\n\n{{email}}\n\n\n", "{{greetingName}}<p>{{email}}</p>{{{unsubscribeURL}}}"),
        ("Jobs", "Hi {{greetingName}}, here is a long line that has to be wrapped because it is long {{email}} {{preferencesURL}}\n{{greetingName}}", "<a href=\"{{unsubscribeURL}}\">.{{greetingName}}</a>\n"),
        ("Jobs", "{{% CONTENT_TYPE: TEXT}}\r\nHi {{greetingName}},\r\n\r\nBye\r\n", "<p>\r\n{{greetingName}}\r\n</p>\r\n"),
        ("Jobs", "No personal value at all\n", "<p>From here on nothing personal</p>"),
    ])
    func editedTemplatesEncodeExactlyAsTheDirectRendering(subject: String, text: String, html: String) async throws {
        let dir = NSTemporaryDirectory() + "gazette-shell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let textTemplate = text.hasPrefix("{{%") ? text : "{{% CONTENT_TYPE: TEXT}}\n" + text
        try "{{% CONTENT_TYPE: TEXT}}\n\(subject)\n".write(toFile: "\(dir)/subject.txt.mustache", atomically: true, encoding: .utf8)
        try textTemplate.write(toFile: "\(dir)/digest.txt.mustache", atomically: true, encoding: .utf8)
        try html.write(toFile: "\(dir)/digest.html.mustache", atomically: true, encoding: .utf8)
        let templates = try await DigestTemplates(directory: dir)
        let harness = try await DeliveryHarness(subscribers: [])
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        try Self.check(templates, digest: Digest(content: content, preferences: Preferences()))
    }

    /// What a preview shows of a built message is what rendering the templates directly gives, and the
    /// message's bytes carry exactly those parts.
    @Test func aBuiltMessageCarriesTheDirectRendering() async throws {
        let harness = try await DeliveryHarness(subscribers: [Subscriber(email: "zoe@example.org", name: "Zoë Müller")])
        let subscriber = try #require(try await harness.database.subscriber(email: "zoe@example.org"))
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        let date = DeliveryHarness.at("2026-11-23T09:30:00Z")
        let message = try harness.factory.message(content: content, subscriber: subscriber, date: date)
        let sender = DigestView.Sender(listName: harness.factory.sender.listName, postalAddress: harness.factory.sender.postalAddress)
        let links = SubscriberLinks(
            baseURL: harness.factory.sender.baseURL, mailbox: harness.factory.sender.from.address.value,
            signer: harness.factory.sender.signer, subscriberID: subscriber.id!, email: subscriber.email, edition: content.edition)
        let direct = try harness.factory.templates.render(DigestView(
            digest: message.digest, personal: DigestView.Personalization(subscriber: subscriber, links: links), sender: sender))
        #expect(message.rendered.subject == direct.subject)
        #expect(message.rendered.text == direct.text)
        #expect(message.rendered.html == direct.html)
        let eml = String(decoding: message.bytes, as: UTF8.self)
        for (contentType, expected) in [("text/plain", direct.text), ("text/html", direct.html)] {
            let start = try #require(eml.range(of: "Content-Type: \(contentType); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"))
            let end = try #require(eml.range(of: "\r\n--=_gazette_", range: start.upperBound..<eml.endIndex))
            let decoded = QuotedPrintableDecoder.decode(Array(eml[start.upperBound..<end.lowerBound].utf8))
            #expect(String(decoding: decoded, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n") == expected, "\(contentType) part")
        }
        #expect(message.bytes == (try harness.factory.message(content: content, subscriber: subscriber, date: date).bytes))
    }
}

/// The line rules RFC 2045 sets for quoted-printable (decoding is `QuotedPrintableDecoder`'s, in the
/// shared test support).
enum QuotedPrintableRules {
    static func expectWellFormed(_ encoded: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: encoded, as: UTF8.self)
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "line over 76 characters: \(line)", sourceLocation: sourceLocation)
            #expect(!line.hasPrefix("."), "line starts with a dot: \(line)", sourceLocation: sourceLocation)
            #expect(!line.hasPrefix("From "), "line starts with From: \(line)", sourceLocation: sourceLocation)
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing whitespace: \(line)", sourceLocation: sourceLocation)
            #expect(!line.contains("\r") && !line.contains("\n"), "bare line break", sourceLocation: sourceLocation)
        }
    }
}
