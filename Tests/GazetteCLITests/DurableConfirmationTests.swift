import Foundation
import Testing

/// A confirmation e-mail owed to a signup is stored with the signup: when the relay is down and `serve`
/// is killed before it went out, the next `serve` sends it.
@Suite(.serialized)
struct DurableConfirmationTests {
    /// One row of the confirmation outbox.
    struct Row: Equatable, CustomStringConvertible {
        var attempts: Int
        var sent: Bool
        var description: String { "\(attempts) failed attempts, \(sent ? "sent" : "owed")" }
    }

    /// The confirmation outbox as Python's sqlite3 reads it.
    static func outbox(_ gazette: CommandRunner) throws -> [Row] {
        let script = """
            import sqlite3, sys
            for attempts, sent in sqlite3.connect(sys.argv[1]).execute(
                    "SELECT attempts, sentAt IS NOT NULL FROM confirmationOutbox ORDER BY id"):
                print(attempts, sent)
            """
        return try CommandRunner.execute(
            "/usr/bin/python3", ["-c", script, "\(gazette.directory)/gazette.sqlite"], environment: gazette.environment,
            in: gazette.directory
        ).stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return Row(attempts: Int(fields.first ?? "") ?? -1, sent: fields.last == "1")
        }
    }

    @Test func aSignupAcceptedWhileTheRelayIsDownIsConfirmedAfterServeRestarts() async throws {
        var gazette = try CommandRunner()
        let port = 20_000 + Int.random(in: 0..<20_000)
        let base = "http://127.0.0.1:\(port)"
        gazette.environment["GAZETTE_BASE_URL"] = base
        // Nothing listens there: every attempt is refused.
        gazette.environment["GAZETTE_SMTP_URL"] = "smtp://127.0.0.1:\(port + 1)"
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let down = try gazette.serve(port: port)
        defer { kill(down.processIdentifier, SIGKILL) }
        try await BrowserTests().waitForHealth("\(base)/healthz")
        let (status, page) = try await SignupEndToEndTests.post("\(base)/subscribe", "email=durable%40example.net&name=Dee")
        #expect(status == 200 && page.contains("id=\"check-inbox\""))
        // At least one attempt, refused, and still owed (more if this machine is slow enough for a retry).
        var rows: [Row] = []
        for _ in 0..<100 where (rows.first?.attempts ?? 0) == 0 {
            try await Task.sleep(for: .milliseconds(50))
            rows = try Self.outbox(gazette)
        }
        #expect(rows.count == 1 && rows[0].attempts >= 1 && !rows[0].sent, "\(rows)")
        let failedAttempts = rows.first?.attempts ?? 0
        kill(down.processIdentifier, SIGKILL)
        down.waitUntilExit()

        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        let up = try gazette.serve(port: port)
        defer { kill(up.processIdentifier, SIGKILL) }
        try await BrowserTests().waitForHealth("\(base)/healthz")
        var delivered: [String: Int] = [:]
        for _ in 0..<200 where delivered.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            delivered = try sink.deliveries()
        }
        #expect(delivered == ["durable@example.net": 1])
        let sent = Row(attempts: failedAttempts, sent: true)
        for _ in 0..<40 where rows != [sent] {
            try await Task.sleep(for: .milliseconds(50))
            rows = try Self.outbox(gazette)
        }
        #expect(rows == [sent], "marked sent")
        // Still at most one e-mail per address per 10 minutes.
        #expect(try await SignupEndToEndTests.post("\(base)/subscribe", "email=durable%40example.net").0 == 200)
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try sink.deliveries() == ["durable@example.net": 1])
        #expect(try Self.outbox(gazette) == [sent])

        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: sink.dumps.path).first)
        let mail = try #require(try gazette.checkMessages(["\(sink.dumps.path)/\(file)"]).first)
        let text = try #require(mail.text)
        let range = try #require(text.range(of: base + #"/confirm/[A-Za-z0-9._-]+"#, options: .regularExpression))
        #expect(try await SignupEndToEndTests.post(String(text[range]), "").0 == 200)
        #expect(try gazette.run(["subscribers", "list", "--status", "active"]).stdout.contains("durable@example.net"))
    }
}
