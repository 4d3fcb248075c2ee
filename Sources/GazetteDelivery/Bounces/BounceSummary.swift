/// The tally of a `bounces process` run.
public struct BounceSummary: Sendable, Equatable {
    public var counts: [BounceOutcome: Int] = [:]

    public init() {}

    public mutating func add(_ outcome: BounceOutcome) { counts[outcome, default: 0] += 1 }

    /// `bounces: hard N, soft N, complaints N, ignored N, unmatched N`
    public var line: String {
        func n(_ outcome: BounceOutcome) -> Int { counts[outcome] ?? 0 }
        return "bounces: hard \(n(.hard)), soft \(n(.soft)), complaints \(n(.complaint)), ignored \(n(.ignored)), unmatched \(n(.unmatched))"
    }
}
