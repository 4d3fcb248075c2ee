/// The links an e-mail carries for its subscriber, under the public base URL of `gazette serve`.
public struct SubscriberLinks: Hashable, Sendable {
    public var unsubscribe: String
    public var preferences: String
    /// `mailto:` target for mail clients that unsubscribe by e-mail.
    public var unsubscribeMailto: String

    public init(unsubscribe: String, preferences: String, unsubscribeMailto: String) {
        self.unsubscribe = unsubscribe
        self.preferences = preferences
        self.unsubscribeMailto = unsubscribeMailto
    }

    /// - Parameters:
    ///   - baseURL: e.g. `https://news.example.com` (a trailing slash is ignored).
    ///   - mailbox: the address that receives `mailto:` unsubscribe requests.
    public init(baseURL: String, mailbox: String, signer: LinkSigner, subscriberID: Int64, email: String) {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let unsubscribeToken = signer.token(subscriberID: subscriberID, email: email, purpose: .unsubscribe)
        let preferencesToken = signer.token(subscriberID: subscriberID, email: email, purpose: .preferences)
        self.init(
            unsubscribe: "\(base)/unsubscribe/\(unsubscribeToken)",
            preferences: "\(base)/preferences/\(preferencesToken)",
            unsubscribeMailto: "mailto:\(mailbox)?subject=unsubscribe%20\(unsubscribeToken)")
    }
}
