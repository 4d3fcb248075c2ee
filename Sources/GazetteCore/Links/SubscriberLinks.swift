public import Foundation

/// The links an e-mail carries for its subscriber, under the public base URL of `gazette serve`.
public struct SubscriberLinks: Hashable, Sendable {
    public var unsubscribe: String
    public var preferences: String
    /// `mailto:` target for mail clients that unsubscribe by e-mail.
    public var unsubscribeMailto: String
    /// "View in your browser": this subscriber's digest of this edition; empty without an edition.
    public var view: String

    /// View links work this long after their edition began: long enough to find a digest again, not forever.
    public static let viewLifetime: TimeInterval = 400 * 86_400

    public init(unsubscribe: String, preferences: String, unsubscribeMailto: String, view: String = "") {
        self.unsubscribe = unsubscribe
        self.preferences = preferences
        self.unsubscribeMailto = unsubscribeMailto
        self.view = view
    }

    /// - Parameters:
    ///   - baseURL: e.g. `https://news.example.com` (a trailing slash is ignored).
    ///   - mailbox: the address that receives `mailto:` unsubscribe requests.
    ///   - edition: the digest's edition, for the view link; its expiry derives from the edition, so the link
    ///     (and the message) is the same whenever it is built.
    public init(baseURL: String, mailbox: String, signer: LinkSigner, subscriberID: Int64, email: String, edition: Edition? = nil) {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let unsubscribeToken = signer.token(subscriberID: subscriberID, email: email, purpose: .unsubscribe)
        let preferencesToken = signer.token(subscriberID: subscriberID, email: email, purpose: .preferences)
        self.init(
            unsubscribe: "\(base)/unsubscribe/\(unsubscribeToken)",
            preferences: "\(base)/preferences/\(preferencesToken)",
            unsubscribeMailto: "mailto:\(mailbox)?subject=unsubscribe%20\(unsubscribeToken)",
            view: edition.map { edition in
                let token = signer.token(
                    subscriberID: subscriberID, email: email, purpose: .view, scope: edition.description,
                    expires: edition.start.addingTimeInterval(SubscriberLinks.viewLifetime))
                return "\(base)/view/\(token)"
            } ?? "")
    }
}
