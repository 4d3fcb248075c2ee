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

/// A message ready for the transport: what the send path needs.
public struct ComposedMessage: Sendable {
    public var digest: Digest
    public var head: MessageHead
    public var bytes: [UInt8]
    /// File-name-safe name: `2026-W48-000012`.
    public var key: String

    public var envelope: Envelope { head.envelope }
}

/// A message with its rendered parts besides, for previews: the same bytes as `ComposedMessage`.
public struct PreparedMessage: Sendable {
    public var digest: Digest
    public var rendered: RenderedDigest
    public var message: OutgoingMessage
    public var bytes: [UInt8]
    /// File-name-safe name: `2026-W48-000012`.
    public var key: String
    /// The HTML part for a browser (`/view/TOKEN`, the operator preview): the charts drawn as SVG.
    public var webHTML: String
}

/// Builds one subscriber's e-mail for one edition. `send`, `send-test` and `preview` all go through
/// here, so what an operator previews is byte for byte the body that is sent.
public struct MessageFactory: Sendable {
    public let templates: DigestTemplates
    public let sender: SenderProfile
    let composer = MessageComposer()
    /// Encoded shells by preferences and digest: subscribers who see the same digest share one
    /// Mustache rendering and one encoding of everything but their own name, address and links.
    let shells = ShellCache()
    /// The edition's charts, drawn once per edition and group for all the shells above; the reader's
    /// minimum-salary marker is added to the shared markup when a shell is rendered (see `ShellCache.key`).
    let charts = ChartCache()
    /// Signs every message this factory builds, when the operator configured a DKIM key.
    public let dkim: DKIMSigner?

    public init(templates: DigestTemplates, sender: SenderProfile, dkim: DKIMSigner? = nil) {
        self.templates = templates
        self.sender = sender
        self.dkim = dkim
    }

    /// The message for `send`.
    public func compose(
        content: EditionContent, subscriber: Subscriber, date: Date
    ) throws(DeliveryError) -> ComposedMessage {
        try build(content: content, subscriber: subscriber, date: date, recipient: nil).message
    }

    /// The message with its rendered parts, for previews and test copies.
    /// - Parameter recipient: where to send it; the subscriber's own address unless this is a test copy,
    ///   which gets a Message-ID of its own so that it can never be mistaken for (or deduplicated with) the real one.
    public func prepare(
        content: EditionContent, subscriber: Subscriber, date: Date, recipient: EmailAddress? = nil
    ) throws(DeliveryError) -> PreparedMessage {
        let (composed, shell, personal) = try build(content: content, subscriber: subscriber, date: date, recipient: recipient)
        let rendered = shell.digest.fill(personal)
        return PreparedMessage(
            digest: composed.digest, rendered: rendered,
            message: OutgoingMessage(head: composed.head, text: rendered.text, html: rendered.html),
            bytes: composed.bytes, key: composed.key,
            webHTML: WebCharts.replacingCharts(in: rendered.html, digest: composed.digest, charts: charts.charts(for: content)))
    }

    private func build(
        content: EditionContent, subscriber: Subscriber, date: Date, recipient: EmailAddress?
    ) throws(DeliveryError) -> (message: ComposedMessage, shell: MessageShell, personal: DigestView.Personalization) {
        guard let id = subscriber.id else { throw .unknownSubscriber(subscriber.email) }
        let address: EmailAddress
        if let recipient {
            address = recipient
        } else {
            do throws(EmailAddressError) { address = try EmailAddress(subscriber.email) } catch { throw .invalidAddress(error) }
        }
        let links = SubscriberLinks(
            baseURL: sender.baseURL, mailbox: sender.from.address.value, signer: sender.signer, subscriberID: id,
            email: subscriber.email, edition: content.edition)
        let personal = DigestView.Personalization(subscriber: subscriber, links: links)
        let entry: (digest: Digest, shell: MessageShell)
        do {
            entry = try shells.entry(content: content, preferences: subscriber.preferences) { digest throws(TemplateError) in
                try templates.renderShell(DigestView(
                    digest: digest, personal: personal,
                    sender: DigestView.Sender(listName: sender.listName, postalAddress: sender.postalAddress),
                    charts: charts.charts(for: content)))
            }
        } catch {
            throw .template(error)
        }
        let shell = entry.shell
        let values = DigestShell.Values(personal)
        let edition = content.edition.description
        let domain = sender.from.address.domain
        let head = MessageHead(
            from: sender.from,
            to: Mailbox(name: subscriber.name.isEmpty ? nil : subscriber.name, address: address),
            subject: shell.subject(values),
            date: date,
            messageID: recipient == nil
                ? "gazette.\(edition).\(sender.signer.opaqueID("\(edition)/\(subscriber.email.lowercased())"))@\(domain)"
                : "gazette.test.\(edition).\(UUID().uuidString.lowercased())@\(domain)",
            unsubscribeURIs: [links.unsubscribe, links.unsubscribeMailto],
            listID: "\(sender.listName) <\(sender.from.address.localPart).\(domain)>",
            envelopeSender: envelopeSender(edition: content.edition, subscriberID: id, email: subscriber.email, testCopy: recipient != nil))
        var bytes = composer.compose(head, sizeHint: shell.byteCount / 2) { part, out in
            switch part {
            case .text: shell.writeText(values, into: &out)
            case .html: shell.writeHTML(values, into: &out)
            }
        }
        // The one place final bytes are made (send, test copies, previews): signed here, over exactly
        // those bytes. Each body holds the subscriber's own links, so its hash is computed per message.
        if let dkim {
            do throws(DKIMError) { bytes = try dkim.sign(bytes, timestamp: date) } catch { throw .unexpected(error.description) }
        }
        let key = "\(edition)-" + id.zeroPadded(6)
        return (ComposedMessage(digest: entry.digest, head: head, bytes: bytes, key: key), shell, personal)
    }

    /// The VERP address for a digest; a test copy gets the bare bounce address (it has no ledger row, so
    /// its bounce can only be unmatched), and without a bounce address the From address is used.
    private func envelopeSender(edition: Edition, subscriberID: Int64, email: String, testCopy: Bool) -> EmailAddress? {
        guard let bounce = sender.bounceAddress else { return nil }
        if testCopy { return bounce.base }
        return bounce.address(edition: edition, subscriberID: subscriberID, email: email, signer: sender.signer)
    }
}
