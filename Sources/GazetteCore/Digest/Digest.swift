/// One subscriber's digest for one edition: the edition's shared content filtered by their preferences.
public struct Digest: Sendable {
    public let content: EditionContent
    /// Best matches first, at most `rules.openingsCap`.
    public let openings: [Opening]
    /// All openings that matched, including those beyond the cap.
    public let matchingCount: Int
    public let salaryChanges: [SalaryChange]
    /// The followed groups' trends that have a chart or a range to draw.
    public let salaryTrends: [SalaryTrend]
    /// The subscriber's minimum salary, marked on each range: the only personal part of the charts.
    public let minimumSalary: Int?

    public var edition: Edition { content.edition }
    public var moreOpenings: Int { matchingCount - openings.count }
    public var market: MarketLine? { content.market }
    public var certifications: [Certification] { content.certifications }

    public init(content: EditionContent, preferences: Preferences) {
        self.content = content
        let matching = content.newOpenings.filter { preferences.matches($0) }
        self.matchingCount = matching.count
        // Best match first: more of the subscriber's languages, then higher pay, then newest (the content order).
        let ranked = matching.enumerated()
            .map { (offset: $0.offset, overlap: preferences.languageOverlap(with: $0.element), pay: $0.element.salaryMax ?? -1) }
            .sorted { a, b in
                if a.overlap != b.overlap { return a.overlap > b.overlap }
                if a.pay != b.pay { return a.pay > b.pay }
                return a.offset < b.offset
            }
        self.openings = ranked.prefix(content.rules.openingsCap).map { matching[$0.offset] }
        self.salaryChanges = content.salaryChanges.filter { preferences.follows(level: $0.level, stack: $0.stack) }
        let followed = content.salaryTrends.filter { trend in
            (trend.hasChart || trend.range != nil) && preferences.follows(level: trend.level, stack: trend.stack)
        }
        // Most salaries last week first for the cap, then back in the content's (level, stack) order.
        let byCount = followed.indices.sorted { a, b in
            let countA = followed[a].weeks.last?.observations ?? 0
            let countB = followed[b].weeks.last?.observations ?? 0
            return countA != countB ? countA > countB : a < b
        }
        self.salaryTrends = byCount.prefix(content.rules.trendCharts).sorted().map { followed[$0] }
        self.minimumSalary = preferences.minSalary
    }

    /// No opening matched: the subscriber or the operator may choose to skip such digests.
    public var isEmpty: Bool { matchingCount == 0 }
}
