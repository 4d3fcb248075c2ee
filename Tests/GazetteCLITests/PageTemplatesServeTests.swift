import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The subscriber pages come from `GAZETTE_TEMPLATES/pages/`: what an operator edits there is what
/// `gazette serve` shows, and an edit that breaks a page stops `serve` at startup, naming the file.
@Suite(.serialized)
struct PageTemplatesServeTests {
    /// A copy of the shipped templates in the runner's directory, as an operator keeps their own.
    static func ownTemplates(_ gazette: inout CommandRunner) throws -> String {
        let copy = "\(gazette.directory)/templates"
        try FileManager.default.copyItem(atPath: CommandRunner.repository.appendingPathComponent("Templates").path, toPath: copy)
        gazette.environment["GAZETTE_TEMPLATES"] = copy
        return copy
    }

    static func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old), "\(path) no longer contains \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func anOperatorsEditedPageTemplatesAreWhatServeShows() async throws {
        var gazette = try CommandRunner()
        let templates = try Self.ownTemplates(&gazette)
        // The shared layout (every page) and one page of its own.
        try Self.edit("\(templates)/pages/layout.html.mustache", replacing: "<main>", with: "<main class=\"restyled\">")
        try Self.edit(
            "\(templates)/pages/check-inbox.html.mustache", replacing: "<h1 class=\"ok\" id=\"check-inbox\">Check your inbox</h1>",
            with: "<h1 class=\"ok\" id=\"check-inbox\">Look in your mailbox for {{listName}}</h1>")
        let port = 20_000 + Int.random(in: 0..<20_000)
        let base = "http://127.0.0.1:\(port)"
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }
        try await BrowserTests().waitForHealth("\(base)/healthz")

        let (shown, form) = try await SignupEndToEndTests.get("\(base)/subscribe")
        #expect(shown == 200 && form.contains("<main class=\"restyled\">") && form.contains("id=\"subscribe\""))
        let (status, page) = try await SignupEndToEndTests.post("\(base)/subscribe", "email=restyled%40example.com")
        #expect(status == 200)
        #expect(page.contains("<main class=\"restyled\">"))
        #expect(page.contains("Look in your mailbox for Backend Jobs Weekly</h1>"), "\(page)")
        // The operator pages are not templates, and keep their look.
        let (_, index) = try await SignupEndToEndTests.get("\(base)/")
        #expect(!index.contains("restyled"))
    }

    /// Each broken edit, and the sentence `serve` exits with (status 1, nothing listening).
    static let brokenEdits: [(file: String, old: String, new: String, message: String)] = [
        ("pages/confirm.html.mustache", "", "", "missing template TEMPLATES/pages/confirm.html.mustache"),
        // The first page (by name) that names the layout as its parent.
        ("pages/layout.html.mustache", "", "", "TEMPLATES/pages/check-inbox.html.mustache: uses partial \"layout.html\", which does not exist"),
        ("pages/unsubscribe.html.mustache", "{{/body}}", "{{/bdoy}}", "TEMPLATES/pages/unsubscribe.html.mustache:"),
        ("pages/preferences.html.mustache", "{{> preference-fields.html}}", "{{> preference-feilds.html}}",
         "TEMPLATES/pages/preferences.html.mustache: uses partial \"preference-feilds.html\", which does not exist"),
        ("pages", "", "", "page templates directory TEMPLATES/pages does not exist"),
    ]

    @Test(arguments: 0..<brokenEdits.count)
    func aBrokenPageTemplateStopsServeAtStartupNamingTheFile(index: Int) throws {
        let edit = Self.brokenEdits[index]
        var gazette = try CommandRunner()
        let templates = try Self.ownTemplates(&gazette)
        let path = "\(templates)/\(edit.file)"
        if edit.old.isEmpty {
            try FileManager.default.removeItem(atPath: path)
        } else {
            try Self.edit(path, replacing: edit.old, with: edit.new)
        }
        let port = 20_000 + Int.random(in: 0..<20_000)
        let result = try gazette.run(["serve", "--port", String(port)])
        #expect(result.status == 1)
        let expected = edit.message.replacingOccurrences(of: "TEMPLATES", with: templates)
        #expect(result.stderr.contains("gazette: \(expected)"), "\(result.stderr)")
    }
}
