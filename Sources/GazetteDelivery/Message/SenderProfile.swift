public import GazetteCore
public import GazetteMail

/// Who the mail comes from and where its links point; the same for every message of a run.
public struct SenderProfile: Sendable {
    public var from: Mailbox
    /// Public base URL of `gazette serve`, for unsubscribe and preferences links.
    public var baseURL: String
    public var postalAddress: String
    public var signer: LinkSigner
    /// `GAZETTE_BOUNCE_ADDRESS`: when set, each digest's envelope sender is a signed VERP address under it.
    public var bounceAddress: BounceAddress?

    public init(from: Mailbox, baseURL: String, postalAddress: String, signer: LinkSigner, bounceAddress: BounceAddress? = nil) {
        self.from = from
        self.baseURL = baseURL
        self.postalAddress = postalAddress
        self.signer = signer
        self.bounceAddress = bounceAddress
    }

    public var listName: String { from.name ?? "Gazette" }
}
