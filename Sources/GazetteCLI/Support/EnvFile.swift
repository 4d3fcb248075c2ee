import Foundation
import GazetteStore

/// The optional env file (`GAZETTE_CONFIG`, default `./gazette.env`): `KEY=value` lines, `#` comments.
///
/// Read here rather than by a generic provider so that the mistakes operators make are caught: CRLF line
/// ends (a file edited on Windows), lines that are not `KEY=value`, misspelt `GAZETTE_` keys, and a
/// file others can read while it holds a password.
struct EnvFile {
    var values: [String: String] = [:]
    /// One sentence per problem, naming the file and line; logged as warnings at start-up.
    var warnings: [String] = []

    /// Every variable Gazette reads, so that a misspelt one is reported instead of silently ignored.
    static let knownKeys: Set<String> = [
        "GAZETTE_DATABASE", "GAZETTE_SMTP_URL", "GAZETTE_SMTP_TLS", "GAZETTE_SMTP_USERNAME", "GAZETTE_SMTP_PASSWORD",
        "GAZETTE_SMTP_CA_FILE", "GAZETTE_SMTP_TIMEOUT", "GAZETTE_OUTBOX", "GAZETTE_FROM", "GAZETTE_BASE_URL",
        "GAZETTE_SECRET", "GAZETTE_TEMPLATES", "GAZETTE_POSTAL_ADDRESS", "GAZETTE_GRACE_HOURS", "GAZETTE_LEASE_SECONDS", "GAZETTE_LOG_LEVEL",
        "GAZETTE_OPERATOR_TOKEN", "GAZETTE_CONFIG", "GAZETTE_API_TOKEN", "GAZETTE_BOUNCE_ADDRESS",
        "GAZETTE_DKIM_DOMAIN", "GAZETTE_DKIM_SELECTOR", "GAZETTE_DKIM_KEY_FILE",
    ]
    /// Keys whose values must stay with the owner of the file.
    static let secretKeys: Set<String> = ["GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET", "GAZETTE_OPERATOR_TOKEN", "GAZETTE_API_TOKEN"]

    init() {}

    /// A PostgreSQL URL with a password is a secret like the others; a SQLite path is not.
    static func hasPassword(_ database: String) -> Bool {
        if case .postgres(let address)? = try? DatabaseLocation(parsing: database) { return address.password != nil }
        return false
    }

    /// Parses the text of a file; `path` only names it in warnings.
    init(text: String, path: String) {
        // CRLF and lone CR end lines too: a file saved on Windows must not become one long line.
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let place = "\(path):\(index + 1)"
            var assignment = Substring(line)
            if assignment.hasPrefix("export ") { assignment = assignment.dropFirst(7) }
            guard let equals = assignment.firstIndex(of: "="),
                  case let key = assignment[..<equals].trimmingCharacters(in: .whitespaces),
                  !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else {
                warnings.append("\(place): ignored: not a KEY=value line")
                continue
            }
            var value = String(assignment[assignment.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            // Quotes around a whole value, as shells and docker's --env-file users write them.
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            if key.hasPrefix("GAZETTE_") && !Self.knownKeys.contains(key) {
                warnings.append("\(place): unknown setting \(key) (ignored; see README.md for the names)")
                continue
            }
            values[key] = value
        }
    }

    /// Reads the file at `path`; a missing file is allowed only when `required` is false.
    static func load(path: String, required: Bool) throws -> EnvFile {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw SettingsError("GAZETTE_CONFIG names \(path), which does not exist") }
            return EnvFile()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError("cannot read the env file \(path)")
        }
        var file = EnvFile(text: String(decoding: data, as: UTF8.self), path: path)
        let holdsSecret = file.values.contains { Self.secretKeys.contains($0.key) && !$0.value.isEmpty }
            || file.values["GAZETTE_DATABASE"].map(Self.hasPassword) == true
        if holdsSecret, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o004 != 0
        {
            file.warnings.append(
                "\(path) holds a password or key and every user of this machine can read it: chmod 600 (or 640 with a dedicated group)")
        }
        return file
    }
}
