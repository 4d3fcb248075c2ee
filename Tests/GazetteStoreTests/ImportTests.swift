import Foundation
import GazetteCore
import GazetteStore
import GRDB
import Testing

struct OpeningImportTests {
    static let header = "source,id,company,title,level,stack,location,remote,salary_min,salary_max,currency,url,posted_at,closed_at\n"

    @Test func parsesQuotedFieldsListsAndTimestamps() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("openings.csv", Self.header + """
            lever,lv-1,"Rhombus Systems","Engineer, ""Payments""\nand Billing",Senior,Go;Node.js,"Berlin, Germany",true,150000,180000,usd,https://jobs.example.com/1,2026-11-17T10:30:00Z,
            greenhouse,gh-2,Grid,Backend Engineer,mid,Python;Django,London,false,,,,https://jobs.example.com/2,2026-11-18,2026-12-01T00:00:00+01:00

            """)
        let (rows, issues) = FeedParser.openings(path: path)
        #expect(issues == [])
        try #require(rows.count == 2)
        // A cell over several lines becomes one line of text.
        #expect(rows[0].title == "Engineer, \"Payments\" and Billing")
        #expect(rows[0].stack == ["Go", "Node.js"])
        #expect(rows[0].level == .senior && rows[0].remote && rows[0].currency == "USD")
        #expect(rows[1].salaryMax == nil && rows[1].currency == "USD")
        #expect(rows[1].closedAt == Timestamp.parse("2026-11-30T23:00:00Z"))
    }

    @Test func reportsEveryBadRowWithFileLineAndField() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("bad.csv", Self.header + """
            lever,lv-1,Grid,Engineer,senior,Go,Berlin,false,1,2,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,
            lever,lv-2,Grid,Engineer,wizard,Go,Berlin,false,1,2,USD,https://jobs.example.com/2,2026-11-17T10:30:00Z,
            lever,lv-3,Grid,Engineer,senior,Go,Berlin,maybe,-5,2,USD,javascript:alert(1),2026-13-17,
            lever,lv-1,Grid,Engineer,senior,Go,Berlin,false,1,2,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,
            lever,lv-5,Grid,Engineer,senior,Go,Berlin,false,1,2,USD,https://jobs.example.com/5
            lever,lv-6,Grid,Engineer,senior,Go,Berlin,false,300,200,USD,https://jobs.example.com/6,2026-11-17T10:30:00Z,2026-11-01T00:00:00Z
            """)
        let (_, issues) = FeedParser.openings(path: path)
        let lines = issues.map(\.description)
        #expect(lines.contains("\(path):3: level: unknown level \"wizard\" (expected one of junior, mid, senior, lead, principal)"))
        #expect(lines.contains { $0.hasPrefix("\(path):4: remote:") })
        #expect(lines.contains { $0.hasPrefix("\(path):4: salary_min:") })
        #expect(lines.contains { $0.hasPrefix("\(path):4: url:") })
        #expect(lines.contains { $0.hasPrefix("\(path):4: posted_at:") })
        #expect(lines.contains("\(path):5: id: duplicate of line 2 (source lever, id lv-1)"))
        #expect(lines.contains { $0.hasPrefix("\(path):6: expected 14 fields, found 12") })
        #expect(lines.contains { $0.hasPrefix("\(path):7: salary_max:") })
        #expect(lines.contains { $0.hasPrefix("\(path):7: closed_at: is before posted_at") })
    }

    @Test func lineNumbersCountLineBreaksInsideQuotedFields() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("multiline.csv", Self.header + """
            lever,lv-1,Grid,"Title over
            three
            lines",senior,Go,Berlin,false,,,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,
            lever,lv-2,Grid,Engineer,senior,Go,Berlin,false,,,USD,not a url,2026-11-17T10:30:00Z,
            """)
        let (_, issues) = FeedParser.openings(path: path)
        #expect(issues.map(\.description) == ["\(path):5: url: not an absolute http(s) URL: \"not a url\""])
    }

    @Test func acceptsJSONLines() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("openings.jsonl", """
            {"source":"lever","id":"lv-1","company":"Grid","title":"Engineer","level":"senior","stack":["Go","gRPC"],"location":"Remote","remote":true,"salary_min":100000,"salary_max":150000,"currency":"USD","url":"https://jobs.example.com/1","posted_at":"2026-11-17T10:30:00Z","closed_at":null}

            {"source":"lever","id":"lv-2","company":"Grid","title":"Engineer","level":"junior","stack":"Python","location":"Paris","remote":false,"url":"https://jobs.example.com/2","posted_at":"2026-11-17T10:30:00Z"}
            {"source":"lever","id":"lv-3","unknown":1}
            not json
            """)
        let (rows, issues) = FeedParser.openings(path: path)
        #expect(rows.map(\.id) == ["lv-1", "lv-2"])
        #expect(rows[0].stack == ["Go", "gRPC"] && rows[0].remote && rows[0].salaryMax == 150_000)
        #expect(issues.map(\.description) == ["\(path):4: unknown: unknown field", "\(path):5: not a JSON object"])
    }

    @Test func jsonLinesWithCRLFLineEndsReadLikeLF() async throws {
        let dir = try TemporaryDirectory()
        let row = #"{"source":"lever","id":"ID","company":"Grid","title":"Engineer","level":"senior","stack":"Go","location":"Remote","remote":true,"url":"https://jobs.example.com/1","posted_at":"2026-11-17T10:30:00Z"}"#
        let text = [row.replacingOccurrences(of: "ID", with: "1"), "not json", row.replacingOccurrences(of: "ID", with: "3")]
        let lf = try dir.file("lf.jsonl", text.joined(separator: "\n") + "\n")
        let crlf = try dir.file("crlf.jsonl", text.joined(separator: "\r\n") + "\r\n")
        for path in [lf, crlf] {
            let (rows, issues) = FeedParser.openings(path: path)
            #expect(rows.map(\.id) == ["1", "3"])
            #expect(issues.map(\.description) == ["\(path):2: not a JSON object"])
        }
    }

    @Test func refusesBadHeadersAndEncodings() async throws {
        let dir = try TemporaryDirectory()
        let missing = try dir.file("missing.csv", "source,id,company\nlever,1,Grid\n")
        #expect(FeedParser.openings(path: missing).issues.first?.description.hasPrefix("\(missing):1: header: missing columns") == true)
        let latin1 = try dir.file("latin1.csv", bytes: Array((Self.header + "lever,1,Caf").utf8) + [0xE9] + Array(",x\n".utf8))
        #expect(FeedParser.openings(path: latin1).issues.map(\.description) == ["\(latin1):2: not valid UTF-8 text"])
        let bom = try dir.file("bom.csv", "\u{FEFF}" + Self.header + "lever,1,Grid,Engineer,senior,Go,Berlin,false,,,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,\n")
        #expect(FeedParser.openings(path: bom).issues == [])
        #expect(FeedParser.openings(path: "\(dir.path)/absent.csv").issues.count == 1)
    }
}

struct SubscriberImportTests {
    static let header = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"

    @Test func appliesDefaultsForEmptyFields() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("subscribers.csv", Self.header + "a@example.com,,,,,,,,,,\n")
        let (rows, issues) = FeedParser.subscribers(path: path)
        #expect(issues == [])
        let s = try #require(rows.first?.subscriber)
        #expect(s.timeZone == "Etc/UTC" && s.sendDay == .monday && s.sendHour == 9 && s.status == .active)
        #expect(s.preferences == Preferences())
    }

    @Test func validatesAddressesZonesAndChoices() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("subscribers.csv", Self.header + """
            ok@example.com,Ok,Europe/Berlin,tuesday,7,Go;Python,senior;lead,true,Berlin;Remote,150000,active
            "evil@example.com\r\nRCPT TO:<x@example.com>",Evil,,,,,,,,,
            two words@example.com,Spaces,,,,,,,,,
            nodomain@localhost,X,,,,,,,,,
            zone@example.com,Zone,Mars/Olympus,,,,,,,,
            day@example.com,Day,,someday,25,,wizard,,,-1,paused
            OK@Example.com,Duplicate,,,,,,,,,
            """)
        let (rows, issues) = FeedParser.subscribers(path: path)
        #expect(rows.count == 1)
        let lines = issues.map(\.description)
        #expect(lines.contains { $0.hasPrefix("\(path):3: email:") && $0.contains("line break") })
        #expect(lines.contains { $0.hasPrefix("\(path):5: email:") })  // the CRLF inside quotes spans lines 3–4
        #expect(lines.contains { $0.hasPrefix("\(path):6: email:") && $0.contains("dotted domain") })
        #expect(lines.contains("\(path):7: timezone: unknown IANA time zone \"Mars/Olympus\" (e.g. Europe/Berlin)"))
        for field in ["send_day", "send_hour", "levels", "min_salary", "status"] {
            #expect(lines.contains { $0.hasPrefix("\(path):8: \(field):") }, "\(field)")
        }
        #expect(lines.contains("\(path):9: email: \"OK@Example.com\" already appears on line 2"))
    }
}

struct AtomicImportTests {
    @Test func upsertsOpeningsBySourceAndID() async throws {
        let database = try AppDatabase.inMemory()
        let dir = try TemporaryDirectory()
        let first = try dir.file("a.csv", OpeningImportTests.header + "lever,1,Grid,Old title,senior,Go,Berlin,false,,,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,\n")
        let second = try dir.file("b.csv", OpeningImportTests.header + "lever,1,Grid,New title,senior,Go,Berlin,false,,,USD,https://jobs.example.com/1,2026-11-17T10:30:00Z,2026-11-20T00:00:00Z\ngreenhouse,1,Grid,Other,mid,Go,Berlin,false,,,USD,https://jobs.example.com/2,2026-11-17T10:30:00Z,\n")
        try await database.upsertOpenings(FeedParser.openings(path: first).rows)
        try await database.upsertOpenings(FeedParser.openings(path: second).rows)
        #expect(try await database.counts()["opening"] == 2)
        let open = try await database.openingsOpen(at: Timestamp.parse("2026-11-18T00:00:00Z")!)
        #expect(open.first { $0.source == "lever" }?.title == "New title")
        #expect(try await database.openingsOpen(at: Timestamp.parse("2026-11-21T00:00:00Z")!).map(\.source) == ["greenhouse"])
    }

    /// Openings are written by one hand-made statement: every field must come back as it went in,
    /// including stacks that need JSON escaping and both kinds of closing date, and a second import
    /// of the same key replaces the row.
    @Test func openingsComeBackExactlyAsStored() async throws {
        let database = try AppDatabase.inMemory()
        let posted = Timestamp.parse("2026-11-17T10:30:00Z")!
        let original = [
            Opening(
                source: "gh", id: "1", company: "Café \"Numérique\"", title: "Senior Engineer (C/C++)", level: .senior,
                stack: ["C/C++", "a\"b", "back\\slash", "Go"], location: "Zürich", remote: true, salaryMin: 100_000,
                salaryMax: nil, currency: "CHF", url: "https://jobs.example.com/1?a=b", postedAt: posted, closedAt: nil),
            Opening(
                source: "gh", id: "2", company: "Grid", title: "Go Engineer", level: .mid, stack: [], location: "Remote",
                remote: false, salaryMin: nil, salaryMax: 150_000, currency: "USD", url: "https://jobs.example.com/2",
                postedAt: posted, closedAt: Timestamp.parse("2026-12-31T00:00:00Z")!),
        ]
        try await database.upsertOpenings(original)
        let moment = Timestamp.parse("2026-11-20T00:00:00Z")!
        #expect(try await database.openingsOpen(at: moment).sorted { $0.id < $1.id } == original)
        var changed = original[1]
        changed.title = "Staff Go Engineer"
        changed.stack = ["Go", "gRPC"]
        try await database.upsertOpenings([changed])
        #expect(try await database.openingsOpen(at: moment).sorted { $0.id < $1.id } == [original[0], changed])
    }

    /// A re-import updates what the list says and keeps what the subscriber chose: the id their links
    /// carry, the day they joined, and "skip empty digests" from the preferences page.
    @Test func reimportingSubscribersKeepsTheirIdJoinDateAndOwnChoices() async throws {
        let database = try AppDatabase.inMemory()
        let first = Timestamp.parse("2026-11-01T00:00:00Z")!
        _ = try await database.importSubscribers([Subscriber(email: "zoe@example.org", name: "Zoë")], now: first)
        let id = try #require(try await database.subscriber(email: "zoe@example.org")?.id)
        try await database.writer.write { try $0.execute(sql: "UPDATE subscriber SET skipEmpty = 1") }
        let summary = try await database.importSubscribers(
            [Subscriber(email: "Zoe@Example.org", name: "Zoë Müller", preferences: Preferences(languages: ["Go"]))],
            now: Timestamp.parse("2026-11-20T00:00:00Z")!)
        #expect(summary == SubscriberImportSummary(added: 0, updated: 1))
        let stored = try #require(try await database.subscriber(email: "zoe@example.org"))
        #expect(stored.id == id && stored.name == "Zoë Müller" && stored.email == "Zoe@Example.org")
        #expect(stored.preferences.languages == ["Go"] && stored.preferences.skipEmpty)
        let joined = try await database.writer.read { try Date.fetchOne($0, sql: "SELECT createdAt FROM subscriber") }
        #expect(joined == first)
    }

    @Test func reimportingSalariesDoesNotDuplicateThem() async throws {
        let database = try AppDatabase.inMemory()
        let dir = try TemporaryDirectory()
        let path = try dir.file("s.csv", "observed_on,level,stack,region,amount,currency,source\n2026-11-17,senior,Go,EU,150000,USD,survey\n2026-11-17,senior,Go,EU,151000,USD,survey\n")
        #expect(try await database.insertSalaries(FeedParser.salaries(path: path).rows) == 2)
        #expect(try await database.insertSalaries(FeedParser.salaries(path: path).rows) == 0)
        #expect(try await database.counts()["salaryObservation"] == 2)
    }

    @Test func subscribersUpsertByAddressIgnoringCaseAndNeverResubscribe() async throws {
        let database = try AppDatabase.inMemory()
        let now = Date()
        _ = try await database.importSubscribers([Subscriber(email: "Alice@Example.com", name: "Alice")], now: now)
        try await database.unsubscribe(email: "alice@example.com", now: now)
        let summary = try await database.importSubscribers(
            [Subscriber(email: "alice@example.com", name: "Alice B", sendHour: 7), Subscriber(email: "bob@example.com", name: "Bob")],
            now: now)
        #expect(summary == SubscriberImportSummary(added: 1, updated: 1, keptUnsubscribed: 1))
        let alice = try #require(try await database.subscriber(email: "ALICE@example.com"))
        #expect(alice.status == .unsubscribed && alice.name == "Alice B" && alice.sendHour == 7)
        #expect(try await database.subscribers().count == 2)
    }

    @Test func refusesADatabaseFromANewerVersion() async throws {
        let dir = try TemporaryDirectory()
        let path = "\(dir.path)/gazette.sqlite"
        let database = try AppDatabase.open(path: path)
        try await database.writer.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect {
            _ = try AppDatabase.open(path: path)
        } throws: { error in
            String(describing: error).contains("newer version of Gazette")
        }
    }

    @Test func refusesAFileThatIsNotADatabase() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.file("garbage.sqlite", String(repeating: "not a database ", count: 200))
        #expect {
            _ = try AppDatabase.open(path: path)
        } throws: { error in
            String(describing: error).contains("not a Gazette database or is damaged")
        }
    }
}
