/// Wraps plain text at a column, keeping list indentation and never breaking a word (a URL longer
/// than the width stays whole on its own line).
public enum TextWrapper {
    /// The width of the digest's text part.
    public static let digestWidth = 72

    public static func wrap(_ text: String, width: Int) -> String {
        // One short line with nothing to trim: the common case of a filled personal line.
        if text.utf8.count <= width, text.utf8.last != 32, !text.utf8.contains(where: { $0 == 10 || $0 == 13 }) { return text }
        return wrapASCII(text, width: width) ?? wrapCharacters(text, width: width)
    }

    /// Any text, character by character.
    package static func wrapCharacters(_ text: String, width: Int) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count + 64)
        var first = true
        // "\r\n" is one Character: a template saved with CRLF line ends must split the same way.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if !first { output.append("\n") }
            first = false
            var end = line.endIndex
            while end > line.startIndex, line[line.index(before: end)] == " " || line[line.index(before: end)] == "\r" {
                end = line.index(before: end)
            }
            // The signature separator keeps its space: mail clients recognise "-- " only (RFC 3676 4.3).
            let trimmed = line[..<end] == "--" && line.hasPrefix("-- ") ? line.prefix(3) : line[..<end]
            // Most lines are short: bytes bound characters, so no need to count characters.
            if trimmed.utf8.count <= width || trimmed.count <= width {
                output.append(contentsOf: trimmed)
            } else {
                output.append(wrapLine(String(trimmed), width: width).joined(separator: "\n"))
            }
        }
        return output
    }

    static func wrapLine(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        let indent = String(line.prefix(while: { $0 == " " }))
        // Continuation lines align with the text after a list marker ("- ", "* ", "1. ").
        let body = line.dropFirst(indent.count)
        var hanging = indent
        if body.hasPrefix("- ") || body.hasPrefix("* ") || body.hasPrefix("• ") {
            hanging += "  "
        }
        var lines: [String] = []
        var current = indent
        var currentCount = indent.utf8.count  // spaces: one byte each
        var currentHasWord = false
        for word in body.split(separator: " ", omittingEmptySubsequences: true) {
            let wordCount = word.count
            if currentHasWord && currentCount + 1 + wordCount > width {
                lines.append(current)
                current = hanging
                currentCount = hanging.utf8.count
                currentHasWord = false
            }
            if currentHasWord {
                current += " "
                currentCount += 1
            }
            current += word
            currentCount += wordCount
            currentHasWord = true
        }
        lines.append(current)
        return lines
    }

    /// The same wrapping on bytes, for ASCII text (where a character is a byte, and the CR of a CRLF is
    /// trimmed like a trailing space); nil for any other text. Personal lines are wrapped for every
    /// message, and walking them as Characters cost more than the rest of building the text part.
    package static func wrapASCII(_ text: String, width: Int) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 64)
            var first = true
            func appendSpaces(_ count: Int) { out.append(contentsOf: repeatElement(32, count: count)) }
            func emitLine(_ start: Int, _ lineEnd: Int) {
                if !first { out.append(10) }
                first = false
                var end = lineEnd
                while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 13 { end -= 1 }
                // The signature separator keeps its space: mail clients recognise "-- " only.
                if end - start == 2, bytes[start] == 45, bytes[start + 1] == 45, lineEnd > end, bytes[end] == 32 { end += 1 }
                guard end - start > width else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    return
                }
                var bodyStart = start
                while bodyStart < end, bytes[bodyStart] == 32 { bodyStart += 1 }
                let indent = bodyStart - start
                // Continuation lines align with the text after a list marker ("- ", "* ").
                let isListItem = end - bodyStart >= 2 && (bytes[bodyStart] == 45 || bytes[bodyStart] == 42)
                    && bytes[bodyStart + 1] == 32
                let hanging = indent + (isListItem ? 2 : 0)
                appendSpaces(indent)
                var column = indent
                var hasWord = false
                var index = bodyStart
                while index < end {
                    if bytes[index] == 32 {
                        index += 1
                        continue
                    }
                    var wordEnd = index
                    while wordEnd < end, bytes[wordEnd] != 32 { wordEnd += 1 }
                    let length = wordEnd - index
                    if hasWord && column + 1 + length > width {
                        out.append(10)
                        appendSpaces(hanging)
                        column = hanging
                        hasWord = false
                    }
                    if hasWord {
                        out.append(32)
                        column += 1
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<wordEnd]))
                    column += length
                    hasWord = true
                    index = wordEnd
                }
            }
            var lineStart = 0
            for index in 0..<bytes.count where bytes[index] == 10 {
                emitLine(lineStart, index)
                lineStart = index + 1
            }
            emitLine(lineStart, bytes.count)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
