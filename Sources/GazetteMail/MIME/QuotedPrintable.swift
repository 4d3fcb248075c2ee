/// Quoted-printable body encoding (RFC 2045 §6.7) with CRLF line ends.
///
/// Lines are at most 76 characters; trailing spaces, a leading `.` and a leading `From ` are encoded
/// so that no relay (dot-stuffing, mbox quoting, whitespace stripping) can alter the decoded text.
public enum QuotedPrintable {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let maxLineLength = 76

    /// Encodes UTF-8 text whose lines end in LF or CRLF. A trailing line break is kept.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for byte in text.utf8 {
            if byte == 10 {  // LF ends a line; a CR just before it is part of the line break
                if line.last == 13 { line.removeLast() }
                encodeLine(line, into: &out)
                out.append(13)
                out.append(10)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        if !line.isEmpty { encodeLine(line, into: &out) }
        return out
    }

    private static func encodeLine(_ line: [UInt8], into out: inout [UInt8]) {
        var column = 0
        let fromPrefix: [UInt8] = Array("From ".utf8)
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.count - 1
            // At the start of an output line (the first, or after a soft break) a "." would meet SMTP
            // dot-stuffing and "From " mbox quoting: encode them there.
            let atLineStart = column == 0
            let literal: Bool
            switch byte {
            case 32, 9: literal = !isLast  // whitespace before a line break must be encoded
            case 61: literal = false  // "="
            case 46: literal = !atLineStart  // "."
            case 70: literal = !(atLineStart && line[index...].starts(with: fromPrefix))  // "F" of "From "
            case 33...126: literal = true
            default: literal = false
            }
            var width = literal ? 1 : 3
            // Keep room for the soft break "=" unless this is the last character of the line.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if column + width > limit {
                out.append(61)
                out.append(13)
                out.append(10)
                column = 0
                // The character now starts a line: it may need the protection above after all.
                if literal && (byte == 46 || (byte == 70 && line[index...].starts(with: fromPrefix))) {
                    width = 3
                }
            }
            if width == 1 {
                out.append(byte)
            } else {
                out.append(61)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
            column += width
        }
    }
}
