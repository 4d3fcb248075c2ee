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
    /// Only CRLF ends a line; a bare CR or LF is kept as content (Gazette never writes them).
    public static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        relaxedBody(body[...]) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    /// The same, handed to `write` in pieces so a hash can be fed without a second copy of the body.
    /// Lines that are already canonical (quoted-printable lines nearly always are: no tab, no double
    /// space, no space at the end) are passed through as slices of `body`; only the others are rewritten.
    public static func relaxedBody(_ body: ArraySlice<UInt8>, write: (ArraySlice<UInt8>) -> Void) {
        let crlf: [UInt8] = [cr, lf]
        var scratch: [UInt8] = []
        // Empty lines seen but not written yet: written only if a non-empty line follows them.
        var pendingEmptyLines = 0
        var lineStart = body.startIndex
        let end = body.endIndex
        while lineStart < end {
            var index = lineStart
            var clean = true
            var previous: UInt8 = 0
            while index < end {
                let byte = body[index]
                if byte == cr, index + 1 < end, body[index + 1] == lf { break }
                if byte == tab || byte == cr || byte == lf || (byte == space && previous == space) { clean = false }
                previous = byte
                index += 1
            }
            let hasLineBreak = index < end
            let content = body[lineStart..<index]
            if clean && previous != space {
                if content.isEmpty {
                    pendingEmptyLines += 1
                } else {
                    for _ in 0..<pendingEmptyLines { write(crlf[...]) }
                    pendingEmptyLines = 0
                    // The line with its own CRLF, straight from the body.
                    if hasLineBreak { write(body[lineStart..<(index + 2)]) } else { write(content); write(crlf[...]) }
                }
            } else {
                scratch.removeAll(keepingCapacity: true)
                canonicalLine(content, into: &scratch)
                if scratch.isEmpty {
                    pendingEmptyLines += 1
                } else {
                    for _ in 0..<pendingEmptyLines { write(crlf[...]) }
                    pendingEmptyLines = 0
                    write(scratch[...])
                    write(crlf[...])
                }
            }
            lineStart = hasLineBreak ? index + 2 : end
        }
    }

    /// One line's content (without its CRLF): whitespace runs to one space, none at the end.
    private static func canonicalLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var pendingSpace = false
        for byte in line {
            if isWhitespace(byte) {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(space) }
                pendingSpace = false
                out.append(byte)
            }
        }
    }
}
