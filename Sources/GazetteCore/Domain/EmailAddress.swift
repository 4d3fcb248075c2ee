/// A syntactically safe e-mail address: one `@`, no spaces, no control characters, a dotted domain.
///
/// This is deliberately stricter than RFC 5321 (no quoted local parts, no address literals): every
/// address may end up in an SMTP envelope and a header, where CR, LF or a space would inject commands.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws(EmailAddressError) {
        if let problem = EmailAddress.problem(with: text) { throw EmailAddressError(address: text, problem: problem) }
        self.value = text
    }

    public var description: String { value }

    /// Lower-cased, for case-insensitive identity (`Priya@Example.com` is `priya@example.com`).
    public var key: String { value.lowercased() }

    public var localPart: Substring { value[..<value.lastIndex(of: "@")!] }
    public var domain: Substring { value[value.index(after: value.lastIndex(of: "@")!)...] }


    /// Why `text` is not acceptable, or nil when it is.
    public static func problem(with text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.utf8.count > 254 { return "is longer than 254 octets" }
        for scalar in text.unicodeScalars {
            if scalar == "\r" || scalar == "\n" { return "contains a line break" }
            if scalar.value < 0x21 || scalar.value == 0x7F { return "contains a space or control character" }
            if scalar.value > 0x7E { return "contains non-ASCII characters" }
            if "<>()[]\\,;:\"".unicodeScalars.contains(scalar) { return "contains '\(scalar)'" }
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        if local.isEmpty { return "has an empty local part" }
        if local.utf8.count > 64 { return "has a local part longer than 64 octets" }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return "has a misplaced dot" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "needs a dotted domain" }
        for label in labels {
            if label.isEmpty { return "has an empty domain label" }
            if label.count > 63 { return "has a domain label longer than 63 characters" }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "has a domain label starting or ending with '-'" }
            if !label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                return "has an invalid character in its domain"
            }
        }
        return nil
    }
}

public struct EmailAddressError: Error, Sendable, CustomStringConvertible {
    public let address: String
    public let problem: String
    public var description: String { "address \(address.debugDescription) \(problem)" }
}
