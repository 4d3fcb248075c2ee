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
    ///
    /// Checked on bytes (every message of a run checks its address): once the first loop has passed,
    /// the address is printable ASCII, so byte counts are character counts.
    public static func problem(with text: String) -> String? {
        let bytes = text.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > 254 { return "is longer than 254 octets" }
        for byte in bytes {
            if byte == 13 || byte == 10 { return "contains a line break" }
            if byte < 0x21 || byte == 0x7F { return "contains a space or control character" }
            if byte > 0x7E { return "contains non-ASCII characters" }
            if "<>()[]\\,;:\"".utf8.contains(byte) { return "contains '\(Character(Unicode.Scalar(byte)))'" }
        }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        let local = parts[0]
        let domain = parts[1]
        let dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        if local.isEmpty { return "has an empty local part" }
        if local.count > 64 { return "has a local part longer than 64 octets" }
        if local.first == dot || local.last == dot || zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) {
            return "has a misplaced dot"
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "needs a dotted domain" }
        for label in labels {
            if label.isEmpty { return "has an empty domain label" }
            if label.count > 63 { return "has a domain label longer than 63 characters" }
            if label.first == hyphen || label.last == hyphen { return "has a domain label starting or ending with '-'" }
            let isLabelByte: (UInt8) -> Bool = { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == hyphen
            }
            if !label.allSatisfy(isLabelByte) { return "has an invalid character in its domain" }
        }
        return nil
    }
}

public struct EmailAddressError: Error, Sendable, CustomStringConvertible {
    public let address: String
    public let problem: String
    public var description: String { "address \(address.debugDescription) \(problem)" }
}
