// Fuzzes MessageComposer with arbitrary display names, subjects and bodies.
//
// Input layout: the bytes are split on 0xFF (a byte that never occurs in UTF-8) into the recipient's
// display name, the subject, the text body and the HTML body, in that order; each part is decoded as
// UTF-8, invalid sequences replaced. Missing parts are empty. Addresses, date, Message-ID, List-Id
// and List-Unsubscribe are fixed, valid values (they come from configuration, not from data).
//
// Invariants of the composed message (a violation calls fatalError, which libFuzzer reports as a crash):
//   - CRLF line ends only: no bare CR, no bare LF;
//   - no line longer than 998 octets (RFC 5322 §2.1.1), and no body line longer than 76 (RFC 2045 §6.7);
//   - the header block is ASCII only; it holds exactly the fields Date, From, To, Subject, Message-ID,
//     MIME-Version, List-Id, List-Unsubscribe, List-Unsubscribe-Post and Content-Type, each once;
//     every other header line is a continuation line starting with a space;
//   - the body is the two parts, delimited by the boundary, and each quoted-printable part decodes to
//     exactly its input (line breaks as CRLF).
//
// With FUZZ_COMPOSER_DUMP=DIR set, each composed message is also written to DIR (see check_corpus.py).

import FuzzSupport
import Foundation
import GazetteCore
import GazetteMail

private let expectedFields = [
    "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe",
    "List-Unsubscribe-Post", "Content-Type",
]

nonisolated(unsafe) private var fixedMailboxes: (from: Mailbox, to: EmailAddress)?

private func mailboxes() -> (from: Mailbox, to: EmailAddress) {
    if let fixedMailboxes { return fixedMailboxes }
    do {
        let made = (
            from: Mailbox(name: "Backend Jobs Weekly", address: try EmailAddress("digest@example.com")),
            to: try EmailAddress("reader@example.org"))
        fixedMailboxes = made
        return made
    } catch {
        fatalError("FuzzComposer: the fixed addresses are invalid: \(error)")
    }
}

private func violation(_ what: String, _ detail: String) -> Never {
    fatalError("FuzzComposer: \(what): \(detail)")
}

/// A line for a failure message: at most 200 bytes, escaped.
private func show(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription + (bytes.count > 200 ? "… (\(bytes.count) bytes)" : "")
}

/// Text line breaks as the composer must deliver them: every LF (with or without a CR before it) as CRLF.
private func expectedBody(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    for byte in text.utf8 {
        if byte == 10 {
            if out.last != 13 { out.append(13) }
            out.append(10)
        } else {
            out.append(byte)
        }
    }
    return out
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 48...57: byte - 48
    case 65...70: byte - 55
    default: nil
    }
}

/// Decodes a quoted-printable body strictly: upper-case hex, soft breaks `=` CRLF only, literal bytes
/// printable ASCII, no white space at the end of a line; nil when the body is not like that.
private func decodeQuotedPrintable(_ lines: ArraySlice<ArraySlice<UInt8>>) -> [UInt8]? {
    var out: [UInt8] = []
    for (n, line) in lines.enumerated() {
        var soft = false
        var i = line.startIndex
        while i < line.endIndex {
            let byte = line[i]
            if byte == 61 {
                if i + 1 == line.endIndex { soft = true; break }
                guard i + 2 < line.endIndex, let high = hexValue(line[i + 1]), let low = hexValue(line[i + 2]) else {
                    return nil
                }
                out.append(high << 4 | low)
                i += 3
            } else {
                // Literal: printable ASCII, or a space or tab that does not end the line (RFC 2045 §6.7).
                let whitespace = byte == 32 || byte == 9
                guard (33...126).contains(byte) || (whitespace && i + 1 < line.endIndex) else { return nil }
                out.append(byte)
                i += 1
            }
        }
        if !soft && n != lines.count - 1 { out.append(contentsOf: [13, 10]) }
    }
    return out
}

/// With FUZZ_COMPOSER_DUMP=DIR, every composed message is written to DIR as `N.eml`, with its inputs as
/// `N.json`, for `check_corpus.py` (which replays a corpus this way and parses the messages with Python).
private let dumpDirectory = ProcessInfo.processInfo.environment["FUZZ_COMPOSER_DUMP"]
nonisolated(unsafe) private var dumpCount = 0

private func dump(_ message: [UInt8], name: String, subject: String, text: String, html: String, to directory: String) {
    dumpCount += 1
    let base = "\(directory)/\(ProcessInfo.processInfo.processIdentifier)-\(dumpCount)"
    let fields = ["name": name, "subject": subject, "text": text, "html": html]
    guard let json = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]),
          FileManager.default.createFile(atPath: base + ".json", contents: json),
          FileManager.default.createFile(atPath: base + ".eml", contents: Data(message))
    else { fatalError("FuzzComposer: cannot write \(base).eml/.json") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    var parts = input.split(separator: 0xFF, maxSplits: 3, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    while parts.count < 4 { parts.append("") }
    let (name, subject, text, html) = (parts[0], parts[1], parts[2], parts[3])

    let fixed = mailboxes()
    let message = OutgoingMessage(
        from: fixed.from, to: Mailbox(name: name, address: fixed.to), subject: subject,
        date: Date(timeIntervalSince1970: 1_795_939_200),  // 2026-11-29T08:00:00Z
        messageID: "gazette.2026-W48.0123456789abcdef@example.com",
        unsubscribeURIs: [
            "https://news.example.com/unsubscribe/42.u.AAAAAAAAAAAAAAAAAAAAAA",
            "mailto:digest@example.com?subject=unsubscribe%2042.u.AAAAAAAAAAAAAAAAAAAAAA",
        ],
        listID: "Backend Jobs Weekly <digest.example.com>", text: text, html: html)
    let bytes = MessageComposer().compose(message)
    if let dumpDirectory { dump(bytes, name: name, subject: subject, text: text, html: html, to: dumpDirectory) }

    // CRLF only; split into lines without their CRLF.
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i < bytes.count {
        if bytes[i] == 13 {
            guard i + 1 < bytes.count, bytes[i + 1] == 10 else { violation("a bare CR", "at byte \(i), line \(lines.count + 1)") }
            lines.append(bytes[start..<i])
            i += 2
            start = i
        } else if bytes[i] == 10 {
            violation("a bare LF", "at byte \(i), line \(lines.count + 1)")
        } else {
            i += 1
        }
    }
    if start != bytes.count { violation("the message does not end with CRLF", show(bytes[start...])) }
    for (n, line) in lines.enumerated() where line.count > 998 {
        violation("line \(n + 1) is longer than 998 octets (\(line.count))", show(line))
    }

    // The header block.
    guard let blank = lines.firstIndex(where: \.isEmpty) else { violation("no empty line ends the header", "") }
    var seen: [String: Int] = [:]
    var boundary: String?
    for (n, line) in lines[..<blank].enumerated() {
        if let bad = line.first(where: { $0 >= 0x80 }) {
            violation("a non-ASCII byte 0x\(String(bad, radix: 16)) in header line \(n + 1)", show(line))
        }
        if line.first == 32 {
            if n == 0 { violation("the header starts with a continuation line", show(line)) }
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) { violation("a header line of white space only", "line \(n + 1)") }
            continue
        }
        guard let colon = line.firstIndex(of: 58) else {
            violation("header line \(n + 1) is neither a field nor a continuation line starting with a space", show(line))
        }
        let field = String(decoding: line[..<colon], as: UTF8.self)
        guard expectedFields.contains(field) else { violation("an unexpected header field \(field.debugDescription)", show(line)) }
        guard line[(colon + 1)...].first == 32 else { violation("no space after the colon of \(field)", show(line)) }
        seen[field, default: 0] += 1
        if field == "Content-Type" {
            // The boundary parameter is on this line or the next (the composer folds it).
            let value = String(decoding: Array(lines[n...min(n + 1, blank - 1)].joined(separator: [13, 10])), as: UTF8.self)
            if let range = value.range(of: "boundary=\""), let end = value[range.upperBound...].firstIndex(of: "\"") {
                boundary = String(value[range.upperBound..<end])
            }
        }
    }
    for field in expectedFields where seen[field] != 1 {
        violation("header field \(field) appears \(seen[field] ?? 0) times, not once", "fields: \(seen)")
    }
    guard let boundary, !boundary.isEmpty else { violation("no boundary in Content-Type", "") }

    // The body: --boundary, part, --boundary, part, --boundary--.
    let delimiter = Array("--\(boundary)".utf8)
    let close = delimiter + Array("--".utf8)
    let body = lines[(blank + 1)...]
    for (n, line) in body.enumerated() where line.count > 76 && line.elementsEqual(close) == false {
        violation("body line \(n + 1) is longer than 76 octets (\(line.count))", show(line))
    }
    let delimiters = body.indices.filter { body[$0].elementsEqual(delimiter) }
    guard delimiters.count == 2, delimiters[0] == body.startIndex, let last = body.indices.last,
          body[last].elementsEqual(close)
    else {
        violation("the body is not exactly two parts between boundary lines", "delimiters at body lines \(delimiters)")
    }
    for (k, (from, to, source)) in [(delimiters[0], delimiters[1], text), (delimiters[1], last, html)].enumerated() {
        let part = lines[(from + 1)..<to]
        guard let empty = part.firstIndex(where: \.isEmpty) else { violation("part \(k + 1) has no header end", "") }
        let partHeader = part[..<empty].map { String(decoding: $0, as: UTF8.self) }
        let type = k == 0 ? "text/plain" : "text/html"
        guard partHeader == ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable"] else {
            violation("part \(k + 1) has unexpected headers", "\(partHeader)")
        }
        // The last line of the part is the CRLF the composer adds before the boundary (RFC 2046 §5.1.1).
        let encoded = lines[(empty + 1)..<to]
        guard let decoded = decodeQuotedPrintable(encoded) else {
            violation("part \(k + 1) is not valid quoted-printable", "")
        }
        let expected = expectedBody(source)
        if decoded != expected {
            let at = zip(decoded, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? min(decoded.count, expected.count)
            violation(
                "part \(k + 1) does not decode to its input",
                "first difference at byte \(at): decoded \(show(decoded[at...])), expected \(show(expected[at...]))")
        }
    }
    return 0
}

/// SwiftPM links an executable's `main` to `<module>_main` (it renames the Swift entry point so that
/// tests can link the module); a harness has no entry point of its own, so this one hands control to
/// libFuzzer's driver.
@_cdecl("FuzzComposer_main")
func fuzzComposerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
