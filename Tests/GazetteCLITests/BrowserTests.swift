import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `gazette serve` in a real browser (headless Chromium) over a real socket, then one-click unsubscribe.
struct BrowserTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func previewAndUnsubscribePagesWorkInABrowserAndOneClickUnsubscribes() async throws {
        let browser = try #require(Self.chromium, "headless Chromium is needed: apt-get install chromium (scripts/install-deps --test)")
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        #expect(try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--only", "go@example.com"]).status == 0)
        let sent = try #require(try gazette.checkMessages(try gazette.outboxFiles()).first)
        let header = try #require(sent.headers["List-Unsubscribe"])
        let pathRange = try #require(header.range(of: #"/unsubscribe/[A-Za-z0-9._-]+"#, options: .regularExpression))
        let unsubscribePath = String(header[pathRange])

        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in a child of the test runner
        let base = "http://127.0.0.1:\(port)"
        try await waitForHealth("\(base)/healthz")

        let preview = try browse(browser, "\(base)/preview/2026-W48/1/html", screenshot: "\(gazette.directory)/preview.png")
        #expect(preview.contains("Senior Go Engineer"))
        #expect(preview.contains("&lt;script&gt;alert(1)&lt;/script&gt; Go Dev"))
        let confirm = try browse(browser, base + unsubscribePath, screenshot: "\(gazette.directory)/unsubscribe.png")
        #expect(confirm.contains("<button type=\"submit\" id=\"unsubscribe\">Unsubscribe</button>"))
        for picture in ["preview.png", "unsubscribe.png"] {
            let size = try FileManager.default.attributesOfItem(atPath: "\(gazette.directory)/\(picture)")[.size] as? Int ?? 0
            #expect(size > 1000, "\(picture) is not a screenshot")
        }

        // What Gmail's one-click does: POST the body RFC 8058 prescribes.
        var request = URLRequest(url: URL(string: base + unsubscribePath)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("List-Unsubscribe=One-Click".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)

        // The next edition skips them.
        let next = try gazette.run(["send", "--week", "2026-W49", "--at", "2026-11-30T10:00:00Z", "--now"])
        #expect(next.lastLine.hasPrefix("2026-W49: sent 2,"), "\(next.stdout)")
        let recipients = try gazette.checkMessages(try gazette.outboxFiles().filter { $0.contains("2026-W49") }).map { $0.headers["To"] ?? "" }
        #expect(!recipients.contains { $0.contains("go@example.com") })
    }

    /// The DOM after the page loaded, and a screenshot.
    func browse(_ browser: String, _ url: String, screenshot: String) throws -> String {
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1000,1400"]
        let environment = ["HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin"]
        _ = try CommandRunner.execute(browser, flags + ["--screenshot=\(screenshot)", url], environment: environment, in: NSTemporaryDirectory())
        let dom = try CommandRunner.execute(browser, flags + ["--dump-dom", url], environment: environment, in: NSTemporaryDirectory())
        #expect(dom.status == 0, "\(dom.stderr)")
        return dom.stdout
    }

    func waitForHealth(_ url: String) async throws {
        for _ in 0..<100 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url)!),
               (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("gazette serve did not become healthy")
    }
}
