import Foundation
import Testing

/// Faults an operator meets: a full disk, a busy or damaged database, secrets around logs.
@Suite(.serialized)
struct FaultTests {
    @Test func aFullOutboxDiskStopsTheRunAndNothingUnwrittenIsMarkedSent() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let outbox = "\(gazette.directory)/small-disk"
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        // A 40 KB file system holds one or two messages; then writes fail with ENOSPC.
        let mount = try CommandRunner.execute("/bin/mount", ["-t", "tmpfs", "-o", "size=40k", "tmpfs", outbox], environment: gazette.environment, in: gazette.directory)
        try #require(mount.status == 0, "mounting a small tmpfs needs root: \(mount.stderr)")
        defer { _ = try? CommandRunner.execute("/bin/umount", [outbox], environment: gazette.environment, in: gazette.directory) }
        var small = gazette
        small.environment["GAZETTE_OUTBOX"] = outbox
        // Fill it first so that even the first message cannot be written completely.
        try Data(repeating: 0, count: 30_000).write(to: URL(fileURLWithPath: "\(outbox)/filler"))

        let result = try small.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--concurrency", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write to the outbox \(outbox): No space left on device"), "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "half-written files left: \(files)")
        let written = files.filter { $0.hasSuffix(".eml") }.count
        let status = try small.run(["status", "--week", "2026-W48"]).stdout
        #expect(status.contains("sending 0, sent \(written),"), "\(status)")

        // Space again: the next run sends the rest, and nobody twice.
        try FileManager.default.removeItem(atPath: "\(outbox)/filler")
        let retry = try small.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:35:00Z", "--now"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.lastLine.hasPrefix("2026-W48: sent \(3 - written), already sent \(written),"), "\(retry.stdout)")
    }

    @Test func aDatabaseHeldByAnotherWriterFailsClearlyAfterTheBusyTimeout() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let holder = try gazette.holdWriteLock(seconds: 30)
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let started = Date()
        let result = try gazette.run(["subscribers", "unsubscribe", "go@example.com"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the database is busy (another process holds a write lock)"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) >= 5, "gave up before waiting for the other writer")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(try gazette.run(["subscribers", "unsubscribe", "go@example.com"]).status == 0)
    }

    @Test func aDamagedDatabaseIsRefusedClearly() throws {
        let gazette = try CommandRunner()
        try String(repeating: "this is not SQLite ", count: 500).write(toFile: "\(gazette.directory)/gazette.sqlite", atomically: true, encoding: .utf8)
        let result = try gazette.run(["status"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open the database \(gazette.directory)/gazette.sqlite: the file is not a Gazette database or is damaged"), "\(result.stderr)")
    }

    @Test func secretsNeverAppearInAnyOutput() throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_SECRET"] = "hmac-secret-value-7f3a-0123456789abcdef"
        gazette.environment["GAZETTE_SMTP_PASSWORD"] = "smtp-password-value-91c2"
        gazette.environment["GAZETTE_OPERATOR_TOKEN"] = "operator-token-value-44be"
        gazette.environment["GAZETTE_LOG_LEVEL"] = "trace"
        try EndToEndTests.importFixture(gazette)
        var outputs = [try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"])]
        outputs.append(try gazette.run(["status"]))
        outputs.append(try gazette.run(["preview", "--subscriber", "go@example.com", "--format", "eml"]))
        outputs.append(try gazette.run(["send", "--at", "not a time"]))
        for output in outputs {
            for secret in ["hmac-secret-value-7f3a-0123456789abcdef", "smtp-password-value-91c2", "operator-token-value-44be"] {
                #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret), "\(secret) leaked")
            }
        }
        for file in try gazette.outboxFiles() {
            let message = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!message.contains("hmac-secret-value-7f3a-0123456789abcdef"))
        }
    }

    @Test func databaseAndOutboxAreOwnerOnly() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        #expect(try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"]).status == 0)
        var paths = ["\(gazette.directory)/gazette.sqlite", "\(gazette.directory)/outbox"] + (try gazette.outboxFiles())
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: "\(gazette.directory)/gazette.sqlite\(suffix)") {
            paths.append("\(gazette.directory)/gazette.sqlite\(suffix)")
        }
        for path in paths {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(path) is \(String(mode, radix: 8))")
        }
    }
}
