import Foundation
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
    }

    private let key: SymmetricKey

    public init(secret: String) {
        self.key = SymmetricKey(data: Data(secret.utf8))
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

    private func signature(subscriberID: Int64, email: String, purpose: Purpose) -> String {
        let message = "gazette/v1/\(purpose.rawValue)/\(subscriberID)/\(email.lowercased())"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return Data(Array(mac).prefix(16)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A stable digest of `text` under the key, for identifiers that must not reveal data (Message-IDs).
    public func opaqueID(_ text: String, length: Int = 16) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
        return Array(mac).prefix(length / 2).map { String(format: "%02x", $0) }.joined()
    }
}
