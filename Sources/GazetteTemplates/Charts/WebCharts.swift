import Foundation
public import GazetteCore

/// The web view of a digest (`/view/TOKEN`, the operator preview) is the e-mail's HTML part with each
/// table-cell chart swapped for its SVG drawing: browsers draw SVG sharper, and mail clients never see it.
///
/// The e-mail marks each chart block with HTML comments (`<!--gz-chart 0-->` … `<!--/gz-chart-->`, by
/// position in `Digest.salaryTrends`); comments carry no data, so nothing from a feed can fake one.
public enum WebCharts {
    static func openMark(_ index: Int) -> String { "<!--gz-chart \(index)-->" }
    static let closeMark = "<!--/gz-chart-->"

    /// `html` with every marked chart of `digest` drawn as SVG (still between its marks). A group shown
    /// as numbers only (under three usable weeks) keeps the e-mail's markup, and HTML without marks (a
    /// template without the charts) comes back unchanged: the page is then the e-mail's HTML part exactly.
    public static func replacingCharts(in html: String, digest: Digest, charts: EditionCharts? = nil) -> String {
        var result = html
        for (index, trend) in digest.salaryTrends.enumerated() where trend.hasChart {
            let openText = openMark(index)
            guard let open = result.range(of: openText),
                  let close = result.range(of: closeMark, range: open.upperBound..<result.endIndex)
            else { continue }
            let markup = charts?.markup(trend) ?? SalaryChartMarkup(trend)
            result.replaceSubrange(
                open.lowerBound..<close.upperBound, with: openText + markup.svg(minimum: digest.minimumSalary) + closeMark)
        }
        return result
    }
}
