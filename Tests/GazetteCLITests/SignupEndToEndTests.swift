import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Double opt-in on the real binary: a signup over HTTP to `gazette serve`, the confirmation link taken from
/// the real e-mail in the outbox, the confirmation POST, then a `send` that includes the person, and their
/// "View in your browser" link showing the HTML part of the e-mail they got.
@Suite(.serialized)
struct SignupEndToEndTests {
    @Test func signupConfirmSendAndViewInBrowser() async throws {
        var gazette = try CommandRunner()
        let port = 20_000 + Int.random(in: 0..<20_000)
        let base = "http://127.0.0.1:\(port)"
        // Links in every e-mail (confirmation and digest) point at this server.
        gazette.environment["GAZETTE_BASE_URL"] = base
        try EndToEndTests.importFixture(gazette)
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in a child of the test runner
        try await BrowserTests().waitForHealth("\(base)/healthz")

        let form = "email=Nia%40Example.org&name=Nia+N%C3%BA%C3%B1ez&languages=Go&levels=senior&timezone=Etc%2FUTC&send_day=mon&send_hour=9"
        for _ in 0..<3 {
            let (status, page) = try await Self.post("\(base)/subscribe", form)
            #expect(status == 200 && page.contains("Check your inbox"))
        }
        // One confirmation e-mail in the real outbox, however many signups (sent from a queue: wait for it).
        for _ in 0..<100 where try gazette.outboxFiles().isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))
        let outbox = try gazette.outboxFiles()
        let confirmations = outbox.filter { $0.contains("confirm-") }
        try #require(confirmations.count == 1, "\(outbox)")
        let mail = try #require(try gazette.checkMessages(confirmations).first)
        // A one-off transactional message to someone not on the list yet: no List-Unsubscribe, the checker's
        // only complaint.
        #expect(mail.errors.filter { !$0.hasPrefix("List-Unsubscribe") } == [])
        #expect(mail.headers["To"]?.contains("Nia@Example.org") == true)
        #expect(mail.headers["List-Unsubscribe"] == nil)
        let text = try #require(mail.text)
        let linkRange = try #require(text.range(of: base + #"/confirm/[A-Za-z0-9._-]+"#, options: .regularExpression))
        let link = String(text[linkRange])
        #expect(mail.html?.contains(link) == true)

        // Nothing is sent before the confirmation.
        let before = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--only", "nia@example.org"])
        #expect(before.lastLine.hasPrefix("2026-W48: sent 0,"), "\(before.stdout)\(before.stderr)")

        let (shown, button) = try await Self.get(link)
        #expect(shown == 200 && button.contains("id=\"confirm\""))
        // The pages as a real browser shows them (headless Chromium, no JavaScript needed).
        if let browser = BrowserTests.chromium {
            let form = try BrowserTests().browse(browser, "\(base)/subscribe", screenshot: "\(gazette.directory)/subscribe.png")
            #expect(form.contains("<select id=\"timezone\" name=\"timezone\">") && form.contains("id=\"subscribe\""))
            let page = try BrowserTests().browse(browser, link, screenshot: "\(gazette.directory)/confirm.png")
            #expect(page.contains("Yes, subscribe me"))
            // Following the link (as a mail scanner would) confirmed nobody.
            #expect(try gazette.run(["subscribers", "list", "--status", "pending"]).stdout.contains("Nia@Example.org"))
        }
        let (confirmed, page) = try await Self.post(link, "")
        #expect(confirmed == 200 && page.contains("You are subscribed"))

        let send = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:31:00Z", "--now", "--only", "nia@example.org"])
        #expect(send.status == 0 && send.lastLine.hasPrefix("2026-W48: sent 1,"), "\(send.stdout)\(send.stderr)")
        let digestFile = try #require(try gazette.outboxFiles().first { $0.contains("2026-W48") })
        let digest = try #require(try gazette.checkMessages([digestFile]).first)
        let html = try #require(digest.html)
        let viewRange = try #require(html.range(of: base + #"/view/[A-Za-z0-9._-]+"#, options: .regularExpression))
        let (viewed, online) = try await Self.get(String(html[viewRange]))
        #expect(viewed == 200)
        // The same HTML as the e-mail's part (line ends aside: the message has CRLF).
        func normalized(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(normalized(online) == normalized(html))
        #expect(online.contains("Senior Go Engineer"))
    }

    /// The confirmation goes through SMTP when `GAZETTE_SMTP_URL` is set (Postfix's smtp-sink here), like `send`.
    @Test func theConfirmationGoesThroughTheConfiguredSmtpServer() async throws {
        var gazette = try CommandRunner()
        let sink = try SmtpSink()
        let port = 20_000 + Int.random(in: 0..<20_000)
        let base = "http://127.0.0.1:\(port)"
        gazette.environment["GAZETTE_BASE_URL"] = base
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }
        try await BrowserTests().waitForHealth("\(base)/healthz")

        for _ in 0..<5 {
            #expect(try await Self.post("\(base)/subscribe", "email=smtp%40example.net&name=Sam").0 == 200)
        }
        var delivered: [String: Int] = [:]
        for _ in 0..<100 where delivered.isEmpty {
            delivered = try sink.deliveries()
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try sink.deliveries() == ["smtp@example.net": 1])
        #expect(try gazette.outboxFiles().isEmpty)
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: sink.dumps.path).first)
        let mail = try #require(try gazette.checkMessages(["\(sink.dumps.path)/\(file)"]).first)
        let text = try #require(mail.text)
        let range = try #require(text.range(of: base + #"/confirm/[A-Za-z0-9._-]+"#, options: .regularExpression))
        #expect(try await Self.post(String(text[range]), "").0 == 200)
        let active = try gazette.run(["subscribers", "list", "--status", "active"])
        #expect(active.stdout.contains("smtp@example.net"), "\(active.stdout)\(active.stderr)")
    }

    static func post(_ url: String, _ body: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
