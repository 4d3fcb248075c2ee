/// Order statistics over salary amounts.
public enum SalaryStatistics {
    /// The `p`-quantile (0…1) of sorted values by linear interpolation between closest ranks
    /// (Hyndman & Fan type 7, the default of numpy, R and spreadsheets), so figures can be checked anywhere.
    public static func quantile(_ p: Double, ofSorted values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let h = Double(values.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = h - Double(lower)
        return Double(values[lower]) + fraction * Double(values[upper] - values[lower])
    }

    public static func median(ofSorted values: [Int]) -> Double? { quantile(0.5, ofSorted: values) }
}

/// The market at a glance for one week: entry (10th percentile), median and top (90th percentile).
public struct MarketLine: Hashable, Sendable {
    public var currency: String
    public var observations: Int
    public var p10: Double
    public var median: Double
    public var p90: Double
}

/// How a (level, stack) group's median moved from week W−2 to week W−1.
public struct SalaryChange: Hashable, Sendable {
    public var level: Level
    public var stack: String
    public var currency: String
    public var previousMedian: Double
    public var currentMedian: Double
    public var previousCount: Int
    public var currentCount: Int

    public var change: Double { currentMedian - previousMedian }
    /// Percent change against W−2's median.
    public var percent: Double { previousMedian == 0 ? 0 : change / previousMedian * 100 }
}
