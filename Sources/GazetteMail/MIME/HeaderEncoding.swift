import Foundation
import Synchronization

/// Header field values that are safe by construction: no CR or LF from data, RFC 2047 encoded-words
/// for anything that is not plain printable ASCII, and folding so lines stay short.
public enum HeaderEncoding {
    /// Replaces every control character (CR and LF included) with a space and trims the ends.
    /// Data never reaches a header without passing through here.
    public static func sanitize(_ value: String) -> String {
        if isClean(value) { return value }
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(value.utf8.count)
        var lastWasSpace = false
        for scalar in value.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isControl || scalar == " " {
                if !lastWasSpace { scalars.append(" ") }
                lastWasSpace = true
            } else {
                scalars.append(scalar)
                lastWasSpace = false
            }
        }
        // Trim what `CharacterSet.whitespaces` holds (spaces, tabs were replaced above, and the other
        // space separators such as U+00A0), without a round trip through NSString for every header.
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || (!scalar.isASCII && scalar.properties.generalCategory == .spaceSeparator)
        }
        var end = scalars.count
        while end > 0, isSpace(scalars[end - 1]) { end -= 1 }
        var start = 0
        while start < end, isSpace(scalars[start]) { start += 1 }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }

    /// Printable ASCII, single spaces inside only: what `sanitize` would return unchanged.
    private static func isClean(_ value: String) -> Bool {
        var previous: UInt8 = 32
        for byte in value.utf8 {
            guard byte >= 0x20 && byte < 0x7F, !(byte == 32 && previous == 32) else { return false }
            previous = byte
        }
        return previous != 32
    }

    /// An unstructured value (Subject) for a field named `name`, folded, ready to follow `name: `.
    public static func unstructured(_ value: String, fieldName: String) -> String {
        let clean = sanitize(value)
        if isPlainASCII(clean) {
            if let folded = foldASCII(clean, firstLineUsed: fieldName.count + 2) { return folded }
        }
        return encodedWords(clean)
    }

    /// `Name <address>`, with the display name quoted or encoded as needed.
    public static func mailbox(name: String?, address: String, fieldName: String) -> String {
        let clean = sanitize(name ?? "")
        guard !clean.isEmpty else { return address }
        let display = phrase(clean)
        // Byte checks: `String.contains(String)` goes through NSString here.
        if !display.utf8.contains(13), fieldName.utf8.count + 2 + display.utf8.count + address.utf8.count + 3 <= 78 {
            return "\(display) <\(address)>"
        }
        return "\(display)\r\n <\(address)>"
    }

    /// A List-Id value, `description <list-id>` (RFC 2919): the description becomes a phrase (quoted, or
    /// RFC 2047 encoded-words when it is not ASCII, folded when long), so the header stays ASCII and
    /// every line short, whatever the list's name.
    ///
    /// Every message of a send run has the same value, and encoding it (Foundation's string search and
    /// trimming) cost about 30 µs a message: the last value and its encoding are kept.
    public static func listID(_ value: String) -> String {
        if let last = lastListID.withLock({ $0 }), last.value == value { return last.encoded }
        let encoded = encodeListID(value)
        lastListID.withLock { $0 = (value, encoded) }
        return encoded
    }

    private static let lastListID = Mutex<(value: String, encoded: String)?>(nil)

    private static func encodeListID(_ value: String) -> String {
        let clean = sanitize(value)
        guard clean.hasSuffix(">"), let open = clean.range(of: " <", options: .backwards) else { return phrase(clean) }
        let name = String(clean[..<open.lowerBound]).trimmingCharacters(in: .whitespaces)
        let id = String(clean[open.upperBound...].dropLast()).unicodeScalars.filter { $0.isASCII && $0.value > 0x20 && $0 != "<" && $0 != ">" }
        let listID = String(String.UnicodeScalarView(id.prefix(200)))
        guard !name.isEmpty else { return "<\(listID)>" }
        let display = phrase(name)
        if !display.utf8.contains(13), "List-Id: ".utf8.count + display.utf8.count + listID.utf8.count + 3 <= 78 {
            return "\(display) <\(listID)>"
        }
        return "\(display)\r\n <\(listID)>"
    }

    /// A display name as an RFC 5322 phrase: atoms as is, other ASCII quoted, anything else encoded.
    static func phrase(_ text: String) -> String {
        if isPlainASCII(text) {
            let isAtoms = text.utf8.allSatisfy(isAtomByte)
            if isAtoms && text.count <= 60 { return text }
            if text.count <= 60 {
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                return "\"\(escaped)\""
            }
        }
        return encodedWords(text)
    }

    /// RFC 5322 atext, and the space between atoms.
    private static func isAtomByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~ ".utf8.contains(byte)
        }
    }

    /// Printable ASCII that cannot be mistaken for an encoded-word.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !zip(text.utf8, text.utf8.dropFirst()).contains { $0 == 61 && $1 == 63 }
    }

    /// Folds at spaces so that lines stay within 78 characters; nil when a word is too long to fold.
    static func foldASCII(_ text: String, firstLineUsed: Int) -> String? {
        // Plain ASCII (the callers check): bytes are characters. A value that fits on the first line is
        // what the loop below would give back unchanged (most names and subjects).
        if firstLineUsed + text.utf8.count <= 78 - 1 { return text }
        var lines: [String] = []
        var current = ""
        var currentLength = 0
        var used = firstLineUsed
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let length = word.utf8.count
            if length + used > 78 - 1 { return nil }
            if current.isEmpty {
                current = String(word)
                currentLength = length
            } else if used + currentLength + 1 + length <= 78 {
                current += " " + word
                currentLength += 1 + length
            } else {
                lines.append(current)
                used = 1  // the folding space
                current = String(word)
                currentLength = length
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// RFC 2047 `B` encoded-words of at most 60 characters, one per line, split between code points so
    /// each word holds whole UTF-8 sequences (a character with many combining marks may span words).
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 36, !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk.removeAll()
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }
}
