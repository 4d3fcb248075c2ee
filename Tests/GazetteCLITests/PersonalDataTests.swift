import Foundation
import Testing

/// `gazette subscribers export|erase` on the real binary; the export is checked against the database as
/// Python's sqlite3 reads it, independently of the Swift code that wrote it.
@Suite(.serialized)
struct PersonalDataTests {
    /// Every column of the person's subscriber row and ledger rows, as Python's sqlite3 returns them.
    static let reader = """
        import json, sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        db.row_factory = sqlite3.Row
        person = db.execute("SELECT * FROM subscriber WHERE emailKey = ?", (sys.argv[2].lower(),)).fetchone()
        rows = db.execute("SELECT * FROM delivery WHERE subscriberId = ? ORDER BY edition, id", (person["id"],)).fetchall()
        print(json.dumps({"subscriber": dict(person), "deliveries": [dict(r) for r in rows]}, sort_keys=True))
        """

    @Test func exportHoldsExactlyWhatTheDatabaseHoldsAboutThePerson() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        let send = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"])
        #expect(send.status == 0, "\(send.stderr)")

        let export = try gazette.run(["subscribers", "export", "GO@example.com"])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        let stored = try CommandRunner.execute(
            "/usr/bin/python3", ["-c", Self.reader, "\(gazette.directory)/gazette.sqlite", "go@example.com"],
            environment: gazette.environment, in: gazette.directory)
        #expect(stored.status == 0, "\(stored.stderr)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: exported["subscriber"] as? [String: Any] ?? [:])
            == NSDictionary(dictionary: expected["subscriber"] as? [String: Any] ?? [:]))
        let deliveries = try #require(exported["deliveries"] as? [[String: Any]])
        #expect(deliveries.count == 1)
        #expect(NSArray(array: deliveries) == NSArray(array: expected["deliveries"] as? [[String: Any]] ?? []))
        #expect(deliveries.first?["state"] as? String == "sent")
        #expect(deliveries.first?["edition"] as? String == "2026-W48")
    }

    @Test func unknownAddressIsAClearDataError() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        for command in ["export", "erase"] {
            let result = try gazette.run(["subscribers", command, "nobody@example.com"])
            #expect(result.status == 65)
            #expect(result.stderr.contains("no subscriber with address nobody@example.com"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func eraseLeavesNoTraceAndAReimportDoesNotMailThem() throws {
        let gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        #expect(try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"]).status == 0)
        let erase = try gazette.run(["subscribers", "erase", "Go@Example.com"])
        #expect(erase.status == 0, "\(erase.stderr)")
        // Every row of every table (CommandRunner.databaseDump stops at the first one-column table).
        let dumper = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
                for row in db.execute(f'SELECT * FROM "{name}"'):
                    print(name, row)
            """
        let dump = try CommandRunner.execute(
            "/usr/bin/python3", ["-c", dumper, "\(gazette.directory)/gazette.sqlite"], environment: gazette.environment,
            in: gazette.directory
        ).stdout
        #expect(dump.contains("grdb_migrations ('v4: subscriber lifecycle',)"))
        #expect(!dump.lowercased().contains("go@example.com"))
        #expect(!dump.contains("Gopher Grace"))
        #expect(dump.contains("suppressedHash"))

        // The operator imports the old list again: the erased person comes back pending and gets nothing.
        let reimport = try gazette.run(["subscribers", "import", try gazette.file("again.csv", EndToEndTests.subscribers)])
        #expect(reimport.status == 0, "\(reimport.stderr)")
        let listed = try gazette.run(["subscribers", "list", "--status", "pending"])
        #expect(listed.stdout.contains("go@example.com"))
        let next = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T10:30:00Z", "--now", "--only", "go@example.com"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.lastLine.hasPrefix("2026-W48: sent 0,"))
    }
}
