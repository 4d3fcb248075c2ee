import Foundation
import Testing

/// `gazette send` over SMTP against Postfix's smtp-sink: exit statuses and the ledger across runs.
@Suite(.serialized)
struct SmtpSendTests {
    func smtp(_ gazette: CommandRunner, _ sink: SmtpSink) -> CommandRunner {
        var configured = gazette
        configured.environment["GAZETTE_SMTP_URL"] = sink.url
        configured.environment["GAZETTE_SMTP_TLS"] = "none"
        return configured
    }

    @Test func throttledRecipientsAreDeferredWithExit75AndDeliveredOnceByALaterRun() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let arguments = ["send", "--week", "2026-W48", "--now", "--concurrency", "2"]

        // Every RCPT gets "450 4.x" from this sink.
        let throttling = try SmtpSink(options: ["-r", "RCPT"])
        let first = try smtp(gazette, throttling).run(arguments + ["--at", "2026-11-23T09:30:00Z"])
        #expect(first.status == 75, "\(first.stdout)\(first.stderr)")
        #expect(first.lastLine.hasPrefix("2026-W48: sent 0, already sent 0, deferred 3,"), "\(first.lastLine)")
        #expect(try throttling.deliveries().isEmpty)

        let healthy = try SmtpSink()
        // Before the backoff is over nothing is retried…
        let early = try smtp(gazette, healthy).run(arguments + ["--at", "2026-11-23T09:31:00Z"])
        #expect(early.status == 75)
        #expect(try healthy.deliveries().isEmpty)
        // …after it, each throttled message goes out exactly once.
        let later = try smtp(gazette, healthy).run(arguments + ["--at", "2026-11-23T09:40:00Z"])
        #expect(later.status == 0, "\(later.stdout)\(later.stderr)")
        #expect(later.lastLine.hasPrefix("2026-W48: sent 3, already sent 0, deferred 0,"), "\(later.lastLine)")
        let again = try smtp(gazette, healthy).run(arguments + ["--at", "2026-11-23T10:00:00Z"])
        #expect(again.lastLine.hasPrefix("2026-W48: sent 0, already sent 3,"))
        #expect(try healthy.deliveries() == ["go@example.com": 1, "py@example.com": 1, "all@example.com": 1])
    }

    @Test func refusedRecipientsFailForGoodAndExitZero() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let refusing = try SmtpSink(options: ["-f", "RCPT"])
        let result = try smtp(gazette, refusing).run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lastLine.hasPrefix("2026-W48: sent 0, already sent 0, deferred 0, failed 3,"), "\(result.lastLine)")
        let status = try gazette.run(["status", "--week", "2026-W48"]).stdout
        // The server's reply, with its code once: "…after 1 attempt: 550 5.7.1 …".
        #expect(status.contains("failed go@example.com after 1 attempt: 5"), "\(status)")
        #expect(!status.contains("attempt, 5"), "\(status)")
    }

    @Test func sendTestMailsOneCopyAnywhereAndLeavesTheLedgerAlone() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let sink = try SmtpSink()
        let result = try smtp(gazette, sink).run(["send-test", "--subscriber", "go@example.com", "--to", "editor@example.org", "--week", "2026-W48"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("sent a test copy of 2026-W48 for go@example.com to editor@example.org"))
        #expect(try sink.deliveries() == ["editor@example.org": 1])
        #expect(try gazette.run(["status", "--week", "2026-W48"]).stdout.contains("queued 0, sending 0, sent 0,"))
        #expect(try gazette.run(["send-test", "--subscriber", "go@example.com", "--to", "not an address"]).status == 64)
    }

    @Test func anUnreachableServerExits69AndMarksNothingSent() throws {
        var gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        gazette.environment["GAZETTE_SMTP_URL"] = "smtp://127.0.0.1:9"  // discard port: nothing listens
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let result = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("SMTP server unavailable: cannot connect to 127.0.0.1:9"), "\(result.stderr)")
        #expect(try gazette.run(["status", "--week", "2026-W48"]).stdout.contains("queued 3, sending 0, sent 0"))
    }

    @Test func plainTextMustBeChosenExplicitly() throws {
        var gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url  // smtp:// means STARTTLS, which smtp-sink does not offer
        let result = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("STARTTLS"), "\(result.stderr)")
        #expect(try sink.deliveries().isEmpty)
    }
}

/// A server that stops answering in the middle of a transaction must not hang the run.
struct SmtpStallTests {
    @Test func aStalledServerTimesOutAndTheMessageIsDeferred() throws {
        var gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        // smtp-sink waits 60 s before answering DATA; Gazette is told to wait 2 s for a reply.
        let stalling = try SmtpSink(options: ["-w", "60"])
        gazette.environment["GAZETTE_SMTP_URL"] = stalling.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        gazette.environment["GAZETTE_SMTP_TIMEOUT"] = "2"
        let started = Date()
        let result = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z", "--only", "go@example.com"])
        #expect(Date().timeIntervalSince(started) < 30, "the timeout did not fire")
        #expect(result.status == 75, "\(result.stdout)\(result.stderr)")
        #expect(result.lastLine.hasPrefix("2026-W48: sent 0, already sent 0, deferred 1,"), "\(result.lastLine)")
        let status = try gazette.run(["status", "--week", "2026-W48"]).stdout
        #expect(status.contains("deferred go@example.com after 1 attempt"), "\(status)")
    }
}
