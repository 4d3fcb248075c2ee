/// The VERP envelope sender of one digest: `bounces+2026w48-12-0123456789abcdef@example.com`.
///
/// A bounce or complaint comes back to the envelope sender, so an address that names the (edition,
/// subscriber) pair tells Gazette which delivery the report is about without trusting anything else in
/// the report. The token is `<edition>-<subscriber id>-<signature>`: lower-case letters, digits and
/// hyphens only, because MTAs lower-case local parts (Postfix's pipe `u` flag) and some drop other
/// characters; the signature is 64 bits of HMAC-SHA256 under the link secret over the edition, the id and
/// the subscriber's address, so a forged or stale token (an erased subscriber, another list's secret)
/// matches nothing.
public struct BounceAddress: Hashable, Sendable {
    /// The configured base address (`bounces@example.com`), without a `+` in its local part.
    public let base: EmailAddress

    /// The longest token: `2026w48` (7) + `-` + an Int64 (19 digits) + `-` + 16 hex digits.
    public static let longestToken = 7 + 1 + 19 + 1 + 16
    /// RFC 5321 allows 64 octets in a local part; base, `+` and token must fit.
    public static let longestBaseLocalPart = 64 - 1 - longestToken

    public init(_ text: String) throws(EmailAddressError) {
        let address = try EmailAddress(text)
        if address.localPart.contains("+") {
            throw EmailAddressError(address: text, problem: "must not contain '+' (it separates the VERP token)")
        }
        if address.localPart.utf8.count > BounceAddress.longestBaseLocalPart {
            throw EmailAddressError(
                address: text,
                problem: "has a local part longer than \(BounceAddress.longestBaseLocalPart) octets (the VERP token needs the rest of 64)")
        }
        base = address
    }

    /// The envelope sender for one subscriber's copy of one edition.
    public func address(edition: Edition, subscriberID: Int64, email: String, signer: LinkSigner) -> EmailAddress {
        let token = BounceAddress.token(edition: edition, subscriberID: subscriberID, email: email, signer: signer)
        // Cannot fail: the base is valid, its local part leaves room for the longest token, and the token's
        // characters are all allowed in a local part.
        return try! EmailAddress("\(base.localPart)+\(token)@\(base.domain)")
    }

    public static func token(edition: Edition, subscriberID: Int64, email: String, signer: LinkSigner) -> String {
        let editionText = "\(edition.year.zeroPadded(4))w\(edition.week.zeroPadded(2))"
        return "\(editionText)-\(subscriberID)-\(signature(edition: edition, subscriberID: subscriberID, email: email, signer: signer))"
    }

    private static func signature(edition: Edition, subscriberID: Int64, email: String, signer: LinkSigner) -> String {
        signer.opaqueID("gazette/v1/bounce/\(edition)/\(subscriberID)/\(email.lowercased())", length: 16)
    }

    /// What a token in an address claims, before it is verified: found in any address of the form
    /// `local+TOKEN@domain`, ignoring case (whatever the base, so reports still match after the operator
    /// changed `GAZETTE_BOUNCE_ADDRESS`).
    public struct Claim: Hashable, Sendable {
        public var edition: Edition
        public var subscriberID: Int64
        /// The token as found, lower-cased.
        public var token: String
    }

    public static func claim(in address: String) -> Claim? {
        let lowered = address.lowercased()
        guard lowered.utf8.count <= 254, let at = lowered.lastIndex(of: "@") else { return nil }
        let local = lowered[..<at]
        guard let plus = local.firstIndex(of: "+") else { return nil }
        let token = String(local[local.index(after: plus)...])
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 7, parts[0].dropFirst(4).first == "w",
              let year = Int(parts[0].prefix(4)), let week = Int(parts[0].suffix(2)),
              let edition = Edition(year: year, week: week),
              parts[1].count <= 19, parts[1].allSatisfy(\.isASCIIDigit), let id = Int64(parts[1]), id > 0,
              parts[2].count == 16, parts[2].allSatisfy(\.isHexDigit)
        else { return nil }
        return Claim(edition: edition, subscriberID: id, token: token)
    }

    /// Whether the claim's token is the one Gazette made for this subscriber's address. Constant time.
    public static func verify(_ claim: Claim, email: String, signer: LinkSigner) -> Bool {
        let expected = Array(token(edition: claim.edition, subscriberID: claim.subscriberID, email: email, signer: signer).utf8)
        let given = Array(claim.token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
