import Foundation
import Testing

/// A person signs up in a real browser: headless Chromium, driven by Selenium through chromedriver
/// (`Tests/Support/browser_signup.py`), fills in the form of a real `gazette serve` on loopback, confirms
/// from the link in the real e-mail, and gets the digest from `gazette send` at the time they chose.
@Suite(.serialized)
struct BrowserSignupTests {
    enum Transport: String, CaseIterable, CustomTestStringConvertible {
        case outbox, smtp
        var testDescription: String { rawValue }
    }

    static let driver = TestSupport.supportFile("browser_signup.py")

    /// What the driver printed about the page its click led to.
    struct PageSummary: Decodable {
        var url: String
        var title: String
        var heading: String
        var ids: [String]
    }

    static func drive(_ arguments: [String], in directory: String) throws -> PageSummary {
        // Debian's python3 (python3-selenium), not whatever python3 is first on PATH.
        let result = try CommandRunner.execute(
            "/usr/bin/python3", [driver] + arguments, environment: ["HOME": directory, "PATH": "/usr/bin:/bin"], in: directory)
        try #require(result.status == 0, "browser_signup.py \(arguments.first ?? ""): \(result.stderr)")
        return try JSONDecoder().decode(PageSummary.self, from: Data(result.stdout.utf8))
    }

    @Test(arguments: Transport.allCases)
    func aPersonSignsUpInABrowserConfirmsAndGetsTheDigest(transport: Transport) async throws {
        try #require(BrowserTests.chromium != nil, "headless Chromium is needed: apt-get install chromium (scripts/install-deps --test)")
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
            "chromedriver is needed: apt-get install chromium-driver (scripts/install-deps --test)")
        try #require(
            FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium"),
            "Selenium for /usr/bin/python3 is needed: apt-get install python3-selenium (scripts/install-deps --test)")
        var gazette = try CommandRunner()
        let port = 20_000 + Int.random(in: 0..<20_000)
        let base = "http://127.0.0.1:\(port)"
        gazette.environment["GAZETTE_BASE_URL"] = base
        var sink: SmtpSink?
        if transport == .smtp {
            sink = try SmtpSink()
            gazette.environment["GAZETTE_SMTP_URL"] = sink!.url
            gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        }
        try EndToEndTests.importFixture(gazette)
        let server = try gazette.serve(port: port)
        defer { kill(server.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in a child of the test runner
        try await BrowserTests().waitForHealth("\(base)/healthz")

        let email = "ines.\(transport.rawValue)@example.org"
        let signedUp = try Self.drive([
            "signup", "\(base)/subscribe", "--email", email, "--name", "Inés Álvarez",
            "--timezone", "America/Argentina/Buenos_Aires", "--levels", "senior,lead", "--day", "Wednesday", "--hour", "07:00",
            "--screenshot", "\(gazette.directory)/signup.png",
        ], in: gazette.directory)
        #expect(signedUp.url == "\(base)/subscribe" && signedUp.heading == "Check your inbox" && signedUp.title == "Check your inbox")
        // What the browser sent is what was stored, the time zone as picked from the list.
        let pending = try gazette.run(["subscribers", "export", email])
        #expect(pending.status == 0, "\(pending.stderr)")
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [String: Any])
        let subscriber = try #require(stored["subscriber"] as? [String: Any], "\(pending.stdout)")
        #expect(subscriber["status"] as? String == "pending")
        #expect(subscriber["name"] as? String == "Inés Álvarez")
        // Columns as stored: `sendDay` 1 = Monday, `levels` a JSON array.
        #expect(subscriber["timeZone"] as? String == "America/Argentina/Buenos_Aires", "\(subscriber)")
        #expect(subscriber["sendDay"] as? Int == 3 && subscriber["sendHour"] as? Int == 7, "\(subscriber)")
        #expect(subscriber["levels"] as? String == #"["senior","lead"]"#, "\(subscriber)")

        // The confirmation link, from the real e-mail: the outbox file, or what the SMTP server received.
        var mails: [String] = []
        for _ in 0..<200 where mails.isEmpty {
            if let sink {
                mails = try FileManager.default.contentsOfDirectory(atPath: sink.dumps.path).map { "\(sink.dumps.path)/\($0)" }
            } else {
                mails = try gazette.outboxFiles().filter { $0.contains("confirm-") }
            }
            if mails.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(mails.count == 1, "\(mails)")
        let mail = try #require(try gazette.checkMessages(mails).first)
        #expect(mail.headers["To"]?.contains(email) == true)
        let text = try #require(mail.text)
        let linkRange = try #require(text.range(of: base + #"/confirm/[A-Za-z0-9._-]+"#, options: .regularExpression))
        let link = String(text[linkRange])

        let confirmed = try Self.drive(["confirm", link, "--screenshot", "\(gazette.directory)/confirmed.png"], in: gazette.directory)
        #expect(confirmed.heading == "You are subscribed" && confirmed.ids.contains("confirmed"), "\(confirmed)")
        for picture in ["signup.png", "confirmed.png"] {
            let size = try FileManager.default.attributesOfItem(atPath: "\(gazette.directory)/\(picture)")[.size] as? Int ?? 0
            #expect(size > 1000, "\(picture) is not a screenshot")
        }

        // Wednesday 07:00 in Buenos Aires (UTC-3) is 10:00 UTC: not due half an hour before, sent just after.
        let early = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-25T09:30:00Z", "--only", email])
        #expect(early.lastLine.hasPrefix("2026-W48: sent 0,"), "\(early.stdout)\(early.stderr)")
        let due = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-25T10:05:00Z", "--only", email])
        #expect(due.status == 0 && due.lastLine.hasPrefix("2026-W48: sent 1,"), "\(due.stdout)\(due.stderr)")
        let digests: [String]
        if let sink {
            #expect(try sink.deliveries()[email] == 2, "the confirmation and the digest")
            digests = try FileManager.default.contentsOfDirectory(atPath: sink.dumps.path).map { "\(sink.dumps.path)/\($0)" }
                .filter { !mails.contains($0) }
        } else {
            digests = try gazette.outboxFiles().filter { $0.contains("2026-W48") }
        }
        try #require(digests.count == 1, "\(digests)")
        let digest = try #require(try gazette.checkMessages(digests).first)
        // smtp-sink's dumps have LF line ends and its own X- lines: only the outbox file is the message as sent.
        if transport == .outbox { #expect(digest.errors == [], "\(digest.errors)") }
        #expect(digest.headers["To"]?.contains(email) == true)
        #expect(digest.headers["Subject"]?.contains("2026-W48") == true, "\(digest.headers)")
        #expect(digest.text?.contains("Inés") == true)
    }
}
