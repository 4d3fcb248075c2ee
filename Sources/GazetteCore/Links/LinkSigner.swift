public import Foundation
import Crypto

/// Signs and verifies the per-subscriber links in every e-mail (unsubscribe, preferences).
///
/// A token is `<subscriber id>.<purpose>.<signature>`; the signature is HMAC-SHA256 over the purpose,
/// the id and the subscriber's address, truncated to 128 bits. Binding the address means a token stays
/// useless if the id is ever reused for someone else; binding the purpose means an unsubscribe token
/// cannot open the preferences page.
public struct LinkSigner: Sendable {
    public enum Purpose: String, Sendable, CaseIterable {
        case unsubscribe = "u"
        case preferences = "p"
        /// Double opt-in: the link in the confirmation e-mail. Always issued with an expiry.
        case confirm = "c"
        /// "View in your browser": one subscriber's digest of one edition.
        case view = "v"
    }

    /// What checking an expiring token found: the pages answer 410 for `expired` and 403 for `invalid`.
    public enum Verdict: Sendable, Equatable {
        case valid
        /// Signed by us for this person, but too old: they may ask for a new one.
        case expired
        /// Malformed, altered, or issued for someone or something else.
        case invalid
    }

    /// Keyed once: every message signs two links and a Message-ID, and a copy of a keyed HMAC skips
    /// hashing the key again each time.
    private let keyed: HMAC<SHA256>

    public init(secret: String) {
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
    }

    private func mac(_ text: String) -> HMAC<SHA256>.MAC {
        var hmac = keyed
        hmac.update(data: Array(text.utf8))
        return hmac.finalize()
    }

    public func token(subscriberID: Int64, email: String, purpose: Purpose) -> String {
        "\(subscriberID).\(purpose.rawValue).\(signature(subscriberID: subscriberID, email: email, purpose: purpose))"
    }

    /// The id and purpose a token claims, before it is verified.
    public static func parse(_ token: String) -> (subscriberID: Int64, purpose: Purpose)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let id = Int64(parts[0]), id > 0, let purpose = Purpose(rawValue: String(parts[1]))
        else { return nil }
        return (id, purpose)
    }

    /// Whether `token` was issued for this subscriber and purpose. Compares in constant time.
    public func verify(_ token: String, subscriberID: Int64, email: String, purpose: Purpose) -> Bool {
        let expected = Array(self.token(subscriberID: subscriberID, email: email, purpose: purpose).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }

    // MARK: Tokens with an expiry and a scope
    //
    // `<subscriber id>.<purpose>.<scope>.<expiry>.<signature>`: the scope names what the token is for beyond the
    // person (an edition for view links; empty otherwise) and the expiry is Unix seconds. The two-dot tokens above
    // stay valid forever, so links in mail already sent keep working; these five-part ones cannot be confused
    // with them (the signed message differs in its prefix).

    /// A token that verifies until `expires`.
    public func token(subscriberID: Int64, email: String, purpose: Purpose, scope: String = "", expires: Date) -> String {
        let expiry = Int64(expires.timeIntervalSince1970.rounded(.down))
        let signature = scopedSignature(subscriberID: subscriberID, email: email, purpose: purpose, scope: scope, expiry: expiry)
        return "\(subscriberID).\(purpose.rawValue).\(scope).\(expiry).\(signature)"
    }

    /// The id, purpose, scope and expiry a five-part token claims, before it is verified.
    public static func parseScoped(_ token: String) -> (subscriberID: Int64, purpose: Purpose, scope: String, expires: Date)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, let id = Int64(parts[0]), id > 0, let purpose = Purpose(rawValue: String(parts[1])),
              parts[2].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), parts[2].count <= 16,
              let expiry = Int64(parts[3]), expiry > 0
        else { return nil }
        return (id, purpose, String(parts[2]), Date(timeIntervalSince1970: TimeInterval(expiry)))
    }

    /// Checks a five-part token for this person, purpose and scope at `now`. The signature is checked first:
    /// an altered expiry is `.invalid`, not `.expired`.
    public func verifyScoped(
        _ token: String, subscriberID: Int64, email: String, purpose: Purpose, scope: String = "", now: Date
    ) -> Verdict {
        guard let claim = LinkSigner.parseScoped(token), claim.subscriberID == subscriberID, claim.purpose == purpose,
              claim.scope == scope
        else { return .invalid }
        let expected = self.token(subscriberID: subscriberID, email: email, purpose: purpose, scope: scope, expires: claim.expires)
        guard LinkSigner.constantTimeEquals(Array(expected.utf8), Array(token.utf8)) else { return .invalid }
        return claim.expires > now ? .valid : .expired
    }

    private func scopedSignature(subscriberID: Int64, email: String, purpose: Purpose, scope: String, expiry: Int64) -> String {
        let message = "gazette/v2/\(purpose.rawValue)/\(subscriberID)/\(email.lowercased())/\(scope)/\(expiry)"
        return mac(message).withUnsafeBytes { LinkSigner.base64URL(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }

    static func constantTimeEquals(_ expected: [UInt8], _ given: [UInt8]) -> Bool {
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }

    private func signature(subscriberID: Int64, email: String, purpose: Purpose) -> String {
        let message = "gazette/v1/\(purpose.rawValue)/\(subscriberID)/\(email.lowercased())"
        return mac(message).withUnsafeBytes { LinkSigner.base64URL(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }

    /// A stable digest of `text` under the key, for identifiers that must not reveal data (Message-IDs).
    public func opaqueID(_ text: String, length: Int = 16) -> String {
        return mac(text).withUnsafeBytes { bytes in
            let digits = Array("0123456789abcdef".utf8)
            var hex: [UInt8] = []
            hex.reserveCapacity(length)
            for byte in bytes.prefix(length / 2) {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: hex, as: UTF8.self)
        }
    }

    /// The keyed hash that stands for an erased address on the suppression list: it recognises the
    /// address when it comes back (import, signup) without storing it, and means nothing without the key.
    public func addressHash(_ email: String) -> String {
        opaqueID("gazette/v1/suppressed/\(email.lowercased())", length: 64)
    }

    /// Base64 with the URL-safe alphabet (RFC 4648 §5) and no padding: one of these runs per link of
    /// every message, so it works on bytes rather than through `Data` and string replacements.
    static func base64URL(_ bytes: UnsafeRawBufferPointer) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            let remaining = bytes.count - index
            let characters = remaining >= 3 ? 4 : remaining + 1  // no padding
            for position in 0..<characters {
                out.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
