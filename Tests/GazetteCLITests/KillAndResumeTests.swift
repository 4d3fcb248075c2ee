import Foundation
import Testing

/// SIGKILL a send run at random moments, run again, repeat: nobody is lost, and each kill can cause at
/// most `--concurrency` duplicates (messages the server accepted before the ledger recorded them).
@Suite(.serialized)
struct KillAndResumeTests {
    /// A deterministic generator, so a failing sequence of kill moments can be replayed from its seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let arguments = ["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"]

    /// One sender, or two sharing the edition, on the embedded SQLite file; one is killed 20 times and started again.
    @Test(arguments: [1, 2])
    func killedRunsLoseNobodyAndDuplicateAtMostConcurrencyPerKill(senders: Int) throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_LEASE_SECONDS"] = "4"
        try Self.killAndResume(gazette, senders: senders, label: "SQLite")
    }

    /// Two or four senders at once on one PostgreSQL database, sharing the edition through row claims; one of
    /// them, picked at random, is killed and started again, 20 times. The others go on, and take over the dead
    /// one's rows: a sender dead on this machine is recognised at once by the next run, an expired claim
    /// (here after 4 s) by anyone.
    @Test(arguments: [2, 4])
    func killedSendersSharingAnEditionOnPostgresLoseNobody(senders: Int) throws {
        var (gazette, _) = try PostgresEndToEndTests.postgresRunner()
        gazette.environment["GAZETTE_LEASE_SECONDS"] = "4"
        try Self.killAndResume(gazette, senders: senders, label: "PostgreSQL")
    }

    static func killAndResume(_ runner: CommandRunner, senders: Int, label: String) throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["GAZETTE_KILL_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max / 2)
        print("kill test (\(label), \(senders) sender(s)) seed: \(seed) (rerun with GAZETTE_KILL_SEED=\(seed))")
        var random = SplitMix64(state: seed)
        var gazette = runner
        try EndToEndTests.importFixture(gazette)
        let count = 2000
        let roster = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
            + (1...count).map { "reader\($0)@example.com,Reader \($0),,,,,,,,,\n" }.joined()
        #expect(try gazette.run(["subscribers", "import", try gazette.file("many.csv", roster)]).status == 0)
        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let concurrency = 4
        var arguments = Self.arguments + ["--concurrency", String(concurrency)]
        // Several senders finish 2,003 messages fast: together they are paced to 200 messages a second, so that
        // 20 kills land before the edition is done.
        if senders > 1 { arguments += ["--rate", String(200 / senders)] }

        var kills = 0
        var moments: [Int] = []
        var running: [Process] = []
        var finishedStatuses: [Int32] = []
        while kills < 20 {
            // The killed sender starts again; the others go on.
            while running.count < senders { running.append(try gazette.start(arguments)) }
            // Anywhere from start-up (migration, enqueue) to deep inside the SMTP transactions.
            let delay = Int.random(in: 20_000...600_000, using: &random)
            moments.append(delay / 1000)
            usleep(useconds_t(delay))
            let victim = running.remove(at: Int.random(in: 0..<running.count, using: &random))
            if victim.isRunning {
                kill(victim.processIdentifier, SIGKILL)
                kills += 1
            }
            victim.waitUntilExit()
            if victim.terminationReason == .exit { finishedStatuses.append(victim.terminationStatus) }
            // A sender that finished by itself found nothing left to claim: the edition is (nearly) done.
            if victim.terminationReason == .exit { break }
        }
        for process in running {
            process.waitUntilExit()
            if process.terminationReason == .exit { finishedStatuses.append(process.terminationStatus) }
        }
        #expect(finishedStatuses.allSatisfy { $0 == 0 }, "exit statuses of the senders that were not killed: \(finishedStatuses)")
        let final = try gazette.run(Self.arguments + ["--concurrency", String(concurrency)])
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        #expect(final.lastLine.contains("deferred 0, failed 0"), "\(final.lastLine)")

        let deliveries = try sink.deliveries()
        let expected = (1...count).map { "reader\($0)@example.com" } + ["go@example.com", "py@example.com", "all@example.com"]
        let missing = expected.filter { deliveries[$0] == nil }
        #expect(missing.count == 0, "\(missing.count) lost after kills at \(moments) ms (seed \(seed)), e.g. \(missing.prefix(5))")
        let duplicates = deliveries.values.reduce(0) { $0 + max(0, $1 - 1) }
        #expect(duplicates <= kills * concurrency, "\(duplicates) duplicates after \(kills) kills (seed \(seed))")
        #expect(kills >= 10, "only \(kills) kills landed while a run was in progress (seed \(seed))")
        print("kill test (\(label), \(senders) sender(s)): \(kills) kills at \(moments) ms, \(duplicates) duplicate deliveries, \(deliveries.count) recipients")
    }
}
