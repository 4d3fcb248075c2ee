/// Wraps plain text at a column, keeping list indentation and never breaking a word (a URL longer
/// than the width stays whole on its own line).
public enum TextWrapper {
    /// The width of the digest's text part.
    public static let digestWidth = 72

    public static func wrap(_ text: String, width: Int) -> String {
        // One short line with nothing to trim: the common case of a filled personal line.
        if text.utf8.count <= width, text.utf8.last != 32, !text.utf8.contains(where: { $0 == 10 || $0 == 13 }) { return text }
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
            let trimmed = line[..<end]
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
}
