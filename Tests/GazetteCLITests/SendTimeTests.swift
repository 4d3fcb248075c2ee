import Foundation
import Testing

/// Plain `gazette send` runs, as cron makes them, for readers whose local send time falls outside their
/// edition's week in UTC; and the summary lines naming each edition a run handled.
@Suite(.serialized)
struct SendTimeTests {
    static let header = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"

    /// The only subscriber lives in Los Angeles and reads on Sunday at 20:00, which is Monday 04:00 UTC of
    /// the next week: runs every four hours for three weeks send her each edition once, at her moment.
    @Test func aLateZoneReaderAloneGetsEveryEditionAtHerOwnMoment() throws {
        let gazette = try CommandRunner()
        let list = try gazette.file("la.csv", Self.header + "la@example.com,Lou,America/Los_Angeles,sun,20,,,,,,active\n")
        #expect(try gazette.run(["subscribers", "import", list]).status == 0)
        var moment = Date(timeIntervalSince1970: 1_795_910_400)  // 2026-11-29T00:00:00Z
        let stop = Date(timeIntervalSince1970: 1_797_897_600)  // 2026-12-22T00:00:00Z
        var sentAt: [String: String] = [:]
        while moment < stop {
            let at = ISO8601DateFormatter().string(from: moment)
            let result = try gazette.run(["send", "--at", at])
            #expect(result.status == 0, "\(at): \(result.stderr)")
            if !result.lastLine.contains(": sent 0,") { sentAt[at] = result.lastLine }
            moment.addTimeInterval(4 * 3600)
        }
        let names = try gazette.outboxFiles().map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(names == ["2026-W48-000001.eml", "2026-W49-000001.eml", "2026-W50-000001.eml", "2026-W51-000001.eml"])
        // Sunday 20:00 in Los Angeles (PST, UTC−8) is 04:00 UTC on Monday.
        #expect(sentAt.keys.sorted() == ["2026-11-30T04:00:00Z", "2026-12-07T04:00:00Z", "2026-12-14T04:00:00Z", "2026-12-21T04:00:00Z"])
        #expect(sentAt["2026-12-07T04:00:00Z"]?.hasPrefix("2026-W49: sent 1, already sent 0,") == true)
    }

    @Test func onlyAtHerMomentSendsTheEditionOfHerWeek() throws {
        let gazette = try CommandRunner()
        let list = try gazette.file("hnl.csv", Self.header + "hnl@example.com,Kai,Pacific/Honolulu,sun,23,,,,,,active\n")
        #expect(try gazette.run(["subscribers", "import", list]).status == 0)
        let early = try gazette.run(["send", "--only", "hnl@example.com", "--at", "2026-12-07T08:30:00Z"])
        #expect(early.lastLine.hasPrefix("2026-W50: sent 0,"), "\(early.stdout)")
        // Sunday 23:00 in Honolulu (UTC−10) is Monday 09:00 UTC.
        let due = try gazette.run(["send", "--only", "hnl@example.com", "--at", "2026-12-07T09:30:00Z"])
        #expect(due.status == 0, "\(due.stderr)")
        #expect(due.lastLine.hasPrefix("2026-W49: sent 1, already sent 0,"), "\(due.stdout)")
    }

    /// Sydney's Monday 07:00 is Sunday 20:00 UTC: at Sunday 23:00 UTC a run sends next week's edition to
    /// Sydney while still finishing this week's for Los Angeles. Each line names its own edition; the last
    /// is the total.
    @Test func aRunHandlingTwoEditionsPrintsALinePerEditionAndATotal() throws {
        let gazette = try CommandRunner()
        let list = try gazette.file("two.csv", Self.header
            + "syd@example.com,Sam,Australia/Sydney,mon,7,,,,,,active\n"
            + "la@example.com,Lou,America/Los_Angeles,sat,16,,,,,,active\n")
        #expect(try gazette.run(["subscribers", "import", list]).status == 0)
        // Saturday 16:00 in Los Angeles is Sunday 00:00 UTC: due for W49 at 2026-12-06T00:00Z.
        let result = try gazette.run(["send", "--at", "2026-12-06T23:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init).suffix(3)
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("2026-W49: sent 1, already sent 0,") == true, "\(result.stdout)")
        #expect(lines.dropFirst().first?.hasPrefix("2026-W50: sent 1, already sent 0,") == true, "\(result.stdout)")
        #expect(lines.last?.hasPrefix("total (2026-W49 + 2026-W50): sent 2, already sent 0, deferred 0, failed 0, skipped 0, seconds ") == true)
        let again = try gazette.run(["send", "--at", "2026-12-06T23:30:00Z"])
        #expect(again.lastLine.hasPrefix("total (2026-W49 + 2026-W50): sent 0, already sent 2,"), "\(again.stdout)")
    }
}
