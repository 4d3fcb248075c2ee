import Foundation
import GazetteCore
import Testing

/// The eight-week trends behind the charts: medians per ISO week, gaps, the W−1 range and the reader's marker.
struct SalaryTrendTests {
    /// `count` observations of `amount` (± a spread) on the Wednesday of `edition`'s week.
    static func week(
        _ edition: Edition, _ amounts: [Int], level: Level = .senior, stack: String = "Go", currency: String = "USD",
        day: Int = 2
    ) -> [SalaryObservation] {
        amounts.map {
            SalaryObservation(
                observedOn: CivilDate(daysSinceEpoch: edition.startDay + day), level: level, stack: stack, region: "EU",
                amount: $0, currency: currency, source: "test")
        }
    }

    static func five(_ amount: Int) -> [Int] { [amount - 2, amount - 1, amount, amount + 1, amount + 2] }

    static func trends(_ edition: Edition, _ salaries: [SalaryObservation]) -> [SalaryTrend] {
        EditionContent(edition: edition, openings: [], salaries: salaries, catalogue: []).salaryTrends
    }

    @Test func eightWeeksBeforeTheEditionWithGapsForThinWeeks() throws {
        let w48 = Edition("2026-W48")!
        var salaries: [SalaryObservation] = []
        for back in 1...8 where back != 4 {
            salaries += Self.week(w48.advanced(by: -back), Self.five(100_000 + back * 1_000))
        }
        salaries += Self.week(w48.advanced(by: -4), [1, 2, 3, 4])  // four: a gap, never a low week
        salaries += Self.week(w48, Self.five(1))  // the edition's own week: not data yet
        salaries += Self.week(w48.advanced(by: -9), Self.five(1))  // nine weeks back: not drawn
        let trend = try #require(Self.trends(w48, salaries).first)
        #expect(trend.weeks.map(\.edition.description) == (40...47).map { "2026-W\($0)" })
        #expect(trend.weeks.map(\.median) == [108_000, 107_000, 106_000, 105_000, nil, 103_000, 102_000, 101_000])
        #expect(trend.weeks[4].observations == 4)
        #expect(trend.hasChart)
        #expect(trend.levels(steps: 8) == [7, 6, 5, 4, nil, 2, 1, 0])
        let range = try #require(trend.range)
        #expect((range.p10, range.median, range.p90, range.observations) == (100_998.4, 101_000, 101_001.6, 5))
    }

    @Test(arguments: [
        ("no usable week", [Int](), false),
        ("one week", [1], false),
        ("two weeks", [1, 8], false),
        ("three weeks", [1, 5, 8], true),
        ("three weeks apart", [1, 4, 7], true),
    ])
    func aChartNeedsThreeUsableWeeks(_ label: String, weeksBack: [Int], drawn: Bool) throws {
        let w48 = Edition("2026-W48")!
        var salaries = weeksBack.flatMap { Self.week(w48.advanced(by: -$0), Self.five(90_000)) }
        // Every other week has a few observations: seen, but gaps.
        salaries += (1...8).filter { !weeksBack.contains($0) }.flatMap { Self.week(w48.advanced(by: -$0), [90_000, 91_000]) }
        let trend = try #require(Self.trends(w48, salaries).first, "\(label)")
        #expect(trend.hasChart == drawn, "\(label)")
        #expect(trend.usableWeeks.count == weeksBack.count, "\(label)")
        let digest = Digest(content: EditionContent(edition: w48, openings: [], salaries: salaries, catalogue: []), preferences: Preferences())
        // A group with neither a chart nor last week's range has nothing to draw.
        #expect(digest.salaryTrends.count == (drawn || weeksBack.contains(1) ? 1 : 0), "\(label)")
    }

    @Test func equalMediansSitMidScaleAndOneValueHasNoChart() throws {
        let w48 = Edition("2026-W48")!
        let flat = (1...8).flatMap { Self.week(w48.advanced(by: -$0), Array(repeating: 120_000, count: 5)) }
        let trend = try #require(Self.trends(w48, flat).first)
        #expect(trend.levels(steps: 8) == Array(repeating: 3, count: 8))
        let range = try #require(trend.range)
        // A zero spread still gets an axis (±10 % of the value), with the median in the middle.
        #expect(range.axis == 108_000...132_000)
        #expect(range.fraction(of: 120_000) == 0.5)
        let single = Self.week(w48.previous, [150_000, 150_000, 150_000, 150_000, 150_000])
        let lone = try #require(Self.trends(w48, single).first)
        #expect(!lone.hasChart && lone.range != nil && lone.levels(steps: 8).compactMap { $0 } == [3])
    }

    @Test(arguments: [1, 10, 10_000_000, 9_000_000_000_000])
    func tinyAndHugeAmountsStayOnTheScale(base: Int) throws {
        let w48 = Edition("2026-W48")!
        let salaries = (1...8).flatMap { Self.week(w48.advanced(by: -$0), Array(repeating: base * (1 + $0 % 3), count: 5)) }
        let trend = try #require(Self.trends(w48, salaries).first)
        let levels = trend.levels(steps: 8).compactMap { $0 }
        #expect(levels.count == 8 && levels.min() == 0 && levels.max() == 7)
        let marker = try #require(trend.marker(minimum: base * 100))
        #expect(marker.fraction == 1 && marker.position == .aboveRange)
        #expect(trend.marker(minimum: 0)?.fraction == 0)
    }

    @Test func currenciesAreSeparateGroupsAndStackSpellingsOne() {
        let w48 = Edition("2026-W48")!
        let salaries = (1...3).flatMap { back in
            Self.week(w48.advanced(by: -back), Self.five(100_000), stack: back == 1 ? "Go" : "go")
                + Self.week(w48.advanced(by: -back), Self.five(80_000), currency: "EUR")
        }
        let trends = Self.trends(w48, salaries)
        #expect(trends.map(\.currency) == ["EUR", "USD"])
        #expect(trends.map(\.weeks.last!.median) == [80_000, 100_000])
        // The newest spelling names the group.
        #expect(trends.map(\.stack) == ["Go", "Go"])
    }

    /// Week 53 of 2026 and week 1 of 2027: the eight weeks run across New Year without skipping or doubling.
    @Test func weeksCrossTheYearBoundary() throws {
        let w2 = Edition("2027-W02")!
        let salaries = (1...8).flatMap { Self.week(w2.advanced(by: -$0), Self.five(100_000 + $0)) }
            // Sunday 3 January 2027 belongs to 2026-W53, Monday 4 January to 2027-W01.
            + Self.week(Edition("2026-W53")!, [1], day: 6)
        let trend = try #require(Self.trends(w2, salaries).first)
        #expect(trend.weeks.map(\.edition.description) == [
            "2026-W47", "2026-W48", "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01",
        ])
        #expect(trend.weeks.map(\.observations) == [5, 5, 5, 5, 5, 5, 6, 5])
        #expect(CivilDate(year: 2027, month: 1, day: 3).daysSinceEpoch == Edition("2026-W53")!.startDay + 6)
    }

    /// Weeks are the edition's UTC calendar weeks: the process's time zone changes nothing.
    @Test func theMachinesTimeZoneHasNoEffect() throws {
        let w48 = Edition("2026-W48")!
        let salaries = (1...8).flatMap { Self.week(w48.advanced(by: -$0), Self.five(100_000 + $0 * 500), day: $0 % 2 == 0 ? 0 : 6) }
        let before = Self.trends(w48, salaries)
        let saved = ProcessInfo.processInfo.environment["TZ"]
        setenv("TZ", "Pacific/Kiritimati", 1)
        tzset()
        defer {
            if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
            tzset()
        }
        let after = Self.trends(w48, salaries)
        #expect(before == after)
        #expect(after.first?.weeks.map(\.observations) == Array(repeating: 5, count: 8))
    }

    @Test(arguments: [
        (nil as Int?, nil as SalaryTrend.Marker.Position?),
        (50_000, .belowRange), (100_500, .lowerHalf), (101_000, .atMedian), (101_500, .upperHalf), (200_000, .aboveRange),
    ])
    func theMinimumIsPlacedOnLastWeeksRange(minimum: Int?, position: SalaryTrend.Marker.Position?) throws {
        let w48 = Edition("2026-W48")!
        let salaries = (1...3).flatMap { Self.week(w48.advanced(by: -$0), [100_000, 100_500, 101_000, 101_500, 102_000]) }
        let trend = try #require(Self.trends(w48, salaries).first)
        #expect(trend.marker(minimum: minimum)?.position == position)
    }

    /// Followers of every group see the groups with the most salaries last week, capped, in level order.
    @Test func digestsFollowTheirGroupsAndCapTheCharts() {
        let w48 = Edition("2026-W48")!
        var salaries: [SalaryObservation] = []
        for (index, level) in Level.allCases.enumerated() {
            for back in 1...3 {
                salaries += Self.week(w48.advanced(by: -back), Array(repeating: 100_000, count: 5 + index), level: level)
            }
        }
        let content = EditionContent(edition: w48, openings: [], salaries: salaries, catalogue: [])
        let all = Digest(content: content, preferences: Preferences(minSalary: 90_000))
        #expect(all.salaryTrends.map(\.level) == [.mid, .senior, .lead, .principal])
        #expect(all.minimumSalary == 90_000)
        let juniors = Digest(content: content, preferences: Preferences(levels: [.junior]))
        #expect(juniors.salaryTrends.map(\.level) == [.junior])
        #expect(Digest(content: content, preferences: Preferences(languages: ["Rust"])).salaryTrends.isEmpty)
    }
}
