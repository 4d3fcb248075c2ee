public import Foundation
import GazetteCore

/// Turns an `OutgoingMessage` into RFC 5322 + MIME bytes: multipart/alternative, text part first and
/// HTML part last, both quoted-printable UTF-8, CRLF throughout, no line over 998 octets.
public struct MessageComposer: Sendable {
    public init() {}

    public func compose(_ message: OutgoingMessage) -> [UInt8] {
        let boundary = "=_gazette_" + boundaryToken(message.messageID)
        var headers: [(String, String)] = [
            ("Date", MessageComposer.rfc5322Date(message.date)),
            ("From", HeaderEncoding.mailbox(name: message.from.name, address: message.from.address.value, fieldName: "From")),
            ("To", HeaderEncoding.mailbox(name: message.to.name, address: message.to.address.value, fieldName: "To")),
            ("Subject", HeaderEncoding.unstructured(message.subject, fieldName: "Subject")),
            ("Message-ID", "<\(safeToken(message.messageID))>"),
            ("MIME-Version", "1.0"),
        ]
        if let listID = message.listID {
            headers.append(("List-Id", HeaderEncoding.sanitize(listID)))
        }
        if !message.unsubscribeURIs.isEmpty {
            let uris = message.unsubscribeURIs.map { "<\(safeToken($0))>" }.joined(separator: ",\r\n ")
            headers.append(("List-Unsubscribe", uris))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        headers.append(("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\""))

        var out: [UInt8] = []
        out.reserveCapacity(message.text.utf8.count + message.html.utf8.count * 11 / 10 + 2048)
        for (name, value) in headers {
            out.append(contentsOf: "\(name): \(value)\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        appendPart(boundary: boundary, contentType: "text/plain; charset=utf-8", body: message.text, to: &out)
        appendPart(boundary: boundary, contentType: "text/html; charset=utf-8", body: message.html, to: &out)
        out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        return out
    }

    private func appendPart(boundary: String, contentType: String, body: String, to out: inout [UInt8]) {
        out.append(contentsOf: "--\(boundary)\r\nContent-Type: \(contentType)\r\n".utf8)
        out.append(contentsOf: "Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        out.append(contentsOf: QuotedPrintable.encode(body))
        // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1): add one so the body keeps its own.
        out.append(contentsOf: "\r\n".utf8)
    }

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
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~:/?#[]@!$&'()*+,;=%")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
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
        let time = String(format: "%02d:%02d:%02d", rest / 3600, rest / 60 % 60, rest % 60)
        return "\(weekday), \(civil.day) \(months[civil.month - 1]) \(civil.year) \(time) +0000"
    }
}
