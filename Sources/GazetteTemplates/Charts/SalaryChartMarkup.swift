public import Foundation
public import GazetteCore

/// One salary group's charts, drawn once per edition and group: a column chart and a range bar for the
/// e-mail, a sparkline for the text part, and SVG for the web.
///
/// E-mail clients drop SVG, scripts and positioning, so the e-mail chart is table cells with `bgcolor` and
/// `height` (Outlook's Word engine honours both). The subscriber's minimum salary is the only personal part:
/// `emailHTML(marker:)` and `svg(marker:)` add it to the shared markup by concatenation, so a digest for
/// one more minimum costs a few string appends, not a chart.
public struct SalaryChartMarkup: Sendable {
    public let trend: SalaryTrend
    /// Text part: one line of at most 72 characters, or nil when the group has no chart.
    public let sparkline: String?
    /// Text part: last week's range as words, or nil without a range.
    public let rangeText: String?
    /// E-mail HTML up to where the minimum-salary marker goes, and after it.
    let emailHead: String
    let emailTail: String
    /// SVG figure without and after the marker.
    let svgHead: String
    let svgTail: String

    public init(_ trend: SalaryTrend) {
        self.trend = trend
        sparkline = trend.hasChart ? Sparkline.line(trend, width: TextWrapper.digestWidth) : nil
        rangeText = trend.range.map { SalaryChartMarkup.rangeWords($0, currency: trend.currency) }
        let email = EmailChart.markup(trend)
        emailHead = email.head
        emailTail = email.tail
        let web = SVGChart.markup(trend)
        svgHead = web.head
        svgTail = web.tail
    }

    /// The e-mail chart block for a reader with this minimum salary (nil: none set).
    public func emailHTML(minimum: Int?) -> String {
        guard EmailChart.drawsRangeBar(trend) else { return emailHead + emailTail }
        return emailHead + EmailChart.marker(trend.marker(minimum: minimum), currency: trend.currency) + emailTail
    }

    /// The web figure for a reader with this minimum salary.
    public func svg(minimum: Int?) -> String {
        guard EmailChart.drawsRangeBar(trend) else { return svgHead + svgTail }
        return svgHead + SVGChart.marker(trend.marker(minimum: minimum), trend: trend) + svgTail
    }

    /// The sentence about the reader's minimum, for the text part and screen readers.
    public static func markerWords(_ marker: SalaryTrend.Marker, currency: String) -> String {
        "Your minimum, \(Formatting.money(Double(marker.amount), currency: currency)), is \(marker.position.rawValue)."
    }

    static func rangeWords(_ range: SalaryTrend.Range, currency: String) -> String {
        "Last week: 10th percentile \(Formatting.money(range.p10, currency: currency)), median "
            + "\(Formatting.money(range.median, currency: currency)), 90th percentile "
            + "\(Formatting.money(range.p90, currency: currency)) (\(Formatting.plural(range.observations, "salary", "salaries")))."
    }

    /// Every week's figure in words, for screen readers: "2026-W41 $190,000; 2026-W42 too few salaries; …".
    static func weeksWords(_ trend: SalaryTrend) -> String {
        trend.weeks.map { week in
            "\(week.edition) " + (week.median.map { Formatting.money($0, currency: trend.currency) } ?? "too few salaries")
        }.joined(separator: "; ")
    }
}

/// The digest's charts for one edition, by group: built once per edition and shared by every digest.
public struct EditionCharts: Sendable {
    /// Distinguishes the `EditionContent` computation these were drawn from (see `EditionContent.computation`).
    public let computation: UUID
    let byGroup: [String: SalaryChartMarkup]

    public init(_ content: EditionContent) {
        computation = content.computation
        var byGroup: [String: SalaryChartMarkup] = [:]
        for trend in content.salaryTrends where trend.hasChart || trend.range != nil {
            byGroup[trend.key] = SalaryChartMarkup(trend)
        }
        self.byGroup = byGroup
    }

    /// The markup for a trend of this edition; drawn now for a trend these charts do not hold.
    public func markup(_ trend: SalaryTrend) -> SalaryChartMarkup {
        if let known = byGroup[trend.key], known.trend == trend { return known }
        return SalaryChartMarkup(trend)
    }
}
