import Foundation
import Testing

/// What an operator's configuration mistakes get: a clear refusal (exit 64) or a warning, never a
/// silently ignored setting, and no database created by a command that only reads.
@Suite(.serialized)
struct ConfigurationTests {
    static let list = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
        + "ann@example.com,Ann,,,,,,,,,\n"

    @Test func anEnvFileWithCRLFLineEndsIsReadLineByLine() throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_DATABASE"] = nil
        let env = "# Gazette settings\r\nGAZETTE_DATABASE=\(gazette.directory)/from-env-file.sqlite\r\nGAZETTE_GRACE_HOURS=24\r\n"
        _ = try gazette.file("gazette.env", env)
        chmod("\(gazette.directory)/gazette.env", 0o600)
        let list = try gazette.file("s.csv", Self.list)
        let result = try gazette.run(["subscribers", "import", list])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(gazette.directory)/from-env-file.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: "\(gazette.directory)/gazette.sqlite"))
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }

    @Test func anEnvFileWarnsAboutBadLinesUnknownKeysAndReadablePasswords() throws {
        let gazette = try CommandRunner()
        let env = "GAZETTE_SMTP_PASSWORD=a-password\nthis line has no equals sign\nGAZETTE_BASEURL=https://x.example.com\n"
        _ = try gazette.file("gazette.env", env)
        chmod("\(gazette.directory)/gazette.env", 0o644)
        let list = try gazette.file("s.csv", Self.list)
        let result = try gazette.run(["subscribers", "import", list])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("gazette.env:2: ignored: not a KEY=value line"), "\(result.stderr)")
        #expect(result.stderr.contains("gazette.env:3: unknown setting GAZETTE_BASEURL"), "\(result.stderr)")
        #expect(result.stderr.contains("every user of this machine can read it: chmod 600"), "\(result.stderr)")
        #expect(!result.stderr.contains("a-password"))
    }

    /// A PostgreSQL URL with a password is a secret too: an env file everyone can read is warned about, and
    /// neither the warning nor the failure to connect repeats the password.
    @Test func anEnvFileWithADatabasePasswordMustBeTheOwners() throws {
        let gazette = try CommandRunner()
        var runner = gazette
        runner.environment["GAZETTE_DATABASE"] = nil
        _ = try gazette.file("gazette.env", "GAZETTE_DATABASE=postgres://gazette:pw-in-env-file@127.0.0.1:1/news?sslmode=disable\n")
        chmod("\(gazette.directory)/gazette.env", 0o644)
        let result = try runner.run(["status"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("every user of this machine can read it: chmod 600"), "\(result.stderr)")
        #expect(result.stderr.contains("cannot open the database postgres://gazette:***@127.0.0.1:1/news"), "\(result.stderr)")
        #expect(!result.stderr.contains("pw-in-env-file") && !result.stdout.contains("pw-in-env-file"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("GAZETTE_SECRET", "k", "GAZETTE_SECRET is 1 characters long; use at least 32"),
        ("GAZETTE_SECRET", "change-me-to-the-output-of-openssl-rand-hex-32", "GAZETTE_SECRET is still the placeholder"),
        ("GAZETTE_SECRET", String(repeating: "ab", count: 20), "GAZETTE_SECRET repeats too few characters"),
        ("GAZETTE_OPERATOR_TOKEN", "short-token", "GAZETTE_OPERATOR_TOKEN is 11 characters long; use at least 24"),
        ("GAZETTE_API_TOKEN", "short-api-token", "GAZETTE_API_TOKEN is 15 characters long; use at least 24"),
        ("GAZETTE_API_TOKEN", "replace-me-with-a-long-random-token", "GAZETTE_API_TOKEN is still the placeholder"),
        ("GAZETTE_LOG_LEVEL", "verbose", "GAZETTE_LOG_LEVEL must be one of trace, debug, info"),
        ("GAZETTE_BASE_URL", "http://news.example.com", "GAZETTE_BASE_URL must use https"),
        ("GAZETTE_BASE_URL", "https://news.example.com/" + String(repeating: "p", count: 1100), "at most 500 fit in a mail header"),
    ])
    func weakOrWrongSettingsAreRefused(key: String, value: String, message: String) throws {
        var gazette = try CommandRunner()
        gazette.environment[key] = value
        let result = try gazette.run(["subscribers", "import", try gazette.file("s.csv", Self.list)])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        if key == "GAZETTE_SECRET" { #expect(result.stderr.contains("openssl rand -hex 32")) }
        #expect(!FileManager.default.fileExists(atPath: "\(gazette.directory)/gazette.sqlite"))
    }

    @Test func plainHTTPOnLoopbackIsAccepted() throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_BASE_URL"] = "http://127.0.0.1:8080"
        let result = try gazette.run(["subscribers", "import", try gazette.file("s.csv", Self.list)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: [["status"], ["subscribers", "list"], ["preview", "--subscriber", "ann@example.com"]])
    func aReadingCommandOnAMissingDatabaseCreatesNothing(arguments: [String]) throws {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_DATABASE"] = "\(gazette.directory)/typo.sqlite"
        let result = try gazette.run(arguments)
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("no database at \(gazette.directory)/typo.sqlite"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: gazette.directory).filter { $0.hasPrefix("typo") }.isEmpty)
    }

    @Test func aRefusedFirstImportLeavesNoFile() throws {
        let gazette = try CommandRunner()
        let bad = try gazette.file("bad.csv", "email,name,timezone\nnot-an-address,Ann,Mars/Base\n")
        let result = try gazette.run(["subscribers", "import", bad])
        #expect(result.status == 65, "\(result.stderr)")
        let openings = try gazette.file("o.csv", "source,id\nx,1\n")
        #expect(try gazette.run(["import", "openings", openings]).status == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: gazette.directory).filter { $0.hasPrefix("gazette.sqlite") }.isEmpty)
    }
}

/// Help and notices a newcomer reads.
@Suite(.serialized)
struct OperatorMessageTests {
    @Test func importHelpListsTheColumnsAndSendHelpStatesEachDefaultOnce() throws {
        let gazette = try CommandRunner()
        let openings = try gazette.run(["import", "openings", "--help"])
        #expect(openings.stdout.contains("source,id,company,title,level,stack,location,remote"), "\(openings.stdout)")
        let subscribers = try gazette.run(["subscribers", "import", "--help"])
        #expect(subscribers.stdout.contains("email,name,timezone") && subscribers.stdout.contains("optionally skip_empty"))
        let send = try gazette.run(["send", "--help"]).stdout
        #expect(!send.contains("(default 4). (default: 4)") && send.contains("(default: 4)"), "\(send)")
        #expect(send.contains("--rate") && send.contains("no limit"))
    }

    @Test func previewAndSendTestSayWhenTheAddressIsUnsubscribed() throws {
        let gazette = try CommandRunner()
        let list = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
            + "gone@example.com,Gone,,,,,,,,,unsubscribed\nhere@example.com,Here,,,,,,,,,\n"
        #expect(try gazette.run(["subscribers", "import", try gazette.file("s.csv", list)]).status == 0)
        let gone = try gazette.run(["preview", "--subscriber", "gone@example.com"])
        #expect(gone.status == 0)
        #expect(gone.stderr.contains("gone@example.com is unsubscribed: no digest is sent to this address"), "\(gone.stderr)")
        let test = try gazette.run(["send-test", "--subscriber", "gone@example.com", "--to", "me@example.com"])
        #expect(test.stderr.contains("is unsubscribed"), "\(test.stderr)")
        let here = try gazette.run(["preview", "--subscriber", "here@example.com"])
        #expect(!here.stderr.contains("unsubscribed"))
    }
}

struct MigrateCommandTests {
    @Test func migrateCreatesAndMigratesTheDatabaseThenExits() throws {
        let gazette = try CommandRunner()
        let first = try gazette.run(["migrate"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("7 migrations applied, latest \"v7: row claims\""), "\(first.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(gazette.directory)/gazette.sqlite"))
        // Again: nothing to do, same answer.
        #expect(try gazette.run(["migrate"]).stdout == first.stdout)
    }
}
