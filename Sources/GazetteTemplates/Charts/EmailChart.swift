import GazetteCore

/// The e-mail's charts, from table cells only: no SVG, no CSS positioning, no images. Colours are set twice
/// (`bgcolor` for Outlook, inline `background-color` for the rest); the digest's dark-mode rules replace
/// them through the `gz-chart-*` classes. Every figure is also given in words (`aria-label` on the chart
/// and a visible caption), so a screen reader, or a client that mangles the cells, loses nothing.
enum EmailChart {
    static let barColor = "#2563eb"
    static let rangeColor = "#bfdbfe"
    static let medianColor = "#1e3a8a"
    static let markerColor = "#b45309"
    /// Column area height; a bar is at least `minimumBar` tall, so the lowest median never looks like zero.
    static let chartHeight = 56
    static let minimumBar = 8
    static let columnWidth = 42

    /// The block before and after the minimum-salary marker.
    static func markup(_ trend: SalaryTrend) -> (head: String, tail: String) {
        let name = HTMLText.escape(trend.groupName)
        var head = """
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="gz-chart" style="margin-top:16px;">
            <tr>
            <td class="gz-text" style="font-size:14px;line-height:20px;color:#1f2937;font-weight:bold;padding-bottom:6px;">\(name)</td>
            </tr>

            """
        if trend.hasChart {
            head += columns(trend, name: name)
        }
        guard let range = trend.range else {
            return (head, "</table>\n")
        }
        let words = HTMLText.escape(SalaryChartMarkup.rangeWords(range, currency: trend.currency))
        let wordsRow = "<tr>\n<td class=\"gz-muted\" style=\"font-size:12px;line-height:18px;color:#5f6b7a;padding-top:4px;\">\(words)</td>\n</tr>\n"
        guard trend.hasChart else {
            // Too few weeks for a chart: the numbers only, and no marker.
            return (head + wordsRow + "</table>\n", "")
        }
        head += rangeBar(range, name: name, words: words)
        return (head, "</td>\n</tr>\n" + wordsRow + "</table>\n")
    }

    /// Whether a marker goes between head and tail: only on a drawn range bar.
    static func drawsRangeBar(_ trend: SalaryTrend) -> Bool { trend.hasChart && trend.range != nil }

    /// One column per week, bottom-aligned, with the week under it; a gap is an empty column.
    static func columns(_ trend: SalaryTrend, name: String) -> String {
        let steps = chartHeight - minimumBar + 1
        let levels = trend.levels(steps: steps)
        let label = HTMLText.escape(
            "\(trend.groupName), median salary by week: \(SalaryChartMarkup.weeksWords(trend)).")
        var bars = ""
        var weeks = ""
        for (week, level) in zip(trend.weeks, levels) {
            bars += "<td valign=\"bottom\" width=\"\(columnWidth)\" height=\"\(chartHeight)\" style=\"width:\(columnWidth)px;height:\(chartHeight)px;padding:0 3px;vertical-align:bottom;\">"
            if let level {
                let height = minimumBar + level
                bars += "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>"
                    + "<td class=\"gz-chart-bar\" height=\"\(height)\" bgcolor=\"\(barColor)\" style=\"height:\(height)px;background-color:\(barColor);font-size:0;line-height:0;\">&nbsp;</td>"
                    + "</tr></table>"
            } else {
                bars += "&nbsp;"
            }
            bars += "</td>\n"
            weeks += "<td align=\"center\" class=\"gz-muted\" style=\"font-size:10px;line-height:14px;color:#5f6b7a;padding-top:2px;\">W\(week.edition.week.zeroPadded(2))</td>\n"
        }
        let usable = trend.usableWeeks
        let first = usable.first!, last = usable.last!
        let gaps = trend.weeks.count - usable.count
        var caption = "Median by week, \(trend.weeks.first!.edition) to \(trend.weeks.last!.edition): "
            + "\(Formatting.money(first.median!, currency: trend.currency)) in \(first.edition), "
            + "\(Formatting.money(last.median!, currency: trend.currency)) in \(last.edition)."
        if gaps > 0 {
            caption += " Empty columns: fewer than 5 salaries that week."
        }
        return """
            <tr>
            <td>
            <table role="img" aria-label="\(label)" cellpadding="0" cellspacing="0" border="0" width="\(columnWidth * trend.weeks.count)" style="width:\(columnWidth * trend.weeks.count)px;">
            <tr>
            \(bars)</tr>
            <tr>
            \(weeks)</tr>
            </table>
            </td>
            </tr>
            <tr>
            <td class="gz-muted" style="font-size:12px;line-height:18px;color:#5f6b7a;padding-top:4px;">\(HTMLText.escape(caption))</td>
            </tr>

            """
    }

    /// p10 to p90 as a light band with the median as a dark tick, on the range's axis.
    static func rangeBar(_ range: SalaryTrend.Range, name: String, words: String) -> String {
        // Percentages that add up to exactly 100, the median tick taking 1 % of its own: a fixed-width
        // cell among percentage cells gets squeezed to nothing by browsers and Outlook alike.
        let p10 = min(percent(range.fraction(of: range.p10)), 99)
        let median = min(max(percent(range.fraction(of: range.median)), p10), 99)
        let p90 = min(max(percent(range.fraction(of: range.p90)), median + 1), 100)
        var cells = cell(width: p10, color: nil)
        cells += cell(width: median - p10, color: rangeColor, className: "gz-chart-range")
        cells += cell(width: 1, color: medianColor, className: "gz-chart-median")
        cells += cell(width: p90 - median - 1, color: rangeColor, className: "gz-chart-range")
        cells += cell(width: 100 - p90, color: nil)
        return """
            <tr>
            <td style="padding-top:10px;">
            <table role="img" aria-label="\(name) salaries. \(words)" width="100%" cellpadding="0" cellspacing="0" border="0">
            <tr>\(cells)</tr>
            </table>

            """
    }

    /// The reader's minimum as an amber tick under the range bar, and the same in words.
    static func marker(_ marker: SalaryTrend.Marker?, currency: String) -> String {
        guard let marker else { return "" }
        let at = min(percent(marker.fraction), 99)
        var cells = cell(width: at, color: nil)
        cells += cell(width: 1, color: markerColor, className: "gz-chart-marker", height: 10)
        cells += cell(width: 99 - at, color: nil)
        let words = HTMLText.escape(SalaryChartMarkup.markerWords(marker, currency: currency))
        return """
            <table role="presentation" class="gz-chart-marker-row" width="100%" cellpadding="0" cellspacing="0" border="0">
            <tr>\(cells)</tr>
            </table>
            <p class="gz-chart-marker-text" style="margin:2px 0 0 0;font-size:12px;line-height:18px;color:\(markerColor);">▲ \(words)</p>

            """
    }

    static func percent(_ fraction: Double) -> Int { Int((fraction * 100).rounded()) }

    /// A spacer or band cell of `width` percent; nothing for zero width (Outlook draws a zero-width cell anyway).
    static func cell(width: Int, color: String?, className: String? = nil, height: Int = 12) -> String {
        guard width > 0 else { return "" }
        let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
        if let color {
            return "<td\(classAttribute) width=\"\(width)%\" height=\"\(height)\" bgcolor=\"\(color)\" style=\"height:\(height)px;background-color:\(color);font-size:0;line-height:0;\">&nbsp;</td>"
        }
        return "<td width=\"\(width)%\" style=\"font-size:0;line-height:0;\">&nbsp;</td>"
    }
}
