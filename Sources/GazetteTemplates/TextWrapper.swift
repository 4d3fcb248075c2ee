/// Wraps plain text at a column, keeping list indentation and never breaking a word (a URL longer
/// than the width stays whole on its own line).
public enum TextWrapper {
    public static func wrap(_ text: String, width: Int) -> String {
        var output: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmedEnd = String(line.reversed().drop(while: { $0 == " " || $0 == "\r" }).reversed())
            output.append(contentsOf: wrapLine(trimmedEnd, width: width))
        }
        return output.joined(separator: "\n")
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
        var currentHasWord = false
        for word in body.split(separator: " ", omittingEmptySubsequences: true) {
            if currentHasWord && current.count + 1 + word.count > width {
                lines.append(current)
                current = hanging
                currentHasWord = false
            }
            current += (currentHasWord ? " " : "") + word
            currentHasWord = true
        }
        lines.append(current)
        return lines
    }
}
