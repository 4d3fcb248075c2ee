import Foundation
import Testing

/// The built binary on its own fixture, from import to outbox, checked by an independent MIME parser.
@Suite(.serialized)
struct EndToEndTests {
    static let openings = """
        source,id,company,title,level,stack,location,remote,salary_min,salary_max,currency,url,posted_at,closed_at
        lever,go-senior,Grid,Senior Go Engineer,senior,Go;gRPC,"Berlin, Germany",false,150000,180000,USD,https://jobs.example.com/go-senior,2026-11-17T10:00:00Z,
        lever,py-remote,Hopper,Python Engineer,mid,Python;Django,Remote (EU),true,100000,120000,USD,https://jobs.example.com/py-remote,2026-11-22T23:59:59Z,
        lever,java-closed,Swile,Java Lead,lead,Java;Spring Boot,"London, UK",false,,,USD,https://jobs.example.com/java-closed,2026-11-18T10:00:00Z,2026-11-23T00:00:00Z
        lever,go-old,Grid,Junior Go Engineer,junior,Go,"Berlin, Germany",false,,,USD,https://jobs.example.com/go-old,2026-11-10T10:00:00Z,
        lever,node-next,YLD,Node Engineer,senior,Node.js,"London, UK",false,,,USD,https://jobs.example.com/node-next,2026-11-23T00:00:00Z,
        greenhouse,go-xss,PlayVS,<script>alert(1)</script> Go Dev,mid,Go,Remote (US),true,,130000,USD,https://jobs.example.com/go-xss?a=1&b=2,2026-11-19T10:00:00Z,

        """
    static let salaries = "observed_on,level,stack,region,amount,currency,source\n"
        + [140_000, 145_000, 150_000, 155_000, 160_000].map { "2026-11-10,senior,Go,EU,\($0),USD,survey" }.joined(separator: "\n") + "\n"
        + [150_000, 155_000, 160_000, 165_000, 170_000].map { "2026-11-17,senior,Go,EU,\($0),USD,survey" }.joined(separator: "\n") + "\n"
        + [90_000, 91_000, 92_000, 93_000, 94_000].map { "2026-11-11,mid,Python,EU,\($0),USD,survey" }.joined(separator: "\n") + "\n"
        + [95_000, 96_000, 97_000, 98_000].map { "2026-11-18,mid,Python,EU,\($0),USD,survey" }.joined(separator: "\n") + "\n"
    static let certifications = """
        id,name,issuer,summary,url,featured_from,featured_until
        cka,Certified Kubernetes Administrator,CNCF,Run Kubernetes clusters.,https://example.com/cka,2026-11-23,2026-11-29
        dca,Docker Certified Associate,Mirantis,Containers end to end.,https://example.com/dca,,

        """
    static let subscribers = """
        email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
        go@example.com,Gopher Grace,Etc/UTC,mon,9,Go,,,,,active
        py@example.com,Zoë Müller,Europe/Berlin,monday,10,python,,true,,,
        all@example.com,"Smith, John",America/New_York,mon,9,,,,,,
        gone@example.com,Gone,,,,,,,,,unsubscribed

        """

    static func importFixture(_ gazette: CommandRunner) throws {
        for (kind, name, contents) in [
            ("openings", "openings.csv", Self.openings), ("salaries", "salaries.csv", Self.salaries),
            ("certifications", "certifications.csv", Self.certifications),
        ] {
            let result = try gazette.run(["import", kind, try gazette.file(name, contents)])
            #expect(result.status == 0, "\(kind): \(result.stderr)")
        }
        let result = try gazette.run(["subscribers", "import", try gazette.file("subscribers.csv", Self.subscribers)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("imported 4 subscribers: 4 added, 0 updated"))
    }

    @Test func sendsCorrectDigestsOnceEachToTheOutbox() throws {
        let gazette = try CommandRunner()
        try Self.importFixture(gazette)

        // Monday 09:30Z: Grace (09:00 UTC) and Zoë (10:00 Berlin = 09:00Z) are due, John (09:00 New York) is not.
        let due = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z"])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.lastLine.hasPrefix("2026-W48: sent 2, already sent 0, deferred 0, failed 0, skipped 0, seconds "))
        #expect(try gazette.outboxFiles().count == 2)

        let all = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:31:00Z", "--now"])
        #expect(all.lastLine.hasPrefix("2026-W48: sent 1, already sent 2,"), "\(all.stdout)")
        let again = try gazette.run(["--database", "\(gazette.directory)/gazette.sqlite", "send", "--week", "2026-W48", "--now", "--at", "2026-11-23T10:00:00Z"])
        #expect(again.lastLine.hasPrefix("2026-W48: sent 0, already sent 3,"), "\(again.stdout)")

        let messages = try gazette.checkMessages(try gazette.outboxFiles())
        #expect(messages.count == 3)
        for message in messages {
            #expect(message.errors == [], "\(message.file)")
            #expect(message.headers["List-Unsubscribe"]?.hasPrefix("<https://news.example.com/unsubscribe/") == true)
            #expect(message.headers["List-Unsubscribe"]?.contains("<mailto:digest@example.com?subject=unsubscribe") == true)
            #expect(message.headers["From"] == "Backend Jobs Weekly <digest@example.com>")
        }
        func message(to address: String) throws -> CheckedMessage {
            try #require(messages.first { $0.headers["To"]?.contains(address) == true })
        }

        let grace = try message(to: "go@example.com")
        let graceText = try #require(grace.text)
        #expect(grace.headers["To"] == "Gopher Grace <go@example.com>")
        #expect(grace.headers["Subject"] == "Backend Jobs Weekly 2026-W48: 2 new openings for you")
        #expect(graceText.contains("Senior Go Engineer at Grid"))
        #expect(graceText.contains("<script>alert(1)</script> Go Dev at PlayVS"))  // plain text keeps data as is
        for absent in ["Python Engineer", "Java Lead", "Junior Go Engineer", "Node Engineer"] {
            #expect(!graceText.contains(absent), "\(absent)")
        }
        #expect(graceText.contains("- Senior Go: $160,000 (+$10,000, +6.7%; was $150,000)"))
        #expect(!graceText.contains("Mid Python"))  // only 4 observations in W47
        #expect(graceText.contains("Certified Kubernetes Administrator (CNCF)"))
        #expect(!graceText.contains("Docker Certified Associate"))  // the scheduled one wins over the rotation
        let graceHTML = try #require(grace.html)
        #expect(graceHTML.contains("&lt;script&gt;alert(1)&lt;/script&gt; Go Dev"))
        #expect(!graceHTML.contains("<script>"))
        #expect(graceHTML.contains("href=\"https://jobs.example.com/go-xss?a=1&amp;b=2\""))
        #expect(graceHTML.contains("Gazette Ltd, 1 Example Street, Springfield"))

        let zoe = try message(to: "py@example.com")
        #expect(zoe.headers["To"] == "Zoë Müller <py@example.com>")
        let zoeText = try #require(zoe.text)
        #expect(zoeText.contains("Python Engineer at Hopper"))  // posted 23:59:59 on Sunday of W47
        #expect(!zoeText.contains("Go Engineer"))
        #expect(zoeText.contains("Not enough salary data this week for the groups you follow."))

        let john = try message(to: "all@example.com")
        #expect(john.headers["To"] == "\"Smith, John\" <all@example.com>")
        #expect(try #require(john.text).contains("3 new openings for you"))
        #expect(!messages.contains { $0.headers["To"]?.contains("gone@example.com") == true })

        let status = try gazette.run(["status", "--week", "2026-W48"])
        #expect(status.stdout.contains("queued 0, sending 0, sent 3, deferred 0, failed 0, skipped 0"))
    }

    @Test func previewShowsExactlyWhatSendSends() throws {
        let gazette = try CommandRunner()
        try Self.importFixture(gazette)
        #expect(try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--only", "go@example.com"]).status == 0)
        let sent = try #require(try gazette.checkMessages(try gazette.outboxFiles()).first)
        let text = try gazette.run(["preview", "--subscriber", "GO@example.com", "--week", "2026-W48", "--format", "text"])
        #expect(text.status == 0)
        #expect(text.stdout == sent.text)
        let files = try gazette.run(["preview", "--subscriber", "go@example.com", "--week", "2026-W48", "--out", "\(gazette.directory)/preview"])
        #expect(files.stdout.split(separator: "\n").map { String($0.split(separator: "/").last!) }
            == ["2026-W48-000001.eml", "2026-W48-000001.html", "2026-W48-000001.txt"])
        let previewed = try #require(try gazette.checkMessages(["\(gazette.directory)/preview/2026-W48-000001.eml"]).first)
        #expect(previewed.errors == [] && previewed.html == sent.html && previewed.text == sent.text)
        #expect(previewed.headers["Message-ID"] == sent.headers["Message-ID"])
        #expect(try gazette.run(["status", "--week", "2026-W48"]).stdout.contains("sent 1,"))  // preview recorded nothing
    }

    @Test func badInputExits65NamesFileAndLineAndChangesNothing() throws {
        let gazette = try CommandRunner()
        try Self.importFixture(gazette)
        let before = try gazette.databaseDump()
        let bad = try gazette.file("more.csv", """
            email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
            new@example.com,New Person,Europe/Paris,mon,9,,,,,,
            go@example.com,Renamed Grace,Etc/UTC,mon,9,Go,,,,,
            "broken@example.com
            Bcc: victim@example.com",Injector,,,,,,,,,
            far@example.com,Far,Europe/Atlantis,mon,9,,,,,,
            spaced @example.com,Spaced,,,,,,,,,

            """)
        let result = try gazette.run(["subscribers", "import", bad])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\(bad):4: email:"))
        #expect(result.stderr.contains("\(bad):6: timezone: unknown IANA time zone \"Europe/Atlantis\""))
        #expect(result.stderr.contains("\(bad):7: email:"))
        #expect(result.stderr.contains("3 errors; nothing was imported"))
        #expect(try gazette.databaseDump() == before)

        let openings = try gazette.file("openings-bad.csv", Self.openings.replacingOccurrences(of: "Senior Go Engineer,senior", with: "Renamed,senior")
            + "lever,x,Grid,Broken,expert,Go,Berlin,false,,,USD,https://jobs.example.com/x,2026-11-17T10:00:00Z,\n")
        let refused = try gazette.run(["import", "openings", openings])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("\(openings):8: level: unknown level \"expert\""))
        #expect(try gazette.databaseDump() == before)
    }

    @Test func exitStatusesFollowTheContract() throws {
        let gazette = try CommandRunner()
        try Self.importFixture(gazette)
        #expect(try gazette.run(["send", "--week", "2025-W53"]).status == 64)
        #expect(try gazette.run(["send", "--at", "yesterday"]).status == 64)
        let closed = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-12-01T00:00:00Z", "--now"])
        #expect(closed.status == 64)
        #expect(closed.stderr.contains("edition 2026-W48 closed at 2026-12-01T00:00:00Z"))
        #expect(try gazette.run(["preview", "--subscriber", "nobody@example.com"]).status == 65)
        #expect(try gazette.run(["subscribers", "unsubscribe", "nobody@example.com"]).status == 65)
        var newer = gazette
        newer.environment["GAZETTE_TEMPLATES"] = "\(gazette.directory)/no-templates"
        let missing = try newer.run(["send", "--now", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(gazette.directory)/no-templates"))
    }

    @Test func subscribersListRoundTripsAndUnsubscribeIsIdempotent() throws {
        let gazette = try CommandRunner()
        try Self.importFixture(gazette)
        #expect(try gazette.run(["subscribers", "unsubscribe", "GO@example.com"]).stdout == "unsubscribed GO@example.com\n")
        #expect(try gazette.run(["subscribers", "unsubscribe", "go@example.com"]).stdout.contains("already unsubscribed"))
        let listed = try gazette.run(["subscribers", "list", "--status", "unsubscribed"])
        #expect(listed.stdout.split(separator: "\n").count == 3)  // header + two
        let active = try gazette.run(["subscribers", "list", "--status", "active"]).stdout
        #expect(active.contains("\"Smith, John\""))
        let reimport = try gazette.run(["subscribers", "import", try gazette.file("export.csv", active)])
        #expect(reimport.status == 0)
        #expect(reimport.stdout.contains("0 added, 2 updated"))
    }
}
