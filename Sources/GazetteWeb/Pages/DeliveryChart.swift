import GazetteCore
import GazetteStore

/// The operator index's chart: each edition's sent, deferred, failed, bounced and complained rows as one
/// stacked bar, drawn as inline SVG (no script) with a `<title>` per segment; the table under it has the
/// same numbers for screen readers and copying.
enum DeliveryChart {
    static let states: [(state: DeliveryState, color: String, darkColor: String)] = [
        (.sent, "#047857", "#34d399"), (.deferred, "#b45309", "#fbbf24"), (.failed, "#b91c1c", "#f87171"),
        (.bounced, "#6d28d9", "#a78bfa"), (.complained, "#be185d", "#f472b6"),
    ]
    static let width = 640
    static let labelWidth = 150
    static let rowHeight = 26

    /// Newest edition first, as the table lists them; an empty string when no edition has such rows.
    static func svg(_ rows: [(edition: Edition, counts: [DeliveryState: Int])]) -> String {
        let totals = rows.map { row in states.reduce(0) { $0 + (row.counts[$1.state] ?? 0) } }
        guard let largest = totals.max(), largest > 0 else { return "" }
        // Room after the longest bar for its total.
        let barWidth = Double(width - labelWidth - 60)
        let legendHeight = 24
        let height = legendHeight + rows.count * rowHeight
        var body = ""
        var legendX = 0
        for (index, entry) in states.enumerated() {
            body += "<rect class=\"gz-d\(index)\" x=\"\(legendX)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(entry.color)\"/>"
                + "<text x=\"\(legendX + 16)\" y=\"14\" font-size=\"12\">\(entry.state.rawValue)</text>\n"
            legendX += 110
        }
        var summary: [String] = []
        for (rowIndex, row) in rows.enumerated() {
            let y = legendHeight + rowIndex * rowHeight
            body += "<text x=\"0\" y=\"\(y + 16)\" font-size=\"12\">\(row.edition)</text>\n"
            var x = Double(labelWidth)
            var parts: [String] = []
            for (index, entry) in states.enumerated() {
                let count = row.counts[entry.state] ?? 0
                parts.append("\(count) \(entry.state.rawValue)")
                guard count > 0 else { continue }
                // At least one unit wide, so a single failure among thousands still shows.
                let segment = max(1, barWidth * Double(count) / Double(largest))
                body += "<rect class=\"gz-d\(index)\" x=\"\(SVGNumber.format(x))\" y=\"\(y + 4)\" width=\"\(SVGNumber.format(segment))\" height=\"16\" fill=\"\(entry.color)\">"
                    + "<title>\(row.edition) \(entry.state.rawValue): \(count)</title></rect>\n"
                x += segment
            }
            if totals[rowIndex] > 0 {
                body += "<text x=\"\(SVGNumber.format(x + 6))\" y=\"\(y + 16)\" font-size=\"12\">\(totals[rowIndex])</text>\n"
            }
            summary.append("\(row.edition): \(parts.joined(separator: ", "))")
        }
        let darkRules = states.enumerated().map { ".gz-d\($0.offset) { fill: \($0.element.darkColor); }" }.joined(separator: " ")
        let label = "Deliveries per edition. " + summary.joined(separator: "; ") + "."
        return """
            <svg xmlns="http://www.w3.org/2000/svg" id="delivery-chart" role="img" aria-label="\(HTML.escape(label))" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" style="max-width:100%;height:auto;" fill="currentColor">
            <title>\(HTML.escape(label))</title>
            <style>@media (prefers-color-scheme: dark) { \(darkRules) }</style>
            \(body)</svg>
            """
    }
}

/// Coordinates with one decimal, the same on every machine (no locale).
enum SVGNumber {
    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(abs(tenths % 10))"
    }
}
