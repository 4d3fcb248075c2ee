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
            var text: [UInt8] = []
            shell.writeText(values, into: &text)
            #expect(text == QuotedPrintable.encode(direct.text), "text part for \(person.name)")
            var html: [UInt8] = []
            shell.writeHTML(values, into: &html)
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

    @Test func previewsAndSendsAreTheSameBytes() async throws {
        let harness = try await DeliveryHarness(subscribers: [Subscriber(email: "zoe@example.org", name: "Zoë Müller")])
        let subscriber = try #require(try await harness.database.subscriber(email: "zoe@example.org"))
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        let date = DeliveryHarness.at("2026-11-23T09:30:00Z")
        let sent = try harness.factory.compose(content: content, subscriber: subscriber, date: date)
        let preview = try harness.factory.prepare(content: content, subscriber: subscriber, date: date)
        #expect(sent.bytes == preview.bytes)
        #expect(sent.head.messageID == preview.message.head.messageID)
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
