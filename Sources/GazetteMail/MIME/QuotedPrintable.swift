/// Quoted-printable body encoding (RFC 2045 §6.7) with CRLF line ends.
///
/// Lines are at most 76 characters; trailing spaces, a leading `.` and a leading `From ` are encoded
/// so that no relay (dot-stuffing, mbox quoting, whitespace stripping) can alter the decoded text.
///
/// Works on raw bytes into a buffer sized for the worst case: this runs over every byte of every message.
public enum QuotedPrintable {
    public static let maxLineLength = 76
    static let softBreak: [UInt8] = [61, 13, 10]  // "=\r\n"

    /// Encodes UTF-8 text whose lines end in LF or CRLF. A trailing line break is kept.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        encode(text, into: &out)
        return out
    }

    /// Appends the encoding of `text` to `out`.
    public static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { encode(bytes: $0, into: &out) }
    }

    /// Appends the encoding of a piece of a body that more pieces follow, ending it with a soft line
    /// break unless it ends with a line break of its own: the next piece then starts a fresh line, so
    /// pieces encoded apart (once, and shared by many messages) decode to the text they make together.
    public static func encodePiece(_ text: String, into out: inout [UInt8]) {
        guard !text.isEmpty else { return }
        var text = text
        let endsOpen = text.utf8.last != 10
        // An open last line keeps room for the "=" of its soft break, like any line broken by one.
        text.withUTF8 { encode(bytes: $0, into: &out, lastLineLimit: endsOpen ? maxLineLength - 1 : maxLineLength) }
        if endsOpen { out.append(contentsOf: softBreak) }
    }

    /// Appends the encoding of one line (no line break in it, and none added).
    public static func encodeLine(_ line: String, into out: inout [UInt8]) {
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            write(into: &out, atMost: worstCase(bytes.count)) { output in encodeLine(base, 0, bytes.count, to: output, at: 0) }
        }
    }

    /// - Parameter lastLineLimit: the width allowed for a last line that no line break ends.
    public static func encode(
        bytes input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], lastLineLimit: Int = maxLineLength
    ) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        write(into: &out, atMost: worstCase(input.count)) { output in
            var written = 0
            var lineStart = 0
            for index in 0..<input.count where base[index] == 10 {
                // LF ends a line; a CR just before it is part of the line break.
                let lineEnd = index > lineStart && base[index - 1] == 13 ? index - 1 : index
                written = encodeLine(base, lineStart, lineEnd, to: output, at: written)
                output[written] = 13
                output[written + 1] = 10
                written += 2
                lineStart = index + 1
            }
            if lineStart < input.count {
                written = encodeLine(base, lineStart, input.count, to: output, at: written, lastLimit: lastLineLimit)
            }
            return written
        }
    }

    /// Grows `out` by `count` bytes, lets `body` write at most that many, and keeps what it wrote.
    private static func write(into out: inout [UInt8], atMost count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        let written = out.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
        out.removeLast(count - written)
    }

    /// Upper-case, as RFC 2045 requires.
    @inline(__always) private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 48 + value : 55 + value }

    /// Every byte may take three characters, plus a soft break at least every 24 input bytes.
    static func worstCase(_ count: Int) -> Int { count * 3 + (count / 24 + 1) * 3 }

    /// Encodes `input[from..<to]` as one line at `output + at`; returns the new write position.
    private static func encodeLine(
        _ input: UnsafePointer<UInt8>, _ from: Int, _ to: Int, to output: UnsafeMutablePointer<UInt8>, at: Int,
        lastLimit: Int = maxLineLength
    ) -> Int {
        var position = at
        var column = 0
        var index = from
        /// "From " at `index`: mbox readers quote it at a line start.
        func startsWithFrom(_ index: Int) -> Bool {
            index + 5 <= to && input[index] == 70 && input[index + 1] == 114 && input[index + 2] == 111
                && input[index + 3] == 109 && input[index + 4] == 32
        }
        while index < to {
            let byte = input[index]
            let isLast = index == to - 1
            // At the start of an output line (the first, or after a soft break) a "." would meet SMTP
            // dot-stuffing and "From " mbox quoting: encode them there.
            let atLineStart = column == 0
            let literal: Bool
            switch byte {
            case 32, 9: literal = !isLast  // whitespace before a line break must be encoded
            case 61: literal = false  // "="
            case 46: literal = !atLineStart  // "."
            case 70: literal = !(atLineStart && startsWithFrom(index))  // "F" of "From "
            case 33...126: literal = true
            default: literal = false
            }
            var width = literal ? 1 : 3
            // Keep room for the soft break "=" unless this is the last character of the line.
            let limit = isLast ? lastLimit : maxLineLength - 1
            if column + width > limit {
                output[position] = 61
                output[position + 1] = 13
                output[position + 2] = 10
                position += 3
                column = 0
                // The character now starts a line: it may need the protection above after all.
                if literal && (byte == 46 || (byte == 70 && startsWithFrom(index))) {
                    width = 3
                }
            }
            if width == 1 {
                output[position] = byte
            } else {
                output[position] = 61
                output[position + 1] = hexDigit(byte >> 4)
                output[position + 2] = hexDigit(byte & 0x0F)
            }
            position += width
            column += width
            index += 1
        }
        return position
    }
}
