public import GazetteCore

/// The text part's trend: `Senior Go  $150,000 ▁▂▃·▅▆▇█ $175,000`.
///
/// Eight block characters, one per week from the lowest median (▁) to the highest (█); a week with too
/// few salaries is `·` (a middle dot, never a space: wrapping and trimming would eat a space, and a gap
/// must not read as a low week). The values are the first and last weeks that have one.
public enum Sparkline {
    public static let glyphs: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let gap: Character = "·"

    /// The blocks alone, one per week.
    public static func blocks(_ trend: SalaryTrend) -> String {
        String(trend.levels(steps: glyphs.count).map { $0.map { glyphs[$0] } ?? gap })
    }

    /// The whole line, at most `width` characters (the group's name is shortened with "…" to fit).
    public static func line(_ trend: SalaryTrend, width: Int) -> String {
        let usable = trend.usableWeeks
        let first = usable.first?.median.map { Formatting.money($0, currency: trend.currency) } ?? ""
        let last = usable.last?.median.map { Formatting.money($0, currency: trend.currency) } ?? ""
        let figure = "\(first) \(blocks(trend)) \(last)"
        let room = width - figure.count - 2
        var name = trend.groupName
        if name.count > room {
            name = room > 1 ? String(name.prefix(room - 1)) + "…" : ""
        }
        return name.isEmpty ? figure : "\(name)  \(figure)"
    }
}
