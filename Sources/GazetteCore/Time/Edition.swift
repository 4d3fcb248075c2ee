public import Foundation

/// An edition is one ISO 8601 week, written `2026-W48`; it runs from Monday 00:00 UTC to the next Monday.
///
/// Edition W's content is fixed by the data of weeks W−1 and W−2, so previews and sends agree.
public struct Edition: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The ISO week-numbering year (which differs from the calendar year around New Year).
    public let year: Int
    public let week: Int

    /// Creates an edition, or nil when the year has no such week (2025 has no week 53).
    public init?(year: Int, week: Int) {
        guard (1...9999).contains(year), week >= 1, week <= Edition.weeksInYear(year) else { return nil }
        self.year = year
        self.week = week
    }

    /// Parses `YYYY-Www` (the `W` in either case).
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let year = Int(parts[0]), let week = Int(parts[1]) else { return nil }
        self.init(year: year, week: week)
    }

    /// The edition whose week contains `date` (in UTC).
    public init(containing date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        // ISO rule: the week belongs to the year of its Thursday.
        let weekday = CivilDate.isoWeekday(daysSinceEpoch: days)
        let thursday = CivilDate(daysSinceEpoch: days - weekday + 4)
        let firstThursdayOfYear = Edition.firstThursday(of: thursday.year)
        self.year = thursday.year
        self.week = (days - weekday + 4 - firstThursdayOfYear) / 7 + 1
    }

    public var description: String {
        // Runs for every ledger write: plain string building, not `String(format:)`.
        year.zeroPadded(4) + "-W" + week.zeroPadded(2)
    }

    /// Monday 00:00:00 UTC of this week, in days since 1970-01-01.
    public var startDay: Int { Edition.firstThursday(of: year) - 3 + (week - 1) * 7 }

    /// Monday 00:00:00 UTC.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(startDay) * 86_400) }

    /// The next Monday 00:00:00 UTC (exclusive end of the week).
    public var end: Date { Date(timeIntervalSince1970: TimeInterval(startDay + 7) * 86_400) }

    public var previous: Edition { advanced(by: -1) }
    public var next: Edition { advanced(by: 1) }

    public func advanced(by weeks: Int) -> Edition {
        Edition(containing: Date(timeIntervalSince1970: TimeInterval(startDay + 7 * weeks) * 86_400))
    }

    /// Whole weeks from `self` to `other` (positive when `other` is later).
    public func weeks(to other: Edition) -> Int { (other.startDay - startDay) / 7 }

    /// A stable, ever-increasing week counter, for deterministic rotations.
    public var absoluteWeek: Int { (startDay - 4) / 7 }  // 1970-01-05 was a Monday.

    public func contains(_ date: Date) -> Bool { date >= start && date < end }

    public static func < (lhs: Edition, rhs: Edition) -> Bool { lhs.startDay < rhs.startDay }

    static func weeksInYear(_ year: Int) -> Int {
        // A year has 53 weeks when 28 December falls in week 53.
        let dec28 = CivilDate(year: year, month: 12, day: 28).daysSinceEpoch
        let weekday = CivilDate.isoWeekday(daysSinceEpoch: dec28)
        let thursday = dec28 - weekday + 4
        return (thursday - firstThursday(of: year)) / 7 + 1
    }

    static func firstThursday(of year: Int) -> Int {
        let jan1 = CivilDate(year: year, month: 1, day: 1).daysSinceEpoch
        let weekday = CivilDate.isoWeekday(daysSinceEpoch: jan1)
        return jan1 + (4 - weekday + 7) % 7
    }
}
