import Foundation

/// Reads RFC 3464 delivery status notifications and RFC 5965 abuse reports. Pure: bytes in, a
/// `BounceReport` out, for any input whatsoever.
///
/// A report is recognised by its parts, not by what its top-level `Content-Type` claims: a
/// `message/delivery-status` (or `message/global-delivery-status`, RFC 6533) part makes a DSN and a
/// `message/feedback-report` part an ARF report, wherever they sit in the multipart tree (Exchange nests
/// them; some MTAs get `report-type` wrong or leave it out). Parts inside a returned `message/rfc822` are
/// never looked at: a bounce quoted inside someone's message is not a bounce of Gazette's mail.
public enum BounceParser {
    /// Only the first MiB of a message is read: the report parts and the returned headers come first
    /// (RFC 3464 §2, RFC 6522), and what follows is the returned body, which Gazette does not need.
    public static let scanLimit = 1 << 20
    /// The longest diagnostic kept.
    static let maximumDiagnostic = 300

    public static func parse(_ input: [UInt8]) -> BounceReport {
        parse(input[...])
    }

    public static func parse(_ input: ArraySlice<UInt8>) -> BounceReport {
        let bytes = input.prefix(scanLimit)
        var budget = MimeEntity.maximumEntities
        let root = MimeEntity(bytes, range: bytes.startIndex..<bytes.endIndex, budget: &budget)
        let entities = root.all
        let addresses = deliveredTo(root.headers)

        if let feedback = entities.first(where: { $0.contentType.mimeType == "message/feedback-report" }) {
            return complaint(feedback, in: entities, bytes: bytes, addresses: addresses)
        }
        if let status = entities.first(where: {
            $0.contentType.mimeType == "message/delivery-status" || $0.contentType.mimeType == "message/global-delivery-status"
        }) {
            return deliveryStatus(status, in: entities, bytes: bytes, addresses: addresses)
        }
        return BounceReport(kind: .notReport, recipient: addresses.first, addresses: addresses)
    }

    // MARK: - RFC 3464

    private static func deliveryStatus(
        _ part: MimeEntity, in entities: [MimeEntity], bytes: ArraySlice<UInt8>, addresses: [String]
    ) -> BounceReport {
        let body = part.decodedBody(bytes, limit: 256 * 1024)
        var worst: (kind: BounceKind, status: String?, diagnostic: String, recipient: String?)?
        for block in blocks(body[...]) {
            guard let verdict = RecipientStatus(block) else { continue }
            if worst == nil || verdict.kind.severity > worst!.kind.severity {
                worst = (verdict.kind, verdict.status, verdict.diagnostic, verdict.finalRecipient)
            }
        }
        let returned = returnedHeaders(after: part, in: entities, bytes: bytes)
        var candidates = addresses
        if let returnPath = returned?["return-path"] { candidates += Addresses.extract(returnPath) }
        let messageID = returned?["message-id"].flatMap(Addresses.messageID)
        let list = unique(candidates)
        guard let worst, worst.kind != .notReport else {
            return BounceReport(kind: .notReport, recipient: preferred(list), addresses: list, messageID: messageID)
        }
        return BounceReport(
            kind: worst.kind, diagnostic: worst.diagnostic, status: worst.status, recipient: preferred(list),
            addresses: list, messageID: messageID, finalRecipient: worst.recipient)
    }

    /// The header blocks of a delivery-status body: one per message, then one per recipient.
    static func blocks(_ body: ArraySlice<UInt8>) -> [HeaderBlock] {
        var result: [HeaderBlock] = []
        var position = body.startIndex
        while position < body.endIndex, result.count < 100 {
            // Skip blank lines between blocks.
            while position < body.endIndex, body[position] == 10 || body[position] == 13 { position += 1 }
            guard position < body.endIndex else { break }
            let block = HeaderBlock(body, from: position)
            if !block.isEmpty { result.append(block) }
            guard block.bodyStart > position else { break }
            position = block.bodyStart
        }
        return result
    }

    // MARK: - RFC 5965

    private static func complaint(
        _ part: MimeEntity, in entities: [MimeEntity], bytes: ArraySlice<UInt8>, addresses: [String]
    ) -> BounceReport {
        let body = part.decodedBody(bytes, limit: 64 * 1024)
        let fields = HeaderBlock(body[...])
        let returned = returnedHeaders(after: part, in: entities, bytes: bytes)
        var candidates = addresses
        if let mailFrom = fields["original-mail-from"] { candidates += Addresses.extract(mailFrom) }
        if let returnPath = returned?["return-path"] { candidates += Addresses.extract(returnPath) }
        let messageID = returned?["message-id"].flatMap(Addresses.messageID)
        let type = (fields["feedback-type"] ?? "").lowercased().split(whereSeparator: { $0 == " " || $0 == ";" }).first
            .map(String.init) ?? ""
        let list = unique(candidates)
        guard type == "abuse" else {
            return BounceReport(kind: .notReport, recipient: preferred(list), addresses: list, messageID: messageID)
        }
        var diagnostic = "complaint (feedback-type abuse"
        if let agent = fields["user-agent"] { diagnostic += " from \(agent)" }
        diagnostic += ")"
        return BounceReport(
            kind: .complaint, diagnostic: sanitize(diagnostic), recipient: preferred(list), addresses: list,
            messageID: messageID,
            finalRecipient: (fields["original-rcpt-to"] ?? fields["removal-recipient"]).flatMap { Addresses.extract($0).first })
    }

    // MARK: - Shared

    /// The headers of the returned message: the first `message/rfc822` or `text/rfc822-headers` entity
    /// after the report part (or anywhere, when an MTA put it first).
    private static func returnedHeaders(after part: MimeEntity, in entities: [MimeEntity], bytes: ArraySlice<UInt8>) -> HeaderBlock? {
        let returnedTypes: Set<String> = [
            "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers",
        ]
        let candidates = entities.filter { returnedTypes.contains($0.contentType.mimeType) }
        guard let returned = candidates.first(where: { $0.body.lowerBound >= part.body.upperBound }) ?? candidates.first
        else { return nil }
        switch returned.transferEncoding {
        case "base64", "quoted-printable":
            // Headers are all that is needed: decode no more than could hold them.
            let decoded = returned.decodedBody(bytes, limit: 256 * 1024)
            return HeaderBlock(decoded[...])
        default:
            return HeaderBlock(bytes[returned.body])
        }
    }

    /// Where the report was delivered: the fields an MDA adds (Postfix `Delivered-To`, `X-Original-To`;
    /// Exim `Envelope-To`), then `To`, which the bouncing MTA set to the original envelope sender.
    static func deliveredTo(_ headers: HeaderBlock) -> [String] {
        var found: [String] = []
        for name in ["delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "to"] {
            for value in headers.all(name).prefix(10) { found += Addresses.extract(value) }
        }
        return unique(found)
    }

    /// The address most likely to be the VERP one: the first with a `+`, else the first.
    private static func preferred(_ addresses: [String]) -> String? {
        addresses.first { $0.contains("+") } ?? addresses.first
    }

    private static func unique(_ addresses: [String]) -> [String] {
        var seen = Set<String>()
        return addresses.filter { seen.insert($0.lowercased()).inserted }
    }

    /// One printable line of bounded length: reports are untrusted and end up in `status` and logs.
    static func sanitize(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar == " " || scalar.properties.isWhitespace || scalar.properties.generalCategory == .format
            if isSpace {
                if !lastWasSpace, !out.isEmpty { out.append(" ") }
                lastWasSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
            if out.count >= maximumDiagnostic { break }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

extension BounceKind {
    /// Which of several recipients' outcomes a report is counted as: the worst.
    var severity: Int {
        switch self {
        case .notReport: 0
        case .soft: 1
        case .hard: 2
        case .complaint: 3
        }
    }
}
