import GazetteCore

/// The web view's charts: the same figures as the e-mail's, drawn as inline SVG (no script, no external
/// file), with a `<title>` per chart and per column so hovering shows the figure and screen readers read it.
/// Colours are attributes; the digest's dark-mode rules replace them through the `gz-svg-*` classes.
enum SVGChart {
    static let width = 336
    static let columnWidth = 42
    static let chartHeight = EmailChart.chartHeight
    static let minimumBar = EmailChart.minimumBar

    static func markup(_ trend: SalaryTrend) -> (head: String, tail: String) {
        let name = HTMLText.escape(trend.groupName)
        var head = "<div class=\"gz-chart-web\" style=\"margin-top:16px;font-family:Helvetica,Arial,sans-serif;\">\n"
            + "<p class=\"gz-text\" style=\"margin:0 0 6px 0;font-size:14px;line-height:20px;color:#1f2937;font-weight:bold;\">\(name)</p>\n"
        if trend.hasChart {
            head += columns(trend)
        }
        let words = trend.range.map { HTMLText.escape(SalaryChartMarkup.rangeWords($0, currency: trend.currency)) }
        let wordsLine = words.map {
            "<p class=\"gz-muted\" style=\"margin:4px 0 0 0;font-size:12px;line-height:18px;color:#5f6b7a;\">\($0)</p>\n"
        } ?? ""
        guard let range = trend.range, trend.hasChart, let words else {
            return (head + wordsLine + "</div>\n", "")
        }
        head += rangeBar(range, name: name, words: words)
        return (head, wordsLine + "</div>\n")
    }

    static func columns(_ trend: SalaryTrend) -> String {
        let levels = trend.levels(steps: chartHeight - minimumBar + 1)
        let label = HTMLText.escape("\(trend.groupName), median salary by week: \(SalaryChartMarkup.weeksWords(trend)).")
        var body = ""
        for (index, (week, level)) in zip(trend.weeks, levels).enumerated() {
            let x = index * columnWidth + 3
            let figure = week.median.map { Formatting.money($0, currency: trend.currency) } ?? "too few salaries"
            let title = HTMLText.escape("\(week.edition): \(figure) (\(Formatting.plural(week.observations, "salary", "salaries")))")
            if let level {
                let height = minimumBar + level
                body += "<rect class=\"gz-svg-bar\" x=\"\(x)\" y=\"\(chartHeight - height)\" width=\"\(columnWidth - 6)\" height=\"\(height)\" fill=\"\(EmailChart.barColor)\"><title>\(title)</title></rect>\n"
            } else {
                // A gap is an outline, not a short bar: it must never read as a low week.
                body += "<rect class=\"gz-svg-gap\" x=\"\(x)\" y=\"0.5\" width=\"\(columnWidth - 6)\" height=\"\(chartHeight - 1)\" fill=\"none\" stroke=\"#9ca3af\" stroke-dasharray=\"3 3\"><title>\(title)</title></rect>\n"
            }
            body += "<text class=\"gz-svg-label\" x=\"\(x + (columnWidth - 6) / 2)\" y=\"\(chartHeight + 13)\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5f6b7a\">W\(week.edition.week.zeroPadded(2))</text>\n"
        }
        let usable = trend.usableWeeks
        let caption = "Median by week, \(trend.weeks.first!.edition) to \(trend.weeks.last!.edition): "
            + "\(Formatting.money(usable.first!.median!, currency: trend.currency)) in \(usable.first!.edition), "
            + "\(Formatting.money(usable.last!.median!, currency: trend.currency)) in \(usable.last!.edition)."
            + (usable.count < trend.weeks.count ? " Dashed columns: fewer than 5 salaries that week." : "")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(label)" width="\(width)" height="\(chartHeight + 18)" viewBox="0 0 \(width) \(chartHeight + 18)" style="max-width:100%;height:auto;">
            <title>\(label)</title>
            \(body)</svg>
            <p class="gz-muted" style="margin:4px 0 0 0;font-size:12px;line-height:18px;color:#5f6b7a;">\(HTMLText.escape(caption))</p>

            """
    }

    static func rangeBar(_ range: SalaryTrend.Range, name: String, words: String) -> String {
        func x(_ amount: Double) -> String { coordinate(range.fraction(of: amount) * Double(width)) }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(name) salaries. \(words)" width="\(width)" height="34" viewBox="0 0 \(width) 34" style="max-width:100%;height:auto;margin-top:10px;">
            <title>\(name) salaries. \(words)</title>
            <rect class="gz-svg-range" x="\(x(range.p10))" y="2" width="\(coordinate((range.fraction(of: range.p90) - range.fraction(of: range.p10)) * Double(width)))" height="12" fill="\(EmailChart.rangeColor)"/>
            <rect class="gz-svg-median" x="\(x(range.median))" y="0" width="3" height="16" fill="\(EmailChart.medianColor)"/>

            """
    }

    /// Closes the range bar's `<svg>`, with the reader's minimum drawn in it and said under it.
    static func marker(_ marker: SalaryTrend.Marker?, trend: SalaryTrend) -> String {
        guard let marker else { return "</svg>\n" }
        let words = HTMLText.escape(SalaryChartMarkup.markerWords(marker, currency: trend.currency))
        let x = coordinate(marker.fraction * Double(width - 3))
        return "<rect class=\"gz-svg-marker\" x=\"\(x)\" y=\"18\" width=\"3\" height=\"14\" fill=\"\(EmailChart.markerColor)\"><title>\(words)</title></rect>\n</svg>\n"
            + "<p class=\"gz-chart-marker-text\" style=\"margin:2px 0 0 0;font-size:12px;line-height:18px;color:\(EmailChart.markerColor);\">▲ \(words)</p>\n"
    }

    /// One decimal, locale-free: enough for a 336-unit drawing.
    static func coordinate(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
