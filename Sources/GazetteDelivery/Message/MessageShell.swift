package import GazetteMail
package import GazetteTemplates

/// A digest shell whose fixed parts are already quoted-printable encoded: a message for one more
/// subscriber costs encoding a few personal values and copying bytes.
///
/// - Text part: line by line, exactly as encoding the filled text would give (quoted-printable works
///   line by line too). Fixed lines are encoded once; lines with a personal value are wrapped and
///   encoded per message.
/// - HTML part: the pieces between personal values are encoded apart, each ending in a soft line break
///   (`QuotedPrintable.encodePiece`), so the decoded HTML is exactly the filled shell's.
package struct MessageShell: Sendable {
    enum TextChunk: Sendable {
        /// Encoded lines with their CRLFs; `kept` bytes of them end with the last non-empty line (0: all empty).
        case fixed(bytes: [UInt8], kept: Int)
        case personal([DigestShell.Piece])
    }

    enum HTMLChunk: Sendable {
        case fixed([UInt8])
        case value(index: Int, escaped: Bool, last: Bool)
    }

    let digest: DigestShell
    let text: [TextChunk]
    let html: [HTMLChunk]
    /// The subject when it holds no personal value.
    let fixedSubject: String?
    /// The encoded parts' fixed bytes, to size a message's buffers once.
    let textByteCount: Int
    let htmlByteCount: Int
    /// Bytes held, for the cache's memory bound: the shell's own strings are about as large as their encoding.
    var byteCount: Int { 2 * (textByteCount + htmlByteCount) }

    package init(_ digest: DigestShell) {
        self.digest = digest
        var text: [TextChunk] = []
        var bytes: [UInt8] = []
        var kept = 0
        for line in digest.text {
            switch line {
            case .fixed(let line):
                QuotedPrintable.encodeLine(line, into: &bytes)
                bytes.append(contentsOf: MessageShell.crlf)
                if !line.isEmpty { kept = bytes.count }
            case .personal(let pieces):
                if !bytes.isEmpty { text.append(.fixed(bytes: bytes, kept: kept)) }
                bytes = []
                kept = 0
                text.append(.personal(pieces))
            }
        }
        if !bytes.isEmpty { text.append(.fixed(bytes: bytes, kept: kept)) }
        self.text = text

        self.html = digest.html.enumerated().map { position, piece in
            let last = position == digest.html.count - 1
            switch piece {
            case .literal(let literal):
                var bytes: [UInt8] = []
                if last { QuotedPrintable.encode(literal, into: &bytes) } else { QuotedPrintable.encodePiece(literal, into: &bytes) }
                return .fixed(bytes)
            case .value(let index, let escaped):
                return .value(index: index, escaped: escaped, last: last)
            }
        }
        self.fixedSubject = digest.impersonalSubject
        let textBytes = text.reduce(0) { total, chunk in
            if case .fixed(let bytes, _) = chunk { total + bytes.count } else { total + 64 }
        }
        let htmlBytes = html.reduce(0) { total, chunk in
            if case .fixed(let bytes) = chunk { total + bytes.count } else { total + 16 }
        }
        self.textByteCount = textBytes
        self.htmlByteCount = htmlBytes
    }

    static let crlf: [UInt8] = [13, 10]

    package func subject(_ values: DigestShell.Values) -> String {
        fixedSubject ?? digest.filledSubject(values)
    }

    /// One subscriber's body, encoded: what `MessageComposer` would make of the filled shell's text and HTML.
    package func body(_ values: DigestShell.Values) -> MessageBody {
        var text: [UInt8] = []
        text.reserveCapacity(textByteCount + 512)
        writeText(values, into: &text)
        var html: [UInt8] = []
        html.reserveCapacity(htmlByteCount + 512)
        writeHTML(values, into: &html)
        return .encoded(text: text, html: html)
    }

    /// Appends the encoded text part: what `QuotedPrintable.encode(digest.fill(…).text)` gives.
    func writeText(_ values: DigestShell.Values, into out: inout [UInt8]) {
        let start = out.count
        var keep = start
        for chunk in text {
            switch chunk {
            case .fixed(let bytes, let kept):
                let chunkStart = out.count
                out.append(contentsOf: bytes)
                if kept > 0 { keep = chunkStart + kept }
            case .personal(let pieces):
                let wrapped = TextWrapper.wrap(DigestShell.join(pieces, values), width: TextWrapper.digestWidth)
                // Most personal lines stay one line: no need to split them (splitting walks Characters).
                let lines = wrapped.utf8.contains(10)
                    ? wrapped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [wrapped]
                for line in lines {
                    QuotedPrintable.encodeLine(line, into: &out)
                    out.append(contentsOf: MessageShell.crlf)
                    if !line.isEmpty { keep = out.count }
                }
            }
        }
        // The text part ends in exactly one line break: trailing empty lines go, and an empty text is one.
        out.removeLast(out.count - keep)
        if keep == start { out.append(contentsOf: MessageShell.crlf) }
    }

    /// Appends the encoded HTML part; it decodes to `digest.fill(…).html`.
    func writeHTML(_ values: DigestShell.Values, into out: inout [UInt8]) {
        for chunk in html {
            switch chunk {
            case .fixed(let bytes):
                out.append(contentsOf: bytes)
            case .value(let index, let escaped, let last):
                let value = values[piece: index, escaped: escaped]
                if last { QuotedPrintable.encode(value, into: &out) } else { QuotedPrintable.encodePiece(value, into: &out) }
            }
        }
    }
}
