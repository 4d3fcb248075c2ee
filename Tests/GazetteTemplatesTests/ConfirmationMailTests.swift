import Foundation
import GazetteCore
import GazetteTemplates
import Testing

/// The double opt-in e-mail of `Templates/confirm*.mustache`.
struct ConfirmationMailTests {
    static let view = ConfirmationView(
        listName: "Backend Jobs Weekly", name: "Eve <script>alert(1)</script> & Co",
        email: "eve@example.com", confirmURL: "https://news.example.com/confirm/7.c..1790000000.AbC-_x",
        expires: Timestamp.parse("2026-12-08T12:00:00Z")!, postalAddress: "Gazette Ltd, 1 Example Street")

    @Test func rendersSubjectTextAndHtmlWithTheLinkAndEscapesData() async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        let mail = try templates.renderConfirmation(Self.view)
        #expect(mail.subject == "Confirm your subscription to Backend Jobs Weekly")
        #expect(mail.text.contains("https://news.example.com/confirm/7.c..1790000000.AbC-_x\n"))
        #expect(mail.text.contains("Eve <script>alert(1)</script> & Co"))  // plain text: verbatim
        #expect(mail.html.contains("valid until 8 December 2026, 12:00 UTC"))
        #expect(mail.html.contains("href=\"https://news.example.com/confirm/7.c..1790000000.AbC-_x\""))
        #expect(!mail.html.contains("<script>"))
        #expect(mail.html.contains("Eve &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"))
    }

    @Test func aTemplatesDirectoryWithoutThemStillLoadsButCannotRenderIt() async throws {
        let dir = NSTemporaryDirectory() + "gazette-confirm-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in DigestTemplates.required {
            try FileManager.default.copyItem(atPath: "\(SampleDigest.templates)/\(name).mustache", toPath: "\(dir)/\(name).mustache")
        }
        try FileManager.default.copyItem(atPath: "\(SampleDigest.templates)/partials", toPath: "\(dir)/partials")
        let templates = try await DigestTemplates(directory: dir)
        #expect(throws: TemplateError.self) { try templates.renderConfirmation(Self.view) }
    }
}
