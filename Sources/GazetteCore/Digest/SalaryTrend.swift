/// One (level, stack, currency) group's salary over the weeks before an edition: what the charts draw.
///
/// It depends only on the group and the edition (never on who reads it), so each chart is built once per
/// edition. The subscriber's own minimum salary is placed on the range by `marker(minimum:)`, apart.
public struct SalaryTrend: Hashable, Sendable {
    /// Weeks drawn: W−8 … W−1 of the edition.
    public static let weekCount = 8
    /// Fewer usable weeks than this and the group shows only its numbers.
    public static let minimumUsableWeeks = 3

    public struct Week: Hashable, Sendable {
        public var edition: Edition
        public var observations: Int
        /// Nil when the week has fewer observations than the edition's minimum: a gap, never zero.
        public var median: Double?
    }

    /// The group's distribution in week W−1: 10th percentile, median and 90th percentile.
    public struct Range: Hashable, Sendable {
        public var observations: Int
        public var p10: Double
        public var median: Double
        public var p90: Double

        /// The scale the range bar is drawn on: a quarter of the spread beyond each end, so a minimum just
        /// outside the range still lands on the bar; a spread of zero (all equal) gets ±10 % of the value.
        public var axis: ClosedRange<Double> {
            let spread = p90 - p10
            let pad = spread > 0 ? spread / 4 : max(abs(median) / 10, 1)
            return (p10 - pad)...(p90 + pad)
        }

        /// Where `amount` sits on `axis`, from 0 to 1 (clamped).
        public func fraction(of amount: Double) -> Double {
            let axis = axis
            return min(1, max(0, (amount - axis.lowerBound) / (axis.upperBound - axis.lowerBound)))
        }
    }

    /// A subscriber's minimum salary placed on the range.
    public struct Marker: Hashable, Sendable {
        public enum Position: String, Sendable {
            case belowRange = "below the 10th percentile"
            case lowerHalf = "between the 10th percentile and the median"
            case atMedian = "at the median"
            case upperHalf = "between the median and the 90th percentile"
            case aboveRange = "above the 90th percentile"
        }
        public var amount: Int
        /// 0…1 along `Range.axis`, clamped to the ends when the amount is off the scale.
        public var fraction: Double
        public var position: Position
    }

    public var level: Level
    public var stack: String
    public var currency: String
    /// Oldest first, always `weekCount` weeks.
    public var weeks: [Week]
    public var range: Range?

    public init(level: Level, stack: String, currency: String, weeks: [Week], range: Range?) {
        self.level = level
        self.stack = stack
        self.currency = currency
        self.weeks = weeks
        self.range = range
    }

    public var groupName: String { "\(level.displayName) \(stack)" }

    public var usableWeeks: [Week] { weeks.filter { $0.median != nil } }

    /// Whether the trend is drawn: a line through fewer than three weeks says nothing a change does not.
    public var hasChart: Bool { usableWeeks.count >= SalaryTrend.minimumUsableWeeks }

    /// Lowest and highest median of the usable weeks.
    public var medianBounds: ClosedRange<Double>? {
        let medians = weeks.compactMap(\.median)
        guard let low = medians.min(), let high = medians.max() else { return nil }
        return low...high
    }

    /// Each week's median as one of `steps` levels (0 = lowest median, `steps − 1` = highest), nil for gaps.
    ///
    /// The scale runs from the lowest to the highest median, not from zero: salaries move by a few percent,
    /// which a zero-based chart would flatten. When every median is equal, all sit at the middle level.
    public func levels(steps: Int) -> [Int?] {
        guard steps > 1, let bounds = medianBounds else { return weeks.map { _ in nil } }
        let span = bounds.upperBound - bounds.lowerBound
        return weeks.map { week in
            guard let median = week.median else { return nil }
            guard span > 0 else { return (steps - 1) / 2 }
            let position = (median - bounds.lowerBound) / span * Double(steps - 1)
            return min(steps - 1, max(0, Int(position.rounded())))
        }
    }

    /// The subscriber's minimum on this group's range; nil without a minimum or a range.
    public func marker(minimum: Int?) -> Marker? {
        guard let minimum, let range else { return nil }
        let amount = Double(minimum)
        let position: Marker.Position =
            amount < range.p10 ? .belowRange
            : amount > range.p90 ? .aboveRange
            : amount == range.median ? .atMedian
            : amount < range.median ? .lowerHalf : .upperHalf
        return Marker(amount: minimum, fraction: range.fraction(of: amount), position: position)
    }

    /// A stable key for caches and markup anchors: `senior|go|USD`.
    public var key: String { "\(level.rawValue)|\(stack.lowercased())|\(currency)" }

    /// Every group with any observation in weeks W−8 … W−1 of `edition`, ordered by level, stack, currency.
    ///
    /// Weeks are the edition's (UTC calendar days), so no time zone changes which week an observation counts in.
    static func trends(_ salaries: [SalaryObservation], edition: Edition, minimum: Int) -> [SalaryTrend] {
        let first = edition.advanced(by: -weekCount)
        var amounts: [EditionContent.GroupKey: [[Int]]] = [:]
        // Display the spelling the feed used most recently for each group.
        var spelling: [String: (day: Int, text: String)] = [:]
        for o in salaries {
            let offset = o.observedOn.daysSinceEpoch - first.startDay
            guard offset >= 0, offset < weekCount * 7 else { continue }
            let key = EditionContent.GroupKey(level: o.level, stack: o.stack.lowercased(), currency: o.currency)
            amounts[key, default: Array(repeating: [], count: weekCount)][offset / 7].append(o.amount)
            if (spelling[key.stack]?.day ?? Int.min) <= o.observedOn.daysSinceEpoch {
                spelling[key.stack] = (o.observedOn.daysSinceEpoch, o.stack)
            }
        }
        return amounts.keys.sorted().map { key in
            let perWeek = amounts[key]!.map { $0.sorted() }
            let weeks = perWeek.enumerated().map { index, sorted in
                Week(
                    edition: first.advanced(by: index), observations: sorted.count,
                    median: sorted.count >= minimum ? SalaryStatistics.median(ofSorted: sorted) : nil)
            }
            let last = perWeek[weekCount - 1]
            let range = last.count >= minimum
                ? Range(
                    observations: last.count, p10: SalaryStatistics.quantile(0.1, ofSorted: last)!,
                    median: SalaryStatistics.median(ofSorted: last)!, p90: SalaryStatistics.quantile(0.9, ofSorted: last)!)
                : nil
            return SalaryTrend(
                level: key.level, stack: spelling[key.stack]?.text ?? key.stack, currency: key.currency, weeks: weeks, range: range)
        }
    }
}
