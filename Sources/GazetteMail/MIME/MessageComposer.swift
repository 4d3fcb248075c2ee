public import Foundation
import GazetteCore

/// Turns an `OutgoingMessage` into RFC 5322 + MIME bytes: multipart/alternative, text part first and
/// HTML part last, both quoted-printable UTF-8, CRLF throughout, no line over 998 octets.
public struct MessageComposer: Sendable {
    public init() {}

    /// The message's bytes. A `.plain` body is encoded here; an `.encoded` one is copied as it is.
    public func compose(_ message: OutgoingMessage) -> [UInt8] {
        let head = message.head
        let boundary = "=_gazette_" + boundaryToken(head.messageID)
        var headers: [(String, String)] = [
            ("Date", MessageComposer.rfc5322Date(head.date)),
            ("From", HeaderEncoding.mailbox(name: head.from.name, address: head.from.address.value, fieldName: "From")),
            ("To", HeaderEncoding.mailbox(name: head.to.name, address: head.to.address.value, fieldName: "To")),
            ("Subject", HeaderEncoding.unstructured(head.subject, fieldName: "Subject")),
            ("Message-ID", "<\(safeToken(head.messageID))>"),
            ("MIME-Version", "1.0"),
        ]
        if let listID = head.listID {
            headers.append(("List-Id", HeaderEncoding.listID(listID)))
        }
        if !head.unsubscribeURIs.isEmpty {
            let uris = head.unsubscribeURIs.map { "<\(safeToken($0))>" }.joined(separator: ",\r\n ")
            headers.append(("List-Unsubscribe", uris))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        headers.append(("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\""))

        var out: [UInt8] = []
        out.reserveCapacity(message.body.encodedSizeHint + 2048)
        for (name, value) in headers {
            out.append(contentsOf: "\(name): \(value)\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        for (part, contentType) in [(Part.text, "text/plain; charset=utf-8"), (.html, "text/html; charset=utf-8")] {
            out.append(contentsOf: "--\(boundary)\r\nContent-Type: \(contentType)\r\n".utf8)
            out.append(contentsOf: "Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            switch message.body {
            case .plain(let text, let html): QuotedPrintable.encode(part == .text ? text : html, into: &out)
            case .encoded(let text, let html): out.append(contentsOf: part == .text ? text : html)
            }
            // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1): add one so the body keeps its own.
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        return out
    }

    /// The two alternatives of the body, in the order they are written.
    private enum Part { case text, html }

    /// Quoted-printable output never contains "=_", so a boundary starting with it cannot occur in a body.
    private func boundaryToken(_ seed: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs, unlike Hasher
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Identifiers and URIs inside angle brackets: anything outside a conservative set is percent-encoded.
    private func safeToken(_ value: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if MessageComposer.isTokenByte(byte) {
                result.append(byte)
            } else {
                result.append(37)  // "%"
                result.append(MessageComposer.upperHex[Int(byte >> 4)])
                result.append(MessageComposer.upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// ASCII letters and digits and `-._~:/?#[]@!$&'()*+,;=%`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
        }
    }

    /// `Sun, 29 Nov 2026 09:30:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = Int((Double(total) / 86_400).rounded(.down))
        let rest = total - dayNumber * 86_400
        let civil = CivilDate(daysSinceEpoch: dayNumber)
        let weekday = days[CivilDate.isoWeekday(daysSinceEpoch: dayNumber) - 1]
        let time = "\((rest / 3600).zeroPadded(2)):\((rest / 60 % 60).zeroPadded(2)):\((rest % 60).zeroPadded(2))"
        return "\(weekday), \(civil.day) \(months[civil.month - 1]) \(civil.year) \(time) +0000"
    }
}
