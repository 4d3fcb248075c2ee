import Foundation

/// One MIME entity of a report: its headers, where its body lies in the input, and its parts.
///
/// Bodies are ranges of the one input buffer, never copies: a returned message of 50 MB inside a report
/// is not duplicated (and the parser only ever sees the first `BounceParser.scanLimit` bytes of it).
/// Nesting and the number of parts are bounded, so hostile input cannot recurse without end.
struct MimeEntity {
    static let maximumDepth = 8
    static let maximumEntities = 200

    let headers: HeaderBlock
    let contentType: ContentType
    let body: Range<Int>
    /// The sub-entities of a multipart; a `message/rfc822` part is a returned message and is not
    /// descended into (a report quoted inside a returned message is not a report about Gazette's mail).
    var parts: [MimeEntity] = []

    /// `Content-Transfer-Encoding`, lower-cased (`7bit` when absent).
    var transferEncoding: String {
        (headers["content-transfer-encoding"] ?? "7bit").lowercased().trimmingCharacters(in: .whitespaces)
    }

    /// Parses the entity that starts at `start` and ends at `end`.
    /// - Parameter budget: entities still allowed in the whole tree; decremented for each one parsed.
    init(_ bytes: ArraySlice<UInt8>, range: Range<Int>, depth: Int = 0, budget: inout Int) {
        let slice = bytes[range]
        headers = HeaderBlock(slice)
        contentType = ContentType(headers["content-type"])
        body = headers.bodyStart..<range.upperBound
        budget -= 1
        guard contentType.isMultipart, depth < MimeEntity.maximumDepth, budget > 0 else { return }
        let boundary = contentType.parameters["boundary"].flatMap { $0.isEmpty ? nil : $0 }
            ?? MimeEntity.guessBoundary(bytes[body])
        guard let boundary else { return }
        for partRange in MimeEntity.split(bytes[body], boundary: Array(boundary.utf8)) {
            guard budget > 0 else { break }
            parts.append(MimeEntity(bytes, range: partRange, depth: depth + 1, budget: &budget))
        }
    }

    /// Every entity of the tree, depth first, this one included.
    var all: [MimeEntity] { [self] + parts.flatMap(\.all) }

    /// The ranges between `--boundary` lines, up to `--boundary--` or the end of the input (a
    /// truncated report keeps the parts it has).
    static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var partStart: Int?
        var position = body.startIndex
        let dashes: [UInt8] = [45, 45]
        while position < body.endIndex {
            let lineEnd = body[position...].firstIndex(of: 10) ?? body.endIndex
            let next = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
            let line = body[position..<lineEnd]
            if line.count >= 2 + boundary.count, line.starts(with: dashes),
               line.dropFirst(2).starts(with: boundary)
            {
                let rest = line.dropFirst(2 + boundary.count)
                let isClose = rest.starts(with: dashes)
                // Only whitespace may follow the boundary (RFC 2046 §5.1.1): `--abc` must not end `--abcd`'s parts.
                if isClose || rest.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    if let start = partStart { ranges.append(start..<max(start, position - 1)) }
                    if isClose { return ranges }
                    partStart = next
                }
            }
            position = next
        }
        if let start = partStart, start < body.endIndex { ranges.append(start..<body.endIndex) }
        return ranges
    }

    /// For a multipart whose `boundary` parameter is missing or empty: the first `--something` line of
    /// the body, which is what every MTA writes before its first part.
    static func guessBoundary(_ body: ArraySlice<UInt8>) -> String? {
        var position = body.startIndex
        var lines = 0
        while position < body.endIndex, lines < 200 {
            let lineEnd = body[position...].firstIndex(of: 10) ?? body.endIndex
            var line = body[position..<lineEnd]
            if line.last == 13 { line = line.dropLast() }
            while let last = line.last, last == 32 || last == 9 { line = line.dropLast() }
            if line.count > 2, line.count <= 74, line.starts(with: [45, 45]) {
                return String(decoding: line.dropFirst(2), as: UTF8.self)
            }
            position = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
            lines += 1
        }
        return nil
    }

    /// The body with its transfer encoding undone, at most `limit` decoded bytes.
    func decodedBody(_ bytes: ArraySlice<UInt8>, limit: Int) -> [UInt8] {
        let raw = bytes[body]
        switch transferEncoding {
        case "base64": return TransferDecoding.base64(raw.prefix(limit * 2), limit: limit)  // 4/3 plus line breaks, with room
        case "quoted-printable": return TransferDecoding.quotedPrintable(raw.prefix(limit * 3), limit: limit)
        default: return Array(raw.prefix(limit))
        }
    }
}
