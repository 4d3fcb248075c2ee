import Foundation
import GazetteTestSupport
import Testing

/// The binary on PostgreSQL (`GAZETTE_DATABASE=postgres://…`), against the same run on SQLite: the same
/// summaries, the same status, the same messages; and the password never in its output.
@Suite(.serialized)
struct PostgresEndToEndTests {
    /// A runner whose database is a fresh PostgreSQL database, logging at debug level (the most it says).
    static func postgresRunner() throws -> (CommandRunner, password: String) {
        let server = try #require(PostgresTestDatabase.serverURL, Comment(rawValue: PostgresTestDatabase.missing))
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_DATABASE"] = try PostgresTestDatabase.create(on: server)
        gazette.environment["GAZETTE_LOG_LEVEL"] = "debug"
        let password = try #require(URLComponents(string: server)?.password)
        return (gazette, password)
    }

    /// Import, send as due, send the rest, status, export: the outputs of both backends are identical.
    @Test func aWholeRunGivesTheSameResultsOnPostgresAsOnSQLite() throws {
        let (postgres, password) = try Self.postgresRunner()
        let sqlite = try CommandRunner()
        var outputs: [[String]] = []
        for gazette in [sqlite, postgres] {
            var seen: [String] = []
            let migrated = try gazette.run(["migrate"])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            try EndToEndTests.importFixture(gazette)
            for arguments in [
                ["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z"],
                ["send", "--week", "2026-W48", "--at", "2026-11-23T09:31:00Z", "--now"],
                ["status", "--week", "2026-W48"],
                ["subscribers", "list"],
                ["subscribers", "export", "py@example.com"],
            ] {
                let result = try gazette.run(arguments)
                #expect(result.status == 0, "\(arguments): \(result.stderr)")
                // Durations and the real clock's stamps (createdAt, sentAt) differ from run to run.
                seen.append(result.stdout
                    .replacingOccurrences(of: #"seconds [0-9.]+"#, with: "seconds N", options: .regularExpression)
                    .replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}"#, with: "STAMP", options: .regularExpression))
                #expect(!result.stdout.contains(password) && !result.stderr.contains(password), "\(arguments)")
            }
            let files = try gazette.outboxFiles()
            seen.append(files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ","))
            seen.append(try gazette.checkMessages(files).map { "\($0.errors) \($0.headers["To"] ?? "") \($0.headers["Subject"] ?? "")\n\($0.text ?? "")" }.joined(separator: "\n"))
            outputs.append(seen)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1][0].contains("2026-W48: sent 2,"), "\(outputs[1])")
        // migrate reports the database without its password.
        let migrate = try postgres.run(["migrate"])
        #expect(migrate.stdout.contains("postgres://postgres:***@127.0.0.1:") && migrate.stdout.contains("7 migrations applied"), "\(migrate.stdout)")
    }

    /// Unusable PostgreSQL settings stop every command with a clear message that never repeats the password.
    @Test(arguments: [
        ("postgres://gazette:hunter2secret@127.0.0.1:1/news?sslmode=disable", "cannot open the database postgres://gazette:***@127.0.0.1:1/news"),
        ("postgres://gazette:hunter2secret@127.0.0.1/news?sslmode=maybe", "sslmode=maybe is not one of disable, prefer, require, verify-full"),
        ("postgres://gazette:hunter2secret@127.0.0.1", "names no database"),
        ("postgresql://:hunter2secret@127.0.0.1/news", "names no user"),
    ])
    func badDatabaseURLsAreReportedWithoutThePassword(url: String, message: String) throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_DATABASE"] = url
        gazette.environment["GAZETTE_LOG_LEVEL"] = "debug"
        for arguments in [["status"], ["migrate"], ["--database", url, "subscribers", "list"]] {
            let result = try gazette.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("hunter2secret") && !result.stderr.contains("hunter2secret"), "\(arguments): \(result.stderr)")
        }
    }

    /// A wrong password is the server's refusal, at once, not a minute of retries.
    @Test func aWrongPasswordIsRefusedAtOnce() throws {
        let (gazette, password) = try Self.postgresRunner()
        var wrong = gazette
        wrong.environment["GAZETTE_DATABASE"] = gazette.environment["GAZETTE_DATABASE"]!.replacingOccurrences(of: password, with: "not-it")
        let started = Date()
        let result = try wrong.run(["status"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("password authentication failed"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 15)
    }
}
