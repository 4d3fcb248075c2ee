import Foundation
import GazetteCore
import Testing

/// Builders for compact, readable tables of cases.
enum Fixture {
    static func date(_ text: String) -> Date { Timestamp.parse(text)! }
    static func day(_ text: String) -> CivilDate { Timestamp.parseDay(text)! }

    static func opening(
        _ id: String, posted: String, closed: String? = nil, company: String = "Grid", level: Level = .senior,
        stack: [String] = ["Go"], location: String = "Berlin, Germany", remote: Bool = false, salaryMax: Int? = 150_000
    ) -> Opening {
        Opening(
            source: "test", id: id, company: company, title: "Engineer \(id)", level: level, stack: stack,
            location: location, remote: remote, salaryMin: salaryMax.map { $0 - 20_000 }, salaryMax: salaryMax,
            currency: "USD", url: "https://jobs.example.com/\(id)", postedAt: date(posted), closedAt: closed.map(date))
    }

    static func salary(_ day: String, _ level: Level, _ stack: String, _ amount: Int) -> SalaryObservation {
        SalaryObservation(
            observedOn: Fixture.day(day), level: level, stack: stack, region: "EU", amount: amount, currency: "USD",
            source: "test")
    }

    static func certification(_ id: String, from: String? = nil, until: String? = nil) -> Certification {
        Certification(
            id: id, name: "Cert \(id)", issuer: "Issuer", summary: "Summary", url: "https://example.com/\(id)",
            featuredFrom: from.map(day), featuredUntil: until.map(day))
    }

    static let w48 = Edition("2026-W48")!
}

struct NewOpeningsTests {
    // Edition 2026-W48 starts Monday 2026-11-23 00:00Z; its "new" openings were posted in W47.
    @Test(arguments: [
        ("posted at the first instant of W-1", "2026-11-16T00:00:00Z", nil as String?, true),
        ("posted 23:59:59 on Sunday of W-1", "2026-11-22T23:59:59Z", nil, true),
        ("posted the instant W starts", "2026-11-23T00:00:00Z", nil, false),
        ("posted the second before W-1", "2026-11-15T23:59:59Z", nil, false),
        ("closed exactly when W starts", "2026-11-18T10:00:00Z", "2026-11-23T00:00:00Z", false),
        ("closed a second after W starts", "2026-11-18T10:00:00Z", "2026-11-23T00:00:01Z", true),
        ("closed during W-1", "2026-11-17T10:00:00Z", "2026-11-20T00:00:00Z", false),
    ])
    func newOpeningsArePostedInThePreviousWeekAndStillOpen(_ label: String, posted: String, closed: String?, shown: Bool) {
        let content = EditionContent(
            edition: Fixture.w48, openings: [Fixture.opening("a", posted: posted, closed: closed)], salaries: [],
            catalogue: [])
        #expect(content.newOpenings.map(\.id) == (shown ? ["a"] : []), "\(label)")
    }

    @Test func headerCountsOpenOpeningsAndTopCompanies() {
        let openings = [
            Fixture.opening("old", posted: "2026-10-01T00:00:00Z", company: "Swile"),
            Fixture.opening("gone", posted: "2026-10-01T00:00:00Z", closed: "2026-11-01T00:00:00Z", company: "Swile"),
            Fixture.opening("a", posted: "2026-11-17T00:00:00Z", company: "Hopper"),
            Fixture.opening("b", posted: "2026-11-18T00:00:00Z", company: "Hopper"),
            Fixture.opening("c", posted: "2026-11-19T00:00:00Z", company: "YLD"),
            Fixture.opening("d", posted: "2026-11-19T00:00:00Z", company: "Grid"),
            Fixture.opening("e", posted: "2026-11-20T00:00:00Z", company: "PlayVS"),
        ]
        let content = EditionContent(edition: Fixture.w48, openings: openings, salaries: [], catalogue: [])
        #expect(content.openTotal == 6)
        #expect(content.newOpenings.count == 5)
        // Most openings first, ties by name.
        #expect(content.topCompanies.map(\.company) == ["Hopper", "Grid", "PlayVS"])
    }
}

struct PreferenceFilterTests {
    static let remoteGo = Fixture.opening(
        "go", posted: "2026-11-17T00:00:00Z", level: .senior, stack: ["Go"], location: "Remote (EU)", remote: true,
        salaryMax: 180_000)
    static let berlinPython = Fixture.opening(
        "py", posted: "2026-11-17T00:00:00Z", level: .mid, stack: ["Python", "Django"], location: "Berlin, Germany",
        salaryMax: 120_000)
    static let unpaidJava = Fixture.opening(
        "java", posted: "2026-11-17T00:00:00Z", level: .lead, stack: ["Java", "Spring Boot"], location: "London, UK",
        salaryMax: nil)

    @Test(arguments: [
        ("no preferences: everything", Preferences(), ["go", "java", "py"]),
        ("languages ignore case", Preferences(languages: ["django"]), ["py"]),
        ("any language may match", Preferences(languages: ["go", "spring boot"]), ["go", "java"]),
        ("levels", Preferences(levels: [.mid, .lead]), ["java", "py"]),
        ("remote only", Preferences(remoteOnly: true), ["go"]),
        ("location substring ignores case", Preferences(locations: ["berlin"]), ["py"]),
        ("min salary reached by salary_max", Preferences(minSalary: 120_000), ["go", "py"]),
        ("min salary drops unknown pay", Preferences(minSalary: 1), ["go", "py"]),
        ("all filters combine", Preferences(languages: ["Go", "Python"], levels: [.senior], remoteOnly: true), ["go"]),
    ])
    func filtersByEveryPreference(_ label: String, preferences: Preferences, expected: [String]) {
        let content = EditionContent(
            edition: Fixture.w48, openings: [Self.remoteGo, Self.berlinPython, Self.unpaidJava], salaries: [],
            catalogue: [])
        let digest = Digest(content: content, preferences: preferences)
        #expect(digest.openings.map(\.id).sorted() == expected, "\(label)")
    }

    @Test func capsOpeningsAndCountsTheRest() {
        let openings = (1...14).map { Fixture.opening("o\($0)", posted: "2026-11-17T0\($0 % 10):00:00Z") }
        let content = EditionContent(edition: Fixture.w48, openings: openings, salaries: [], catalogue: [])
        let digest = Digest(content: content, preferences: Preferences())
        #expect(digest.openings.count == 10)
        #expect(digest.matchingCount == 14)
        #expect(digest.moreOpenings == 4)
    }

    @Test func ranksMoreMatchingLanguagesThenHigherPayFirst() {
        let openings = [
            Fixture.opening("one-language-rich", posted: "2026-11-17T00:00:00Z", stack: ["Go"], salaryMax: 300_000),
            Fixture.opening("two-languages", posted: "2026-11-17T00:00:00Z", stack: ["Go", "Python"], salaryMax: 100_000),
            Fixture.opening("one-language-poor", posted: "2026-11-18T00:00:00Z", stack: ["Python"], salaryMax: 90_000),
        ]
        let content = EditionContent(edition: Fixture.w48, openings: openings, salaries: [], catalogue: [])
        let digest = Digest(content: content, preferences: Preferences(languages: ["go", "python"]))
        #expect(digest.openings.map(\.id) == ["two-languages", "one-language-rich", "one-language-poor"])
    }
}

struct SalaryTests {
    @Test func quantilesInterpolateLinearly() {
        let values = [10, 20, 30, 40, 50]
        #expect(SalaryStatistics.quantile(0.5, ofSorted: values) == 30)
        #expect(SalaryStatistics.quantile(0.1, ofSorted: values) == 14)
        #expect(SalaryStatistics.quantile(0.9, ofSorted: values) == 46)
        #expect(SalaryStatistics.median(ofSorted: [1, 2, 3, 4]) == 2.5)
        #expect(SalaryStatistics.median(ofSorted: []) == nil)
    }

    /// W48's changes compare W47 (16–22 Nov) with W46 (9–15 Nov).
    static func observations(_ level: Level, _ stack: String, w46: [Int], w47: [Int]) -> [SalaryObservation] {
        w46.enumerated().map { Fixture.salary("2026-11-\(String(format: "%02d", 9 + $0.offset % 7))", level, stack, $0.element) }
            + w47.enumerated().map { Fixture.salary("2026-11-\(16 + $0.offset % 7)", level, stack, $0.element) }
    }

    @Test func weekOverWeekMedianChangeNeedsFiveObservationsInBothWeeks() throws {
        let salaries =
            Self.observations(.senior, "Go", w46: [100, 110, 120, 130, 140], w47: [110, 120, 130, 140, 150])
            + Self.observations(.mid, "Python", w46: [100, 100, 100, 100, 100], w47: [90, 90, 90, 90])  // 4 in W47
            + Self.observations(.lead, "Java", w46: [100, 100, 100, 100], w47: [90, 90, 90, 90, 90])  // 4 in W46
            + [Fixture.salary("2026-11-08", .senior, "Go", 1_000_000)]  // W45: ignored
        let content = EditionContent(edition: Fixture.w48, openings: [], salaries: salaries, catalogue: [])
        let change = try #require(content.salaryChanges.first)
        #expect(content.salaryChanges.count == 1)
        #expect(change.level == .senior && change.stack == "Go")
        #expect(change.previousMedian == 120)
        #expect(change.currentMedian == 130)
        #expect(change.change == 10)
        #expect(abs(change.percent - 8.333) < 0.001)
    }

    @Test func subscribersSeeTheGroupsTheyFollowOrAll() {
        let salaries =
            Self.observations(.senior, "Go", w46: [1, 2, 3, 4, 5], w47: [1, 2, 3, 4, 5])
            + Self.observations(.mid, "Python", w46: [1, 2, 3, 4, 5], w47: [1, 2, 3, 4, 5])
        let content = EditionContent(edition: Fixture.w48, openings: [], salaries: salaries, catalogue: [])
        #expect(Digest(content: content, preferences: Preferences()).salaryChanges.count == 2)
        let goOnly = Digest(content: content, preferences: Preferences(languages: ["go"]))
        #expect(goOnly.salaryChanges.map(\.stack) == ["Go"])
        let midOnly = Digest(content: content, preferences: Preferences(levels: [.mid]))
        #expect(midOnly.salaryChanges.map(\.stack) == ["Python"])
    }

    @Test func marketLineIsLastWeeksP10MedianAndP90() throws {
        let amounts = (1...11).map { $0 * 10_000 }
        let salaries = amounts.map { Fixture.salary("2026-11-18", .mid, "Go", $0) }
            + [Fixture.salary("2026-11-10", .mid, "Go", 999_999)]  // W46: not part of the line
        let content = EditionContent(edition: Fixture.w48, openings: [], salaries: salaries, catalogue: [])
        let market = try #require(content.market)
        #expect(market.p10 == 20_000)
        #expect(market.median == 60_000)
        #expect(market.p90 == 100_000)
        #expect(market.observations == 11)
    }
}

struct CertificationTests {
    static let catalogue = ["aws", "cka", "docker", "gcp", "ocp"].map { Fixture.certification($0) }

    @Test func scheduledWindowsWinOverTheRotation() {
        let catalogue = Self.catalogue + [
            Fixture.certification("this-week", from: "2026-11-29", until: "2026-12-05"),  // overlaps Sunday of W48
            Fixture.certification("last-week", from: "2026-11-16", until: "2026-11-22"),
            Fixture.certification("next-week", from: "2026-11-30"),
        ]
        let content = EditionContent(edition: Fixture.w48, openings: [], salaries: [], catalogue: catalogue)
        #expect(content.certifications.map(\.id) == ["this-week"])
    }

    @Test func rotationIsDeterministicAndMovesEveryWeek() {
        var seen: [[String]] = []
        var edition = Fixture.w48
        for _ in 0..<5 {
            let content = EditionContent(edition: edition, openings: [], salaries: [], catalogue: Self.catalogue.reversed())
            let again = EditionContent(edition: edition, openings: [], salaries: [], catalogue: Self.catalogue)
            #expect(content.certifications == again.certifications)
            #expect(content.certifications.count == 2)
            seen.append(content.certifications.map(\.id))
            edition = edition.next
        }
        // Over five weeks of two each, every certification of the five is featured.
        #expect(Set(seen.flatMap { $0 }) == Set(Self.catalogue.map(\.id)))
        #expect(seen[0] != seen[1])
    }
}
