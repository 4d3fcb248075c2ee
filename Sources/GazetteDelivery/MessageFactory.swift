public import Foundation
public import GazetteCore
public import GazetteMail
public import GazetteTemplates

/// Who the mail comes from and where its links point; the same for every message of a run.
public struct SenderProfile: Sendable {
    public var from: Mailbox
    /// Public base URL of `gazette serve`, for unsubscribe and preferences links.
    public var baseURL: String
    public var postalAddress: String
    public var signer: LinkSigner

    public init(from: Mailbox, baseURL: String, postalAddress: String, signer: LinkSigner) {
        self.from = from
        self.baseURL = baseURL
        self.postalAddress = postalAddress
        self.signer = signer
    }

    public var listName: String { from.name ?? "Gazette" }
}

/// A message ready for the transport, with the digest it was built from.
public struct PreparedMessage: Sendable {
    public var digest: Digest
    public var rendered: RenderedDigest
    public var message: OutgoingMessage
    public var bytes: [UInt8]
    /// File-name-safe name: `2026-W48-000012`.
    public var key: String
}

/// Builds one subscriber's e-mail for one edition. `send`, `send-test` and `preview` all go through
/// here, so what an operator previews is byte for byte the body that is sent.
public struct MessageFactory: Sendable {
    public let templates: DigestTemplates
    public let sender: SenderProfile
    let composer = MessageComposer()
    /// Rendered shells by digest: subscribers who see the same digest share one Mustache rendering.
    let shells = ShellCache()

    public init(templates: DigestTemplates, sender: SenderProfile) {
        self.templates = templates
        self.sender = sender
    }

    /// - Parameter recipient: where to send it; the subscriber's own address unless this is a test copy,
    ///   which gets a Message-ID of its own so that it can never be mistaken for (or deduplicated with) the real one.
    public func prepare(
        content: EditionContent, subscriber: Subscriber, date: Date, recipient: EmailAddress? = nil
    ) throws(DeliveryError) -> PreparedMessage {
        guard let id = subscriber.id else { throw .unknownSubscriber(subscriber.email) }
        let address: EmailAddress
        do { address = try recipient ?? EmailAddress(subscriber.email) } catch { throw .unknownSubscriber(subscriber.email) }
        let digest = Digest(content: content, preferences: subscriber.preferences)
        let links = SubscriberLinks(
            baseURL: sender.baseURL, mailbox: sender.from.address.value, signer: sender.signer, subscriberID: id,
            email: subscriber.email)
        let personal = DigestView.Personalization(subscriber: subscriber, links: links)
        let rendered: RenderedDigest
        do {
            let shell = try shells.shell(for: digest) { () throws(TemplateError) -> DigestShell in
                try templates.renderShell(DigestView(
                    digest: digest, personal: personal,
                    sender: DigestView.Sender(listName: sender.listName, postalAddress: sender.postalAddress)))
            }
            rendered = shell.fill(personal)
        } catch {
            throw .template(error)
        }
        let edition = content.edition.description
        let domain = sender.from.address.domain
        let message = OutgoingMessage(
            from: sender.from,
            to: Mailbox(name: subscriber.name.isEmpty ? nil : subscriber.name, address: address),
            subject: rendered.subject,
            date: date,
            messageID: recipient == nil
                ? "gazette.\(edition).\(sender.signer.opaqueID("\(edition)/\(subscriber.email.lowercased())"))@\(domain)"
                : "gazette.test.\(edition).\(UUID().uuidString.lowercased())@\(domain)",
            unsubscribeURIs: [links.unsubscribe, links.unsubscribeMailto],
            listID: "\(sender.listName) <\(sender.from.address.localPart).\(domain)>",
            text: rendered.text,
            html: rendered.html)
        return PreparedMessage(
            digest: digest, rendered: rendered, message: message, bytes: composer.compose(message),
            key: "\(edition)-\(String(format: "%06lld", id))")
    }
}
