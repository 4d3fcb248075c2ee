public import Foundation
public import GazetteCore
import GazetteStore

/// Sends the double opt-in e-mail. The CLI (the composition root) implements it with the templates and the
/// configured transport; the web module only decides when one is owed. By the time it is called, the store
/// has recorded the e-mail as owed (`requestSignup`), so an implementation may also just wake a sender that
/// reads `Store.claimOwedConfirmations`.
public protocol ConfirmationMailer: Sendable {
    /// - Parameters:
    ///   - confirmURL: `BASE_URL/confirm/TOKEN`, already signed.
    ///   - expires: when the link stops working, for the e-mail's text.
    func sendConfirmation(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws
}

/// The link in a confirmation e-mail, `BASE_URL/confirm/TOKEN`: built the same way by the signup route and by
/// the sender of owed confirmations (`Store.claimOwedConfirmations`).
public enum ConfirmationLink {
    public static func url(baseURL: String, signer: LinkSigner, subscriberID: Int64, email: String, expires: Date) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let token = signer.token(subscriberID: subscriberID, email: email, purpose: .confirm, expires: expires)
        return "\(base)/confirm/\(token)"
    }
}
