import Foundation
import Testing

/// The whole loop with real parts: `gazette send` hands a digest to a real Postfix, which accepts it,
/// finds the local mailbox missing, sends a DSN to the digest's VERP envelope sender, and delivers that
/// DSN through a `pipe` service to `gazette bounces process`, as deploy/postfix/ sets it up.
@Suite(.serialized)
struct PostfixBounceTests {
    @Test func aDigestToAMissingMailboxComesBackThroughThePipeAndSuppressesTheAddress() throws {
        // Tests never skip: CI runs as root with Postfix installed (scripts/install-deps --test).
        try #require(PostfixInstance.isAvailable, "needs root and Postfix (scripts/install-deps --test)")
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_BOUNCE_ADDRESS"] = "bounces@example.com"
        try EndToEndTests.importFixture(gazette)
        let roster = """
            email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
            ghost@gazette.test,Ghost,Etc/UTC,mon,9,Go,,,,,active
            reader@discard.test,Reader,Etc/UTC,mon,9,Go,,,,,active

            """
        #expect(try gazette.run(["subscribers", "import", try gazette.file("postfix.csv", roster)]).status == 0)
        // Only these two: the fixture's subscribers would go to example.com, which this Postfix cannot reach.
        for email in ["go@example.com", "py@example.com", "all@example.com"] {
            #expect(try gazette.run(["subscribers", "unsubscribe", email]).status == 0)
        }

        // The pipe runs as nobody, so nobody must be able to write the database (and its -wal and -shm).
        let pipe = [
            "/usr/bin/env", "GAZETTE_DATABASE=\(gazette.directory)/gazette.sqlite", "GAZETTE_SECRET=\(gazette.environment["GAZETTE_SECRET"]!)",
            "GAZETTE_LOG_LEVEL=info", CommandRunner.binary, "bounces", "process",
        ].joined(separator: " ")
        try PostfixInstance.run("/bin/chown", ["-R", "nobody", gazette.directory])
        let postfix = try PostfixInstance(bounceAddress: "bounces@example.com", pipeUser: "nobody", pipeArgv: pipe)
        var smtp = gazette
        smtp.environment["GAZETTE_SMTP_URL"] = postfix.url
        smtp.environment["GAZETTE_SMTP_TLS"] = "none"
        let send = try smtp.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(send.status == 0, "\(send.stdout)\(send.stderr)")
        #expect(send.lastLine.hasPrefix("2026-W48: sent 2,"), "\(send.lastLine)")

        // Postfix accepted both; the DSN for the ghost comes back through the pipe within seconds.
        let bounced = try postfix.wait(seconds: 60) {
            try gazette.run(["status", "--week", "2026-W48"]).stdout.contains("bounced 1")
        }
        let log = postfix.logText
        #expect(bounced, "no bounce recorded; Postfix log:\n\(log)")
        #expect(log.contains("status=bounced (unknown user: \"ghost\")"), "\(log)")
        #expect(log.contains("relay=gazette-bounces") && log.contains("delivered via gazette-bounces service"), "\(log)")
        let status = try gazette.run(["status", "--week", "2026-W48"])
        #expect(status.stdout.contains("sent 1, deferred 0, failed 0, skipped 0, bounced 1, complained 0"), "\(status.stdout)")
        #expect(status.stdout.contains("bounced ghost@gazette.test") && status.stdout.contains("5.1.1"), "\(status.stdout)")

        // The next edition skips the suppressed address.
        let next = try smtp.run(["send", "--week", "2026-W49", "--now", "--at", "2026-11-30T09:30:00Z"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.lastLine.hasPrefix("2026-W49: sent 1, already sent 0, deferred 0, failed 0, skipped 1,"), "\(next.lastLine)")
    }
}
