/// HTML escaping as swift-mustache applies it to `{{value}}`, for code that writes HTML around the
/// templates (filled digest shells, the web pages): one definition, so the two can never disagree.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        // Most values (names, addresses, links) have nothing to escape.
        if !text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
