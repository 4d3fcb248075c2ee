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

    @Test func killedRunsLoseNobodyAndDuplicateAtMostConcurrencyPerKill() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["GAZETTE_KILL_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max / 2)
        print("kill test seed: \(seed) (rerun with GAZETTE_KILL_SEED=\(seed))")
        var random = SplitMix64(state: seed)
        var gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let count = 2000
        let roster = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
            + (1...count).map { "reader\($0)@example.com,Reader \($0),,,,,,,,,\n" }.joined()
        #expect(try gazette.run(["subscribers", "import", try gazette.file("many.csv", roster)]).status == 0)
        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let concurrency = 4
        let arguments = ["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--concurrency", String(concurrency)]

        var kills = 0
        var moments: [Int] = []
        while kills < 20 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
            process.arguments = arguments
            process.environment = gazette.environment
            process.currentDirectoryURL = URL(fileURLWithPath: gazette.directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Anywhere from start-up (migration, enqueue) to deep inside the SMTP transactions.
            let delay = Int.random(in: 20_000...600_000, using: &random)
            moments.append(delay / 1000)
            usleep(useconds_t(delay))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            if process.terminationReason == .exit { break }  // finished before the kill: nothing left to test
        }
        let final = try gazette.run(arguments)
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        #expect(final.lastLine.contains("deferred 0, failed 0"), "\(final.lastLine)")

        let deliveries = try sink.deliveries()
        let expected = (1...count).map { "reader\($0)@example.com" } + ["go@example.com", "py@example.com", "all@example.com"]
        let missing = expected.filter { deliveries[$0] == nil }
        #expect(missing.count == 0, "\(missing.count) lost after kills at \(moments) ms (seed \(seed)), e.g. \(missing.prefix(5))")
        let duplicates = deliveries.values.reduce(0) { $0 + max(0, $1 - 1) }
        #expect(duplicates <= kills * concurrency, "\(duplicates) duplicates after \(kills) kills (seed \(seed))")
        #expect(kills >= 10, "only \(kills) kills landed while a run was in progress (seed \(seed))")
        print("kill test: \(kills) kills at \(moments) ms, \(duplicates) duplicate deliveries, \(deliveries.count) recipients")
    }
}
