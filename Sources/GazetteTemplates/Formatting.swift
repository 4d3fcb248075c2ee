public import Foundation
public import GazetteCore

/// Locale-independent number and date formats for the digest (the same on every machine and in every test).
public enum Formatting {
    /// `$142,603`, `€95,000`, `CHF 120,000`.
    public static func money(_ amount: Double, currency: String) -> String {
        let rounded = Int(amount.rounded())
        let sign = rounded < 0 ? "-" : ""
        let digits = grouped(abs(rounded))
        switch currency {
        case "USD": return "\(sign)$\(digits)"
        case "EUR": return "\(sign)€\(digits)"
        case "GBP": return "\(sign)£\(digits)"
        default: return "\(sign)\(currency) \(digits)"
        }
    }

    /// `+$2,150` / `-$800` / `±$0`.
    public static func signedMoney(_ amount: Double, currency: String) -> String {
        let rounded = amount.rounded()
        if rounded == 0 { return "±" + money(0, currency: currency) }
        return (rounded > 0 ? "+" : "") + money(rounded, currency: currency)
    }

    /// `+1.4%` / `-0.3%` / `±0.0%`.
    public static func percent(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        if tenths == 0 { return "±0.0%" }
        return (tenths > 0 ? "+" : "") + String(format: "%.1f%%", tenths)
    }

    /// `1,234`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// `Tue 17 Nov`.
    public static func shortDay(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let civil = CivilDate(daysSinceEpoch: days)
        return "\(dayNames[CivilDate.isoWeekday(daysSinceEpoch: days) - 1]) \(civil.day) \(monthNames[civil.month - 1])"
    }

    /// `23–29 Nov 2026`, or `28 Dec 2026 – 3 Jan 2027` across months and years.
    public static func weekRange(_ edition: Edition) -> String {
        let first = CivilDate(daysSinceEpoch: edition.startDay)
        let last = CivilDate(daysSinceEpoch: edition.startDay + 6)
        if first.year != last.year {
            return "\(first.day) \(monthNames[first.month - 1]) \(first.year) – \(last.day) \(monthNames[last.month - 1]) \(last.year)"
        }
        if first.month != last.month {
            return "\(first.day) \(monthNames[first.month - 1]) – \(last.day) \(monthNames[last.month - 1]) \(last.year)"
        }
        return "\(first.day)–\(last.day) \(monthNames[first.month - 1]) \(first.year)"
    }

    /// `Hopper, Grid and YLD`.
    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    /// Wraps text that holds right-to-left letters or bidirectional controls in U+2068 FIRST STRONG
    /// ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, so it cannot reorder the plain text around it; other text
    /// is returned as it is. (The HTML part uses `<bdi>` for the same purpose.)
    public static func isolatedIfBidirectional(_ text: String) -> String {
        let needsIsolation = text.unicodeScalars.contains { (scalar: Unicode.Scalar) -> Bool in
            switch scalar.value {
            case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true
            // Hebrew, Arabic, Syriac, Thaana, NKo and the other right-to-left blocks, with their presentation forms.
            case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return true
            default: return false
            }
        }
        return needsIsolation ? "\u{2068}\(text)\u{2069}" : text
    }

    public static func plural(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(grouped(count)) \(count == 1 ? singular : plural)"
    }
}
