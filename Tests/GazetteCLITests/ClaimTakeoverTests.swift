import Foundation
import Testing

/// The kill suite's companions where nothing is killed: a run stalled on a slow server, a run paused
/// past its claims (SIGSTOP, as a VM suspend or `docker pause`), and a live run in another PID namespace
/// (a container beside a timer on the host), each with a second run on the same edition. Figures go to
/// RELIABILITY.md.
@Suite(.serialized)
struct ClaimTakeoverTests {
    static let header = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"

    static func roster(_ count: Int) -> String {
        header + (1...count).map { "reader\($0)@example.com,Reader \($0),,,,,,,,,\n" }.joined()
    }

    static let send = ["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"]

    /// The server takes 6 s to answer each DATA; claims last 4 s. The first run keeps its claims alive by
    /// its heartbeat, so a second run started meanwhile finds nothing to take over, and nobody gets two copies.
    @Test func aRunStalledOnASlowServerIsNotTakenOver() throws {
        var gazette = try CommandRunner()
        #expect(try gazette.run(["subscribers", "import", try gazette.file("r.csv", Self.roster(4))]).status == 0)
        let sink = try SmtpSink(options: ["-w", "6"])
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        gazette.environment["GAZETTE_LEASE_SECONDS"] = "4"
        let first = try gazette.start(Self.send + ["--concurrency", "2"])
        usleep(5_000_000)  // past the claims' first expiry, with two messages waiting on the server
        #expect(first.isRunning)
        let status = try gazette.run(["status", "--week", "2026-W48"])
        #expect(status.stdout.contains("in flight: 4 claimed by ") && status.stdout.contains(" pid \(first.processIdentifier) until "), "\(status.stdout)")
        let second = try gazette.run(Self.send + ["--concurrency", "2"])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.lastLine.contains(": sent 0,"), "\(second.stdout)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 4 && deliveries.values.allSatisfy { $0 == 1 }, "\(deliveries)")
        print("stalled-reply case: \(deliveries.values.reduce(0) { $0 + max(0, $1 - 1) }) duplicates")
    }

    /// A run is frozen (SIGSTOP) for longer than its claims last; another run takes them over and sends everyone.
    /// Resumed, the frozen run sends nothing more than what was already on the wire and exits 75.
    @Test func aRunPausedPastItsClaimsSendsNothingMoreWhenResumed() throws {
        var gazette = try CommandRunner()
        let count = 300
        #expect(try gazette.run(["subscribers", "import", try gazette.file("r.csv", Self.roster(count))]).status == 0)
        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        gazette.environment["GAZETTE_LEASE_SECONDS"] = "3"
        let concurrency = 4
        let paused = try gazette.start(Self.send + ["--concurrency", String(concurrency), "--rate", "100"])
        usleep(1_000_000)
        try #require(paused.isRunning, "the first run ended before it could be paused")
        kill(paused.processIdentifier, SIGSTOP)
        let sentBeforePause = try sink.deliveries().count
        usleep(4_000_000)  // its claims have expired
        var takeover = try gazette.run(Self.send + ["--concurrency", String(concurrency)])
        // SQLite: a process frozen inside a write transaction keeps the write lock, and nobody can write
        // until it runs again (PostgreSQL has no such lock). Should the pause have caught one, let the
        // frozen run finish that transaction and freeze it again.
        for _ in 0..<5 where takeover.status == 1 && takeover.stderr.contains("database is busy") {
            kill(paused.processIdentifier, SIGCONT)
            usleep(20_000)
            kill(paused.processIdentifier, SIGSTOP)
            usleep(4_000_000)
            takeover = try gazette.run(Self.send + ["--concurrency", String(concurrency)])
        }
        #expect(takeover.status == 0, "\(takeover.stdout)\(takeover.stderr)")
        #expect(takeover.stdout.contains("requeued"), "\(takeover.stdout)")
        kill(paused.processIdentifier, SIGCONT)
        paused.waitUntilExit()
        #expect(paused.terminationStatus == 75)
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == count, "\(count - deliveries.count) lost")
        let duplicates = deliveries.values.reduce(0) { $0 + max(0, $1 - 1) }
        #expect(duplicates <= concurrency, "\(duplicates) duplicates (bound \(concurrency))")
        print("paused-process case: \(sentBeforePause) sent before the pause, \(duplicates) duplicates")
    }

    /// A live sender in another PID namespace, with the same host name: its pid means nothing here, so a
    /// run on the host must leave its claimed rows to it, not take them over.
    @Test func aLiveRunInAnotherPIDNamespaceIsNotTakenOver() throws {
        let unshare = "/usr/bin/unshare"
        try #require(FileManager.default.isExecutableFile(atPath: unshare), "unshare (util-linux) is needed")
        var gazette = try CommandRunner()
        #expect(try gazette.run(["subscribers", "import", try gazette.file("r.csv", Self.roster(4))]).status == 0)
        let sink = try SmtpSink(options: ["-w", "2"])
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        gazette.environment["GAZETTE_LEASE_SECONDS"] = "30"
        // Several processes first, so that the run's pid in its namespace is one no process has on the host.
        let script = "for i in $(seq 1 40); do /bin/true; done; exec \"$0\" \"$@\""
        let contained = try gazette.start(
            ["--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script, CommandRunner.binary]
                + Self.send + ["--concurrency", "1"],
            executable: unshare)
        usleep(1_500_000)
        #expect(contained.isRunning)
        let host = try gazette.run(Self.send + ["--concurrency", "1"])
        #expect(host.status == 0, "\(host.stdout)\(host.stderr)")
        #expect(host.lastLine.contains(": sent 0,") && !host.stdout.contains("requeued"), "\(host.stdout)")
        contained.waitUntilExit()
        #expect(contained.terminationStatus == 0)
        let deliveries = try sink.deliveries()
        #expect(deliveries.count == 4 && deliveries.values.allSatisfy { $0 == 1 }, "\(deliveries)")
        print("other-namespace case: \(deliveries.values.reduce(0) { $0 + max(0, $1 - 1) }) duplicates")
    }
}
