import Foundation
import GazetteCore

/// Reads and validates the fields of one input row, collecting every problem instead of stopping at the first.
struct FieldReader {
    let file: String
    let row: InputTable.Row
    private(set) var issues: [ImportIssue] = []

    init(file: String, row: InputTable.Row) {
        self.file = file
        self.row = row
    }

    mutating func fail(_ field: String?, _ message: String) {
        issues.append(ImportIssue(file: file, line: row.line, field: field, message: message))
    }

    /// The trimmed value; empty when the column is absent.
    func raw(_ field: String) -> String {
        FieldReader.trimmed(row.values[field] ?? "", newlines: true)
    }

    /// Trims white space (and line breaks when `newlines`) like Foundation, without its NSString round
    /// trip when both ends are plain ASCII: this runs for every field of every row of an import.
    static func trimmed<Text: StringProtocol>(_ value: Text, newlines: Bool) -> String where Text.UTF8View: BidirectionalCollection {
        let bytes = value.utf8
        guard let first = bytes.first, let last = bytes.last else { return "" }
        func isPlain(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        if isPlain(first) && isPlain(last) { return String(value) }
        return value.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }

    /// Free text on one line: line breaks and tabs (a spreadsheet cell over several lines) become single
    /// spaces; any other control character is refused, as is text over `maxLength`.
    mutating func text(_ field: String, required: Bool = false, maxLength: Int = 300) -> String {
        let value = FieldReader.singleLine(raw(field))
        // Printable ASCII within the length: nothing below can object (the common case, checked on bytes).
        if value.utf8.count <= maxLength && value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            if required && value.isEmpty { fail(field, "is required") }
            return value
        }
        if required && value.isEmpty {
            fail(field, "is required")
        } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            fail(field, "contains a control character")
        } else if value.count > maxLength || value.unicodeScalars.count > maxLength * 8 {
            // Code points are bounded too: one "character" can carry thousands of combining marks, while
            // an emoji sequence legitimately takes several.
            fail(field, "is longer than \(maxLength) characters")
        }
        return value
    }

    /// A value as quoted in an error message: at most 60 characters of it, so that a 100 KB cell
    /// does not become a 100 KB error line.
    static func quote(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > 60 else { return value.debugDescription }
        return String(String.UnicodeScalarView(scalars.prefix(60))).debugDescription + "… (\(scalars.count) characters)"
    }

    static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 9 }) else { return text }
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" })
            .map { trimmed($0, newlines: false) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// A `;`-separated list of short texts; empty entries are dropped.
    mutating func list(_ field: String, maxItems: Int = 50) -> [String] {
        let items = text(field, maxLength: 2000).split(separator: ";").map { FieldReader.trimmed($0, newlines: false) }
            .filter { !$0.isEmpty }
        if items.count > maxItems { fail(field, "has more than \(maxItems) entries") }
        return items
    }

    mutating func level(_ field: String) -> Level? {
        let value = raw(field)
        guard let level = Level(parsing: value) else {
            fail(field, value.isEmpty ? "is required (one of \(Level.allCases.map(\.rawValue).joined(separator: ", ")))"
                : "unknown level \(FieldReader.quote(value)) (expected one of \(Level.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return level
    }

    mutating func levels(_ field: String) -> [Level] {
        var result: [Level] = []
        for item in list(field) {
            if let level = Level(parsing: item) {
                if !result.contains(level) { result.append(level) }
            } else {
                fail(field, "unknown level \(FieldReader.quote(item)) (expected one of \(Level.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        return result
    }

    mutating func bool(_ field: String, default defaultValue: Bool) -> Bool {
        switch raw(field).lowercased() {
        case "": return defaultValue
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default:
            fail(field, "must be true or false, not \(FieldReader.quote(raw(field)))")
            return defaultValue
        }
    }

    /// A whole number in `range`; nil when empty (and not required) or invalid.
    mutating func integer(_ field: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        let value = raw(field)
        if value.isEmpty {
            if required { fail(field, "is required") }
            return nil
        }
        guard let number = Int(value) else {
            fail(field, "must be a whole number, not \(FieldReader.quote(value))")
            return nil
        }
        guard range.contains(number) else {
            fail(field, "\(number) is out of range (\(range.lowerBound)–\(range.upperBound))")
            return nil
        }
        return number
    }

    mutating func timestamp(_ field: String, required: Bool) -> Date? {
        let value = raw(field)
        if value.isEmpty {
            if required { fail(field, "is required (ISO 8601, e.g. 2026-11-17T10:30:00Z)") }
            return nil
        }
        guard let date = Timestamp.parse(value) else {
            fail(field, "not an ISO 8601 timestamp: \(FieldReader.quote(value))")
            return nil
        }
        return date
    }

    mutating func day(_ field: String, required: Bool) -> CivilDate? {
        let value = raw(field)
        if value.isEmpty {
            if required { fail(field, "is required (ISO 8601 date, e.g. 2026-11-17)") }
            return nil
        }
        guard let day = Timestamp.parseDay(value) else {
            fail(field, "not an ISO 8601 date: \(FieldReader.quote(value))")
            return nil
        }
        return day
    }

    /// An absolute http(s) URL without spaces or quotes; empty allowed unless required.
    mutating func url(_ field: String, required: Bool) -> String {
        let value = text(field, maxLength: 2000)
        if value.isEmpty {
            if required { fail(field, "is required") }
            return value
        }
        let lower = value.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              let url = URL(string: value), url.host?.isEmpty == false,
              !value.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "`" })
        else {
            fail(field, "not an absolute http(s) URL: \(FieldReader.quote(value))")
            return value
        }
        return value
    }

    /// A three-letter ISO 4217 code; USD when empty.
    mutating func currency(_ field: String) -> String {
        let value = raw(field).uppercased()
        if value.isEmpty { return "USD" }
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            fail(field, "not a three-letter currency code: \(FieldReader.quote(value))")
            return value
        }
        return value
    }
}
