import CSV
import Foundation

/// The rows of one input file with the physical line each starts on, read as UTF-8 CSV (RFC 4180).
struct InputTable {
    struct Row {
        var line: Int
        var values: [String: String]
    }

    var header: [String]
    var rows: [Row]

    /// Reads a CSV file and checks its header against `columns` (all required) and `optional` columns.
    ///
    /// Problems with the file as a whole (encoding, header) are returned as issues on line 1;
    /// a row with the wrong number of fields becomes an issue on its own line and is left out.
    static func csv(path: String, data: Data, columns: [String], optional: [String] = [], issues: inout [ImportIssue]) -> InputTable? {
        guard var text = decode(path: path, data: data, issues: &issues) else { return nil }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // a byte-order mark some spreadsheets write
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            issues.append(ImportIssue(file: path, line: 1, field: nil, message: "no header row"))
            return nil
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = columns.filter { !header.contains($0) }
        let unknown = header.filter { !columns.contains($0) && !optional.contains($0) }
        if !missing.isEmpty || !unknown.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown column\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", "))") }
            issues.append(ImportIssue(
                file: path, line: 1, field: "header",
                message: parts.joined(separator: "; ") + " (expected \(columns.joined(separator: ","))"
                    + (optional.isEmpty ? "" : ", optionally \(optional.joined(separator: ","))") + ")"))
            return nil
        }
        if let repeated = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
            issues.append(ImportIssue(file: path, line: 1, field: "header", message: "column \(repeated) appears twice"))
            return nil
        }
        var rows: [Row] = []
        var line = 1 + lineBreaks(in: reader.headerRow ?? []) + 1
        while let fields = reader.next() {
            let start = line
            line += 1 + lineBreaks(in: fields)
            if fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }  // blank line
            guard fields.count == header.count else {
                issues.append(ImportIssue(
                    file: path, line: start, field: nil,
                    message: "expected \(header.count) fields, found \(fields.count) (check quoting)"))
                continue
            }
            var values: [String: String] = [:]
            for (name, value) in zip(header, fields) { values[name] = value }
            rows.append(Row(line: start, values: values))
        }
        if let error = reader.error {
            issues.append(ImportIssue(file: path, line: line, field: nil, message: "unreadable CSV: \(error)"))
        }
        return InputTable(header: header, rows: rows)
    }

    /// Reads a JSON Lines file: one object per line; arrays and numbers are turned into the CSV spellings.
    static func jsonLines(path: String, data: Data, columns: [String], issues: inout [ImportIssue]) -> InputTable? {
        guard let text = decode(path: path, data: data, issues: &issues) else { return nil }
        var rows: [Row] = []
        let decoder = JSONDecoder()
        // "\r\n" is one Character in Swift: split on it too, or a CRLF file reads as one line.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            var content = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if lineNumber == 1 && content.hasPrefix("\u{FEFF}") { content.removeFirst() }
            if content.isEmpty { continue }
            guard let object = try? decoder.decode([String: JSONValue].self, from: Data(content.utf8)) else {
                issues.append(ImportIssue(file: path, line: lineNumber, field: nil, message: "not a JSON object"))
                continue
            }
            let unknown = object.keys.filter { !columns.contains($0) }.sorted()
            if !unknown.isEmpty {
                issues.append(ImportIssue(
                    file: path, line: lineNumber, field: unknown.joined(separator: ", "), message: "unknown field"))
                continue
            }
            var values: [String: String] = [:]
            var bad = false
            for (column, value) in object {
                if let text = value.fieldText {
                    values[column] = text
                } else {
                    issues.append(ImportIssue(
                        file: path, line: lineNumber, field: column, message: "must be a string, number, boolean or list"))
                    bad = true
                }
            }
            if !bad { rows.append(Row(line: lineNumber, values: values)) }
        }
        return InputTable(header: columns, rows: rows)
    }

    private static func decode(path: String, data: Data, issues: inout [ImportIssue]) -> String? {
        guard let text = String(data: data, encoding: .utf8) else {
            // Name the line of the first bad byte, so the operator can find it.
            let bytes = [UInt8](data)
            var line = 1
            var index = 0
            while index < bytes.count {
                let end = bytes[index...].firstIndex(of: 10) ?? bytes.count
                if String(bytes: bytes[index..<end], encoding: .utf8) == nil { break }
                line += 1
                index = end + 1
            }
            issues.append(ImportIssue(file: path, line: line, field: nil, message: "not valid UTF-8 text"))
            return nil
        }
        return text
    }

    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { count, field in count + field.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
    }
}

/// A JSON value as it appears in a JSON Lines feed.
private enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), list([JSONValue]), object

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .list(value) }
        else { self = .object }
    }

    /// The CSV spelling of the value: lists joined with `;`; nil for nested objects.
    var fieldText: String? {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): String(value)
        case .string(let value): value
        case .list(let items):
            items.allSatisfy { if case .list = $0 { false } else if case .object = $0 { false } else { true } }
                ? items.compactMap(\.fieldText).joined(separator: ";") : nil
        case .object: nil
        }
    }
}
