import Foundation
import GazetteCore
import GazetteTemplates
import Testing

/// The charts' markup: the text sparkline, the e-mail's table cells and the web's SVG.
struct SalaryChartTests {
    static let edition = Edition("2026-W48")!

    /// A trend with the given weekly medians (nil: a week with two salaries, a gap), oldest first.
    static func trend(
        _ medians: [Int?], stack: String = "Go", currency: String = "USD", level: Level = .senior
    ) -> SalaryTrend {
        var salaries: [SalaryObservation] = []
        for (index, median) in medians.enumerated() {
            let week = edition.advanced(by: index - medians.count)
            let amounts = median.map { [$0 - 2_000, $0 - 1_000, $0, $0 + 1_000, $0 + 2_000] } ?? [50_000, 60_000]
            salaries += amounts.map {
                SalaryObservation(
                    observedOn: CivilDate(daysSinceEpoch: week.startDay + 2), level: level, stack: stack, region: "US",
                    amount: $0, currency: currency, source: "t")
            }
        }
        return EditionContent(edition: edition, openings: [], salaries: salaries, catalogue: []).salaryTrends[0]
    }

    static let sample = trend([150_000, 152_000, nil, 155_000, 158_000, 157_000, 161_000, 163_000])

    @Test func sparklineShowsGapsAsMiddleDotsAndTheFirstAndLastValues() {
        let line = Sparkline.line(Self.sample, width: 72)
        #expect(line == "Senior Go  $150,000 ▁▂·▄▅▅▇█ $163,000")
        // A gap at either end: the values are those of the first and last weeks that have one.
        let edges = Self.trend([nil, 100_000, 110_000, 120_000, nil, nil, nil, nil])
        #expect(Sparkline.line(edges, width: 72) == "Senior Go  $100,000 ·▁▅█···· $120,000")
        let flat = Self.trend(Array(repeating: 90_000, count: 8))
        #expect(Sparkline.blocks(flat) == "▄▄▄▄▄▄▄▄")
    }

    /// Counted as characters (each block is 3 bytes in UTF-8): long names are shortened, figures never.
    @Test(arguments: [
        ("Go", "USD", 163_000),
        (String(repeating: "Kubernetes operators ", count: 5), "USD", 163_000),
        ("Go", "CHF", 9_999_000),
        (String(repeating: "é", count: 80), "XAU", 10_000_000),
        ("山田太郎のスタック🐍" + String(repeating: "x", count: 60), "EUR", 10_000_000),
    ])
    func sparklineFitsSeventyTwoColumns(stack: String, currency: String, last: Int) {
        let trend = Self.trend([last / 2, nil, last / 3, last, last - 1_000, last, last, last], stack: stack, currency: currency)
        let line = Sparkline.line(trend, width: 72)
        #expect(line.count <= 72, "\(line.count) characters: \(line)")
        #expect(line.unicodeScalars.count <= 72 || line.count <= 72)
        #expect(line.hasSuffix(Formatting.money(Double(last), currency: currency)), "\(line)")
        #expect(line.contains("·"))
        if trend.groupName.count + 2 + 30 > 72 { #expect(line.contains("…")) }
    }

    @Test func emailChartIsTableCellsWithATextAlternative() throws {
        let markup = SalaryChartMarkup(Self.sample)
        let html = markup.emailHTML(minimum: 140_000)
        #expect(!html.contains("<svg") && !html.contains("position:") && !html.contains("<script") && !html.contains("<img"))
        // One bar per usable week, each a coloured cell with a height; the gap is an empty column.
        let bars = html.components(separatedBy: "class=\"gz-chart-bar\" height=\"").dropFirst().map { $0.prefix(while: \.isNumber) }
        #expect(bars.count == 7)
        #expect(bars.first == "8" && bars.last == "56")
        #expect(html.contains("aria-label=\"Senior Go, median salary by week: 2026-W40 $150,000; 2026-W41 $152,000; 2026-W42 too few salaries;"))
        #expect(html.contains("▲ Your minimum, $140,000, is below the 10th percentile."))
        #expect(html.contains("bgcolor=\"#b45309\""))
        // Without a minimum there is no marker, and the rest is the same markup.
        let plain = markup.emailHTML(minimum: nil)
        #expect(!plain.contains("gz-chart-marker"))
        let markerStart = try #require(html.range(of: "<table role=\"presentation\" class=\"gz-chart-marker-row\""))
        let markerEnd = try #require(html.range(of: "</p>\n", range: markerStart.upperBound..<html.endIndex))
        #expect(html.replacingCharacters(in: markerStart.lowerBound..<markerEnd.upperBound, with: "") == plain)
    }

    @Test func underThreeWeeksShowsOnlyTheNumbers() {
        let markup = SalaryChartMarkup(Self.trend([nil, nil, nil, nil, nil, nil, 100_000, 104_000]))
        #expect(markup.sparkline == nil)
        let html = markup.emailHTML(minimum: 90_000)
        #expect(!html.contains("class=\"gz-chart-bar\"") && !html.contains("gz-chart-range") && !html.contains("gz-chart-marker"))
        #expect(html.contains("Last week: 10th percentile $102,400, median $104,000, 90th percentile $105,600 (5 salaries)."))
        #expect(!markup.svg(minimum: 90_000).contains("<svg"))
    }

    @Test func feedTextIsEscapedInEveryForm() {
        let hostile = Self.trend([1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000], stack: "<script>alert(1)</script>\"'&")
        let markup = SalaryChartMarkup(hostile)
        for html in [markup.emailHTML(minimum: 5_000), markup.svg(minimum: 5_000)] {
            #expect(!html.contains("<script>") && !html.contains("\"'&"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        }
        #expect(markup.sparkline!.contains("<script>alert(1)</script>"))
    }

    @Test func webFigureIsInlineSVGWithTitles() {
        let svg = SalaryChartMarkup(Self.sample).svg(minimum: 164_000)
        #expect(svg.components(separatedBy: "<svg ").count == 3)
        #expect(!svg.contains("<script") && !svg.contains("href"))
        #expect(svg.contains("<title>2026-W42: too few salaries (2 salaries)</title>"))
        #expect(svg.contains("<title>Your minimum, $164,000, is between the median and the 90th percentile.</title>"))
        #expect(svg.contains("class=\"gz-svg-gap\""))
    }

    /// Golden files for the chart markup; `GAZETTE_UPDATE_GOLDEN=1` rewrites them after a deliberate change.
    @Test func chartMarkupMatchesItsGoldenFiles() throws {
        let markup = SalaryChartMarkup(Self.sample)
        try DigestTemplatesTests().assertGolden(markup.emailHTML(minimum: 160_000), "chart-email.html")
        try DigestTemplatesTests().assertGolden(markup.emailHTML(minimum: nil), "chart-email-no-minimum.html")
        try DigestTemplatesTests().assertGolden(markup.svg(minimum: 160_000), "chart-web.svg.html")
        let lines = [Self.sample, Self.trend([nil, 100_000, 110_000, 120_000, nil, nil, nil, nil])]
            .map { Sparkline.line($0, width: 72) }
        try DigestTemplatesTests().assertGolden(lines.joined(separator: "\n") + "\n", "chart-sparklines.txt")
    }

    /// The web view swaps each e-mail chart for its SVG and leaves the rest of the page alone.
    @Test func webViewReplacesTheEmailChartsWithSVG() async throws {
        let templates = try await DigestTemplates(directory: SampleDigest.templates)
        let view = SampleDigest.view()
        let html = try templates.render(view).html
        let digest = SampleDigest.digest()
        #expect(digest.salaryTrends.count == 2)
        #expect(html.components(separatedBy: "<!--gz-chart ").count == 3)
        let web = WebCharts.replacingCharts(in: html, digest: digest)
        #expect(!web.contains("class=\"gz-chart-bar\"") && !web.contains("class=\"gz-chart-range\""))
        #expect(web.components(separatedBy: "<svg ").count == 1 + 2)  // the Go chart and its range bar
        // Python has numbers only: the same markup as in the e-mail.
        let python = try #require(html.components(separatedBy: "<!--gz-chart 0-->").last?.components(separatedBy: "<!--/gz-chart-->").first)
        #expect(python.contains("Mid Python") && web.contains(python))
        #expect(web.components(separatedBy: "<!--gz-chart ").count == 3)
        let before = html.components(separatedBy: "<!--gz-chart 0-->")[0]
        #expect(web.hasPrefix(before))
    }
}
