public import Foundation
public import GazetteCore
public import GazetteMail
public import GazetteTemplates

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

    /// One subscriber's message for this edition: the one way a digest e-mail is built, for `send`,
    /// `send-test`, `preview` and the view-in-browser page.
    ///
    /// The Mustache templates are rendered once per distinct digest (`ShellCache`); per message, the
    /// shell's encoded parts are filled with the subscriber's name, address and signed links, and the
    /// head and body go to the MIME composer, then to the DKIM signer.
    ///
    /// - Parameter recipient: where to send it; the subscriber's own address unless this is a test copy,
    ///   which gets a Message-ID of its own so that it can never be mistaken for (or deduplicated with) the real one.
    public func message(
        content: EditionContent, subscriber: Subscriber, date: Date, recipient: EmailAddress? = nil
    ) throws(DeliveryError) -> DigestMessage {
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
        var bytes = composer.compose(OutgoingMessage(head: head, body: shell.body(values)))
        // The one place final bytes are made (send, test copies, previews): signed here, over exactly
        // those bytes. Each body holds the subscriber's own links, so its hash is computed per message.
        if let dkim {
            do throws(DKIMError) { bytes = try dkim.sign(bytes, timestamp: date) } catch { throw .unexpected(error.description) }
        }
        let key = "\(edition)-" + id.zeroPadded(6)
        return DigestMessage(digest: entry.digest, head: head, bytes: bytes, key: key, shell: shell, personal: personal)
    }

    /// The HTML part for a browser (`/view/TOKEN`, the operator preview): the charts drawn as SVG
    /// instead of the table cells e-mail clients need.
    public func webHTML(of message: DigestMessage, content: EditionContent) -> String {
        WebCharts.replacingCharts(in: message.rendered.html, digest: message.digest, charts: charts.charts(for: content))
    }

    /// The VERP address for a digest; a test copy gets the bare bounce address (it has no ledger row, so
    /// its bounce can only be unmatched), and without a bounce address the From address is used.
    private func envelopeSender(edition: Edition, subscriberID: Int64, email: String, testCopy: Bool) -> EmailAddress? {
        guard let bounce = sender.bounceAddress else { return nil }
        if testCopy { return bounce.base }
        return bounce.address(edition: edition, subscriberID: subscriberID, email: email, signer: sender.signer)
    }
}
