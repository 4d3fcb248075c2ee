import Foundation

/// Pulls e-mail addresses and Message-IDs out of untrusted header values.
enum Addresses {
    /// The addresses in a value such as `"Name" <a@example.com>, b@example.com` or `rfc822; a@example.com`:
    /// each `<…>` when there are any, else each word containing `@`. Only plausible addresses (printable
    /// ASCII, no spaces, at most 254 octets) are returned.
    static func extract(_ value: String) -> [String] {
        var found: [String] = []
        var text = Substring(value.prefix(4096))
        if let semicolon = text.firstIndex(of: ";"), text[..<semicolon].lowercased().hasSuffix("rfc822") {
            text = text[text.index(after: semicolon)...]
        }
        var angled: [Substring] = []
        var rest = text
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            angled.append(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
        }
        let words = angled.isEmpty
            ? text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == ";" })
            : angled
        for word in words.prefix(20) {
            var candidate = word.trimmingCharacters(in: .whitespaces)
            if candidate.hasPrefix("\""), candidate.hasSuffix("\""), candidate.count >= 2 { candidate = String(candidate.dropFirst().dropLast()) }
            if plausible(candidate) { found.append(candidate) }
        }
        return found
    }

    static func plausible(_ address: String) -> Bool {
        let bytes = address.utf8
        guard bytes.count >= 3, bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")),
              at != bytes.startIndex, bytes.index(after: at) != bytes.endIndex
        else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    /// `id@host` from `<id@host>` (and comments or junk around it); nil unless it is one printable token.
    static func messageID(_ value: String) -> String? {
        var text = Substring(value.prefix(1024)).trimmingCharacters(in: .whitespaces)[...]
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            text = text[text.index(after: open)..<close]
        }
        let id = text.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, id.utf8.count <= 250, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return id
    }
}
