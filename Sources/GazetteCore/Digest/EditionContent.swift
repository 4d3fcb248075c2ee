public import Foundation

/// Everything an edition shows that does not depend on who reads it, computed once per edition.
///
/// Each subscriber's `Digest` is then a cheap filter over `newOpenings` and `salaryChanges`.
public struct EditionContent: Sendable {
    public struct Rules: Sendable {
        /// Openings shown per digest before "and N more".
        public var openingsCap = 10
        /// Observations a group needs in each of the two weeks for its change to be shown.
        public var minimumObservations = 5
        /// How many certifications the rotation features when none is scheduled.
        public var rotationSize = 2
        /// How many companies the header names.
        public var topCompanies = 3
        /// Trend charts per digest: a reader who follows every group sees those with the most salaries
        /// last week, not twenty charts.
        public var trendCharts = 4
        public init() {}
    }

    public struct CompanyCount: Hashable, Sendable {
        public var company: String
        public var openings: Int
    }

    public let edition: Edition
    /// Distinguishes one computation of the content from another (data may be re-imported between two),
    /// so caches of rendered digests never outlive the data they were rendered from.
    public let computation = UUID()
    /// Posted during W−1 and still open when W starts, in a stable order (newest first).
    public let newOpenings: [Opening]
    /// Open when W starts, whenever posted.
    public let openTotal: Int
    public let topCompanies: [CompanyCount]
    /// Every group with enough observations in both weeks, ordered by level then stack.
    public let salaryChanges: [SalaryChange]
    public let market: MarketLine?
    /// Every group seen in weeks W−8 … W−1 with its weekly medians and W−1 range, for the charts.
    public let salaryTrends: [SalaryTrend]
    public let certifications: [Certification]
    public let rules: Rules

    /// - Parameters:
    ///   - openings: at least every opening open at the start of `edition` (others are ignored).
    ///   - salaries: at least the observations of weeks W−8 … W−1 (others are ignored); the changes use
    ///     W−1 and W−2, the trends all eight.
    ///   - catalogue: every certification.
    public init(
        edition: Edition, openings: [Opening], salaries: [SalaryObservation], catalogue: [Certification],
        rules: Rules = Rules()
    ) {
        self.edition = edition
        self.rules = rules
        let weekStart = edition.start
        let previous = edition.previous
        let open = openings.filter { $0.isOpen(at: weekStart) }
        self.openTotal = open.count
        let fresh = open.filter { previous.contains($0.postedAt) }
        self.newOpenings = fresh.sorted(by: EditionContent.newestFirst)

        var perCompany: [String: Int] = [:]
        for opening in fresh { perCompany[opening.company, default: 0] += 1 }
        self.topCompanies = perCompany
            .map { CompanyCount(company: $0.key, openings: $0.value) }
            .sorted { ($0.openings, $1.company) > ($1.openings, $0.company) }
            .prefix(rules.topCompanies)
            .map { $0 }

        let lastWeek = salaries.filter { previous.contains($0.observedOn.startDate) }
        let weekBefore = salaries.filter { previous.previous.contains($0.observedOn.startDate) }
        self.market = EditionContent.marketLine(lastWeek, minimum: rules.minimumObservations)
        self.salaryChanges = EditionContent.changes(
            current: lastWeek, previous: weekBefore, minimum: rules.minimumObservations)
        self.salaryTrends = SalaryTrend.trends(salaries, edition: edition, minimum: rules.minimumObservations)
        self.certifications = EditionContent.featured(catalogue, in: edition, rotationSize: rules.rotationSize)
    }

    /// Newest first; ties broken by feed identity so the order never depends on storage order.
    static func newestFirst(_ a: Opening, _ b: Opening) -> Bool {
        if a.postedAt != b.postedAt { return a.postedAt > b.postedAt }
        if a.source != b.source { return a.source < b.source }
        return a.id < b.id
    }

    /// The market line in the week's most common currency (medians across currencies mean nothing).
    static func marketLine(_ observations: [SalaryObservation], minimum: Int) -> MarketLine? {
        var perCurrency: [String: [Int]] = [:]
        for o in observations { perCurrency[o.currency, default: []].append(o.amount) }
        guard let (currency, amounts) = perCurrency.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }),
              amounts.count >= minimum
        else { return nil }
        let sorted = amounts.sorted()
        return MarketLine(
            currency: currency, observations: sorted.count,
            p10: SalaryStatistics.quantile(0.1, ofSorted: sorted)!,
            median: SalaryStatistics.median(ofSorted: sorted)!,
            p90: SalaryStatistics.quantile(0.9, ofSorted: sorted)!)
    }

    struct GroupKey: Hashable, Comparable {
        var level: Level
        var stack: String  // lower-cased, so "go" and "Go" are one group
        var currency: String
        static func < (a: GroupKey, b: GroupKey) -> Bool {
            (a.level.rank, a.stack, a.currency) < (b.level.rank, b.stack, b.currency)
        }
    }

    static func changes(current: [SalaryObservation], previous: [SalaryObservation], minimum: Int) -> [SalaryChange] {
        func grouped(_ list: [SalaryObservation]) -> [GroupKey: [Int]] {
            var groups: [GroupKey: [Int]] = [:]
            for o in list {
                groups[GroupKey(level: o.level, stack: o.stack.lowercased(), currency: o.currency), default: []]
                    .append(o.amount)
            }
            return groups
        }
        // Display the spelling the feed used most recently for each group.
        var spelling: [String: String] = [:]
        for o in previous + current { spelling[o.stack.lowercased()] = o.stack }
        let now = grouped(current)
        let before = grouped(previous)
        return now.keys.sorted().compactMap { key in
            guard let a = before[key]?.sorted(), let b = now[key]?.sorted(), a.count >= minimum, b.count >= minimum
            else { return nil }
            return SalaryChange(
                level: key.level, stack: spelling[key.stack] ?? key.stack, currency: key.currency,
                previousMedian: SalaryStatistics.median(ofSorted: a)!, currentMedian: SalaryStatistics.median(ofSorted: b)!,
                previousCount: a.count, currentCount: b.count)
        }
    }

    /// Scheduled certifications, or else a rotation that advances by `rotationSize` every week.
    static func featured(_ catalogue: [Certification], in edition: Edition, rotationSize: Int) -> [Certification] {
        let sorted = catalogue.sorted { $0.id < $1.id }
        let scheduled = sorted.filter { $0.isFeatured(in: edition) }
        if !scheduled.isEmpty || sorted.isEmpty { return scheduled }
        let size = min(rotationSize, sorted.count)
        let first = ((edition.absoluteWeek * size) % sorted.count + sorted.count) % sorted.count
        return (0..<size).map { sorted[(first + $0) % sorted.count] }
    }
}
