/// RFC 6376 "relaxed" canonicalization (§3.4.2 for header fields, §3.4.4 for the body): what the
/// signer hashes and what a verifier recomputes, so that re-folding and trailing whitespace added by
/// relays do not break the signature.
public enum DKIMCanonicalization {
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// One header field, `Name: value` possibly folded (without its final CRLF), as relaxed
    /// canonicalization turns it: name lower-cased, unfolded, whitespace runs to one space, no
    /// whitespace around the colon or at the end; followed by CRLF.
    public static func relaxedHeader<Bytes: Collection<UInt8>>(_ field: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.count + 2)
        var index = field.startIndex
        // Name: up to the colon, lower-cased, without the whitespace some senders put before the colon.
        while index != field.endIndex, field[index] != UInt8(ascii: ":") {
            let byte = field[index]
            if !isWhitespace(byte) && byte != cr && byte != lf {
                out.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
            index = field.index(after: index)
        }
        out.append(UInt8(ascii: ":"))
        if index != field.endIndex { index = field.index(after: index) }
        // Value: CR and LF vanish (unfolding), whitespace runs become one space, none at either end.
        var pendingSpace = false
        var wroteValue = false
        while index != field.endIndex {
            let byte = field[index]
            index = field.index(after: index)
            if byte == cr || byte == lf { continue }
            if isWhitespace(byte) {
                pendingSpace = wroteValue
                continue
            }
            if pendingSpace { out.append(space) }
            pendingSpace = false
            out.append(byte)
            wroteValue = true
        }
        out.append(cr)
        out.append(lf)
        return out
    }

    /// The body as relaxed canonicalization turns it: whitespace at line ends removed, runs inside a
    /// line reduced to one space, empty lines at the end removed, and a non-empty body ending in CRLF.
    /// Bare CR or LF are kept as they are (Gazette never writes them; RFC 6376 leaves them to the sender).
    public static func relaxedBody<Bytes: Collection<UInt8>>(_ body: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        relaxedBody(body) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    /// The same, handed to `write` in pieces (each line, then line breaks), so a hash can be fed
    /// without holding a second copy of the body.
    public static func relaxedBody<Bytes: Collection<UInt8>>(_ body: Bytes, write: (ArraySlice<UInt8>) -> Void) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        // Empty lines seen but not written yet: written only if something follows them.
        var pendingEmptyLines = 0
        var pendingSpace = false
        // A CR is held until the next byte tells whether it starts a line break.
        var heldCR = false
        let crlf: [UInt8] = [cr, lf]

        func endLine() {
            if line.isEmpty {
                pendingEmptyLines += 1
            } else {
                for _ in 0..<pendingEmptyLines { write(crlf[...]) }
                pendingEmptyLines = 0
                line.append(cr)
                line.append(lf)
                write(line[...])
                line.removeAll(keepingCapacity: true)
            }
            pendingSpace = false
        }

        for byte in body {
            if heldCR {
                heldCR = false
                if byte == lf {
                    endLine()
                    continue
                }
                // A bare CR is content: it keeps the whitespace before it.
                if pendingSpace { line.append(space) }
                pendingSpace = false
                line.append(cr)
            }
            if byte == cr {
                heldCR = true
            } else if isWhitespace(byte) {
                pendingSpace = true
            } else {
                if pendingSpace { line.append(space) }
                pendingSpace = false
                line.append(byte)
            }
        }
        if heldCR {
            if pendingSpace { line.append(space) }
            line.append(cr)
        }
        // A last line without CRLF still counts (trailing whitespace dropped, as `pendingSpace` is).
        if !line.isEmpty { endLine() }
    }
}
