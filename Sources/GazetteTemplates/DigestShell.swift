/// A digest rendered once for everyone who sees the same openings, salary changes and certifications,
/// with holes where each subscriber's name, address and signed links go.
///
/// Rendering Mustache per message costs about a millisecond; filling a shell costs microseconds. The
/// holes are found by rendering marker values: a marker contains `&`, so the escaped form (`{{email}}` in
/// HTML) and the raw form (`{{{email}}}`, or any text template) are told apart and filled alike.
///
/// The parts are public so that the mail module can encode the fixed parts once too (see `MessageShell`).
public struct DigestShell: Sendable {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        /// A personal value: `index` into `Personalization.values`, HTML-escaped or as is.
        case value(index: Int, escaped: Bool)
    }

    /// One line of the text part. Fixed lines are final (wrapped already, no line break); a personal line
    /// is wrapped once filled and may become several lines.
    public enum TextLine: Sendable, Equatable {
        case fixed(String)
        case personal([Piece])
    }

    public let subject: [Piece]
    public let text: [TextLine]
    public let html: [Piece]

    /// `\u{0}` cannot come from data (imports refuse control characters), so markers never collide with it.
    static func marker(_ index: Int) -> String { "\u{0}&\(index)\u{0}" }

    static let markers = DigestView.Personalization(
        greetingName: marker(0), email: marker(1), unsubscribeURL: marker(2), preferencesURL: marker(3), viewURL: marker(4))

    init(subject: String, text: String, html: String) {
        self.subject = DigestShell.pieces(subject)
        self.text = DigestShell.lines(text)
        self.html = DigestShell.pieces(html)
    }

    /// The digest for one subscriber: exactly what rendering the templates with their values gives.
    public func fill(_ personal: DigestView.Personalization) -> RenderedDigest {
        let values = Values(personal)
        var text = ""
        for line in filledTextLines(values) {
            text += line
            text += "\n"
        }
        return RenderedDigest(subject: filledSubject(values), text: text, html: DigestShell.join(html, values))
    }

    /// The personal values in both forms a template can ask for.
    public struct Values: Sendable {
        public let raw: [String]
        public let escaped: [String]

        public init(_ personal: DigestView.Personalization) {
            raw = personal.values
            escaped = raw.map(HTMLText.escape)
        }

        public subscript(piece index: Int, escaped isEscaped: Bool) -> String {
            isEscaped ? escaped[index] : raw[index]
        }
    }

    /// The subject on one line, as `DigestTemplates.render` gives it.
    public func filledSubject(_ values: Values) -> String {
        DigestTemplates.finishSubject(DigestShell.join(subject, values))
    }

    /// The subject when it holds no personal value: the same for everyone.
    public var impersonalSubject: String? {
        var joined = ""
        for piece in subject {
            guard case .literal(let text) = piece else { return nil }
            joined += text
        }
        return DigestTemplates.finishSubject(joined)
    }

    /// The text part's lines for one subscriber, without line breaks: trailing empty lines dropped, and
    /// one empty line when nothing is left (the text part always ends in exactly one line break).
    public func filledTextLines(_ values: Values) -> [String] {
        var lines: [String] = []
        for line in text {
            switch line {
            case .fixed(let fixed): lines.append(fixed)
            case .personal(let pieces):
                let wrapped = TextWrapper.wrap(DigestShell.join(pieces, values), width: TextWrapper.digestWidth)
                lines.append(contentsOf: wrapped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? [""] : lines
    }

    public static func join(_ pieces: [Piece], _ values: Values) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .value(let index, let escaped): result += values[piece: index, escaped: escaped]
            }
        }
        return result
    }

    /// Splits the rendered text into lines; those that hold no personal value are wrapped now, so
    /// filling rewraps only the few that do. Wrapping works line by line and drops nothing but trailing
    /// spaces, so wrapping each line apart gives what wrapping the whole text gives.
    static func lines(_ text: String) -> [TextLine] {
        var lines: [TextLine] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.contains("\u{0}") {
                lines.append(.personal(pieces(String(line))))
            } else {
                let wrapped = TextWrapper.wrap(String(line), width: TextWrapper.digestWidth)
                for part in wrapped.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append(.fixed(String(part)))
                }
            }
        }
        return lines
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
            if start > rest.startIndex { pieces.append(.literal(String(rest[..<start]))) }
            pieces.append(.value(index: index, escaped: escaped))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }
}
