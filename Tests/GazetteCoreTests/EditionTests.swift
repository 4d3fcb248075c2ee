import Foundation
import GazetteCore
import Testing

struct EditionTests {
    @Test(arguments: [
        // (text, Monday it starts, Monday it ends)
        ("2026-W48", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z"),
        ("2026-W53", "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z"),
        ("2027-W01", "2027-01-04T00:00:00Z", "2027-01-11T00:00:00Z"),
        ("2026-W01", "2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z"),
        ("2020-W53", "2020-12-28T00:00:00Z", "2021-01-04T00:00:00Z"),
    ])
    func weekBoundsFollowISO8601(text: String, start: String, end: String) throws {
        let edition = try #require(Edition(text))
        #expect(edition.description == text)
        #expect(edition.start == Timestamp.parse(start))
        #expect(edition.end == Timestamp.parse(end))
    }

    @Test(arguments: ["2025-W53", "2026-W54", "2026-W00", "2026-48", "26-W48", "2026-W4x", ""])
    func rejectsWeeksThatDoNotExist(text: String) {
        #expect(Edition(text) == nil)
    }

    @Test(arguments: [
        ("2026-12-31T12:00:00Z", "2026-W53"),  // Thursday of 2026's week 53
        ("2027-01-03T23:59:59Z", "2026-W53"),  // Sunday: still 2026's week 53
        ("2027-01-04T00:00:00Z", "2027-W01"),
        ("2025-12-29T00:00:00Z", "2026-W01"),  // a December Monday in the next ISO year
        ("2025-12-28T23:59:59Z", "2025-W52"),
        ("2026-11-29T23:59:59Z", "2026-W48"),
        ("2026-11-30T00:00:00Z", "2026-W49"),
    ])
    func containingDateUsesTheISOWeekYear(moment: String, expected: String) throws {
        #expect(Edition(containing: try #require(Timestamp.parse(moment))).description == expected)
    }

    @Test func stepsAcrossYearEnds() throws {
        let w53 = try #require(Edition("2026-W53"))
        #expect(w53.next.description == "2027-W01")
        #expect(w53.previous.description == "2026-W52")
        #expect(try #require(Edition("2027-W01")).previous == w53)
        #expect(try #require(Edition("2026-W01")).previous.description == "2025-W52")
        #expect(w53.weeks(to: try #require(Edition("2027-W02"))) == 2)
    }
}

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-17T10:30:00Z", 1_794_911_400.0),
        ("2026-11-17T10:30:00.5Z", 1_794_911_400.5),
        ("2026-11-17T11:30:00+01:00", 1_794_911_400.0),
        ("2026-11-17T05:30:00-0500", 1_794_911_400.0),
        ("2026-11-17T10:30", 1_794_911_400.0),
        ("2026-11-17", 1_794_873_600.0),
    ])
    func parsesISO8601(text: String, seconds: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-11-17T24:00:00Z", "2026-11-17T10:30:00X", "17/11/2026", "2026-11-17T10:30:00Z trailing", "0001-01-01"])
    func rejectsMalformedTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsRoundTrip() throws {
        let date = try #require(Timestamp.parse("2027-01-03T23:59:59Z"))
        #expect(Timestamp.format(date) == "2027-01-03T23:59:59Z")
    }
}
