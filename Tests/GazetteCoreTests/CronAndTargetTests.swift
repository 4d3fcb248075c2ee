import Foundation
import GazetteCore
import Testing

struct CronExpressionTests {
    @Test(arguments: [
        ("*/10 * * * *", "2026-11-23T09:31:00Z", "2026-11-23T09:40:00Z"),
        ("0 9 * * mon", "2026-11-23T09:00:00Z", "2026-11-30T09:00:00Z"),
        ("30 8 * * 1-5", "2026-11-27T08:30:00Z", "2026-11-30T08:30:00Z"),  // Friday → Monday
        ("0 0 1 jan *", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("15,45 */6 * * *", "2026-11-23T06:20:00Z", "2026-11-23T06:45:00Z"),
        ("0 12 13 * 5", "2026-11-01T00:00:00Z", "2026-11-06T12:00:00Z"),  // day 13 OR Friday, as in cron
        ("0 0 * * 7", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"),  // 7 is Sunday too
    ])
    func nextMatchingMinute(expression: String, after: String, expected: String) throws {
        let cron = try CronExpression(expression)
        let start = try #require(Timestamp.parse(after))
        let next = try #require(cron.next(after: start))
        #expect(Timestamp.format(next) == expected)
    }

    @Test(arguments: [
        ("* * * *", "needs 5 fields"), ("60 * * * *", "minute field \"60\": 60 is outside 0–59"),
        ("* * * * funday", "day of week field"), ("*/0 * * * *", "step must be a positive number"),
        ("5-1 * * * *", "runs backwards"), ("a,b * * * *", "is not a number"),
    ])
    func badExpressionsSayWhatIsWrong(expression: String, fragment: String) {
        do {
            _ = try CronExpression(expression)
            Issue.record("\(expression) must be refused")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func impossibleDatesNeverMatch() throws {
        #expect(try CronExpression("0 0 30 feb *").next(after: Date()) == nil)
    }
}

struct TargetEditionTests {
    let schedule = SendSchedule()

    func target(_ zone: String, _ day: Weekday, _ hour: Int, at moment: String, finishPrevious: Bool = true) -> String? {
        let subscriber = Subscriber(email: "a@example.com", name: "A", timeZone: zone, sendDay: day, sendHour: hour)
        return schedule.targetEdition(for: subscriber, at: Timestamp.parse(moment)!, finishPrevious: finishPrevious)?.description
    }

    @Test func readersEastOfUTCGetNextWeeksEditionOnTheirMonday() {
        // Monday 07:00 in Sydney is Sunday 20:00 UTC of the week before.
        #expect(target("Australia/Sydney", .monday, 7, at: "2026-11-29T20:05:00Z") == "2026-W49")
        #expect(target("Australia/Sydney", .monday, 7, at: "2026-11-29T19:55:00Z") == "2026-W48")
    }

    @Test func readersWestOfUTCGetThisWeeksEditionOnTheirSunday() {
        // Sunday 20:00 in Los Angeles is Monday 04:00 UTC of the next week.
        #expect(target("America/Los_Angeles", .sunday, 20, at: "2026-11-30T04:05:00Z") == "2026-W48")
        // Her moment comes after the week ended in UTC: she gets it even when nobody else has had it yet.
        #expect(target("America/Los_Angeles", .sunday, 20, at: "2026-11-30T04:05:00Z", finishPrevious: false) == "2026-W48")
        #expect(target("America/Los_Angeles", .sunday, 20, at: "2026-12-07T04:30:00Z", finishPrevious: false) == "2026-W49")
        #expect(target("America/Los_Angeles", .sunday, 20, at: "2026-12-07T03:55:00Z", finishPrevious: false) == nil)
        #expect(target("Pacific/Honolulu", .sunday, 23, at: "2026-12-07T09:00:00Z", finishPrevious: false) == "2026-W49")
        #expect(target("Pacific/Honolulu", .sunday, 23, at: "2026-12-07T08:59:00Z", finishPrevious: false) == nil)
    }

    /// Every zone, every send day and hour: at its own due moment each subscriber is targeted for that
    /// edition, whoever else has had it, for every edition around a year's end.
    @Test func everySubscriberIsTargetedAtTheirOwnMomentInEveryZone() {
        let zones = ["Pacific/Kiritimati", "Pacific/Auckland", "Australia/Sydney", "Asia/Kolkata", "Europe/Berlin",
                     "Etc/UTC", "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu",
                     "Pacific/Pago_Pago", "Etc/GMT+12"]
        var editions: [Edition] = [Edition("2026-W52")!]
        for _ in 0..<3 { editions.append(editions.last!.next) }
        for zone in zones {
            for day in Weekday.allCases {
                for hour in [0, 7, 12, 20, 23] {
                    let subscriber = Subscriber(email: "a@example.com", name: "A", timeZone: zone, sendDay: day, sendHour: hour)
                    for edition in editions {
                        let due = schedule.dueDate(for: subscriber, edition: edition)
                        let target = schedule.targetEdition(for: subscriber, at: due.addingTimeInterval(60), finishPrevious: false)
                        #expect(target == edition, "\(zone) \(day) \(hour):00, \(edition) due \(Timestamp.format(due))")
                    }
                }
            }
        }
    }

    @Test func aNewReaderGetsOnlyTheLatestDueEdition() {
        #expect(target("Etc/UTC", .monday, 9, at: "2026-11-23T10:00:00Z") == "2026-W48")
        // Before this week's send time, last week's is the latest due — only while it is open and being finished.
        #expect(target("Etc/UTC", .monday, 9, at: "2026-11-23T08:00:00Z") == "2026-W47")
        #expect(target("Etc/UTC", .monday, 9, at: "2026-11-23T08:00:00Z", finishPrevious: false) == nil)
        #expect(target("Etc/UTC", .wednesday, 9, at: "2026-11-24T08:00:00Z") == nil)  // W47 closed at 2026-11-24T00:00Z
    }
}
