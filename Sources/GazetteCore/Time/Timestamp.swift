public import Foundation

/// Strict ISO 8601 parsing and formatting for feed timestamps.
///
/// Accepted: `2026-11-17`, `2026-11-17T10:30`, `2026-11-17T10:30:00`, with optional fraction and
/// `Z` or `±hh:mm` / `±hhmm`. A value without a zone is read as UTC. Hand-written rather than a
/// formatter because imports parse hundreds of thousands of them and the rules must not depend on locale.
public enum Timestamp {
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let c = b[k]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        guard year >= 1900, year <= 9999, date.isValid else { return nil }
        var seconds = Double(date.daysSinceEpoch) * 86_400
        if i == b.count { return Date(timeIntervalSince1970: seconds) }
        guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }  // T, t or space
        i += 1
        guard let hour = digits(2), hour < 24, expect(58), let minute = digits(2), minute < 60 else { return nil }
        var second = 0.0
        if expect(58) {
            guard let s = digits(2), s < 60 else { return nil }
            second = Double(s)
            if expect(46) {
                var scale = 0.1
                var any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    second += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        if i == b.count { return Date(timeIntervalSince1970: seconds) }
        if b[i] == 90 || b[i] == 122 {  // Z
            i += 1
        } else if b[i] == 43 || b[i] == 45 {  // + or -
            let sign = b[i] == 43 ? 1.0 : -1.0
            i += 1
            guard let oh = digits(2), oh <= 18 else { return nil }
            _ = expect(58)
            guard let om = digits(2), om < 60 else { return nil }
            seconds -= sign * Double(oh * 3600 + om * 60)
        } else {
            return nil
        }
        return i == b.count ? Date(timeIntervalSince1970: seconds) : nil
    }

    /// Parses a day (`2026-11-17`, or a full timestamp whose UTC day is taken).
    public static func parseDay(_ text: String) -> CivilDate? {
        guard let date = parse(text) else { return nil }
        return CivilDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// `2026-11-17T10:30:00Z`.
    public static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(total) / 86_400).rounded(.down))
        let civil = CivilDate(daysSinceEpoch: days)
        let rest = total - days * 86_400
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", civil.year, civil.month, civil.day, rest / 3600, rest / 60 % 60,
            rest % 60)
    }

    public static func formatDay(_ day: CivilDate) -> String {
        String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
    }
}

extension CivilDate {
    /// Midnight UTC of this day.
    public var startDate: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400) }

    public init(_ date: Date) {
        self.init(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
