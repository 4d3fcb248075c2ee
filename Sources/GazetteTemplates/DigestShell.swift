/// A digest rendered once for everyone who sees the same openings, salary changes and certifications,
/// with holes where each subscriber's name, address and signed links go.
///
/// Rendering Mustache per message costs about a millisecond; filling a shell costs microseconds. The
/// holes are found by rendering marker values: a marker contains `&`, so the escaped form (`{{email}}` in
/// HTML) and the raw form (`{{{email}}}`, or any text template) are told apart and filled alike.
public struct DigestShell: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case value(index: Int, escaped: Bool)
    }

    let subject: [Piece]
    let text: [Piece]
    let html: [Piece]

    /// `\u{0}` cannot come from data (imports refuse control characters), so markers never collide with it.
    static func marker(_ index: Int) -> String { "\u{0}&\(index)\u{0}" }
    static let escapedPrefix = "\u{0}&amp;"

    static let markers = DigestView.Personalization(
        greetingName: marker(0), email: marker(1), unsubscribeURL: marker(2), preferencesURL: marker(3))

    init(subject: String, text: String, html: String) {
        self.subject = DigestShell.pieces(subject)
        self.text = DigestShell.pieces(DigestShell.prewrap(text))
        self.html = DigestShell.pieces(html)
    }

    /// The digest for one subscriber: exactly what rendering the templates with their values gives.
    public func fill(_ personal: DigestView.Personalization) -> RenderedDigest {
        let values = personal.values
        let escapedValues = values.map(HTMLText.escape)
        func join(_ pieces: [Piece]) -> String {
            var result = ""
            for piece in pieces {
                switch piece {
                case .literal(let text): result += text
                case .value(let index, let escaped): result += escaped ? escapedValues[index] : values[index]
                }
            }
            return result
        }
        return DigestTemplates.finish(subject: join(subject), text: join(text), html: join(html))
    }

    /// Wraps now the lines that hold no personal value, so filling rewraps only the few that do. Wrapping
    /// is idempotent (a wrapped line is short, or one unbreakable word), so the final wrap leaves these alone.
    static func prewrap(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.contains("\u{0}") ? String($0) : TextWrapper.wrap(String($0), width: TextWrapper.digestWidth) }
            .joined(separator: "\n")
    }

    /// Splits rendered output at the markers.
    static func pieces(_ rendered: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(rendered)
        while let start = rest.firstIndex(of: "\u{0}") {
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: "\u{0}") else { break }
            let body = rest[afterStart..<end]  // "&3" or "&amp;3"
            let escaped = body.hasPrefix("&amp;")
            guard let index = Int(body.dropFirst(escaped ? 5 : 1)) else { break }
            pieces.append(.literal(String(rest[..<start])))
            pieces.append(.value(index: index, escaped: escaped))
            rest = rest[rest.index(after: end)...]
        }
        pieces.append(.literal(String(rest)))
        return pieces
    }
}
