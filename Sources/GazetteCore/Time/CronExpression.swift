public import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
///
/// Supports `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/10`, `0-30/5`) and the names
/// `jan`…`dec` and `sun`…`sat`; day-of-week 0 and 7 are both Sunday. As in Vixie cron, when both
/// day fields are restricted a day matches if either matches.
public struct CronExpression: Sendable, CustomStringConvertible {
    public let description: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>  // 0 = Sunday … 6 = Saturday
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init(_ text: String) throws(CronExpressionError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronExpressionError(expression: text, problem: "needs 5 fields (minute hour day month weekday), found \(fields.count)")
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        description = fields.joined(separator: " ")
        minutes = try CronExpression.field(fields[0], name: "minute", range: 0...59, expression: text)
        hours = try CronExpression.field(fields[1], name: "hour", range: 0...23, expression: text)
        daysOfMonth = try CronExpression.field(fields[2], name: "day of month", range: 1...31, expression: text)
        months = try CronExpression.field(fields[3], name: "month", range: 1...12, names: monthNames, base: 1, expression: text)
        daysOfWeek = Set(try CronExpression.field(fields[4], name: "day of week", range: 0...7, names: dayNames, base: 0, expression: text).map { $0 % 7 })
        dayOfMonthRestricted = fields[2] != "*"
        dayOfWeekRestricted = fields[4] != "*"
    }

    /// The first minute strictly after `date` that matches, or nil if none within five years (e.g. 30 February).
    public func next(after date: Date) -> Date? {
        var minute = Int((date.timeIntervalSince1970 / 60).rounded(.down)) + 1
        let limit = minute + 5 * 366 * 24 * 60
        while minute < limit {
            let day = minute / 1440
            let civil = CivilDate(daysSinceEpoch: day)
            guard months.contains(civil.month) && matchesDay(civil, day: day) else {
                minute = (day + 1) * 1440
                continue
            }
            let hour = (minute % 1440) / 60
            guard hours.contains(hour) else {
                minute = day * 1440 + (hour + 1) * 60
                continue
            }
            if minutes.contains(minute % 60) { return Date(timeIntervalSince1970: TimeInterval(minute * 60)) }
            minute += 1
        }
        return nil
    }

    private func matchesDay(_ civil: CivilDate, day: Int) -> Bool {
        let weekday = CivilDate.isoWeekday(daysSinceEpoch: day) % 7  // ISO 7 (Sunday) → 0
        let byMonth = daysOfMonth.contains(civil.day)
        let byWeek = daysOfWeek.contains(weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return byMonth || byWeek
        case (true, false): return byMonth
        case (false, true): return byWeek
        case (false, false): return true
        }
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], base: Int = 0, expression: String
    ) throws(CronExpressionError) -> Set<Int> {
        func fail(_ problem: String) -> CronExpressionError {
            CronExpressionError(expression: expression, problem: "\(name) field \(text.debugDescription): \(problem)")
        }
        func number(_ token: Substring) throws(CronExpressionError) -> Int {
            if let index = names.firstIndex(of: token.lowercased()) { return index + base }
            guard let value = Int(token) else { throw fail("\(String(token).debugDescription) is not a number") }
            guard range.contains(value) else { throw fail("\(value) is outside \(range.lowerBound)–\(range.upperBound)") }
            return value
        }
        var result = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw fail("malformed list entry \(String(part).debugDescription)") }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]), value > 0 else { throw fail("step must be a positive number") }
                step = value
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                let low = try number(pieces[0][..<dash])
                let high = try number(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw fail("range \(low)-\(high) runs backwards") }
                bounds = low...high
            } else {
                let value = try number(pieces[0])
                bounds = value...(pieces.count == 2 ? range.upperBound : value)
            }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result
    }
}

public struct CronExpressionError: Error, Sendable, CustomStringConvertible {
    public let expression: String
    public let problem: String
    public var description: String { "invalid cron expression \(expression.debugDescription): \(problem)" }
}
