public import Foundation
public import GazetteCore
public import GazetteMail
public import GazetteTemplates

/// Builds and sends the double opt-in e-mail through the configured transport (outbox or SMTP).
///
/// One session per e-mail: confirmations are rare (one per address per ten minutes at most) and a held-open
/// SMTP connection would only time out between them.
public struct ConfirmationSender: Sendable {
    let templates: DigestTemplates
    let sender: SenderProfile
    let transport: any MailTransport
    /// Confirmations are signed like every other message Gazette sends, when a DKIM key is configured.
    let dkim: DKIMSigner?
    private let lane = BlockingLane(label: "gazette.confirmation")

    public init(templates: DigestTemplates, sender: SenderProfile, transport: any MailTransport, dkim: DKIMSigner? = nil) {
        self.templates = templates
        self.sender = sender
        self.transport = transport
        self.dkim = dkim
    }

    /// The bytes that go out: composed, and DKIM-signed when a key is configured.
    public func bytes(of message: OutgoingMessage) throws(DeliveryError) -> [UInt8] {
        let bytes = MessageComposer().compose(message)
        guard let dkim else { return bytes }
        do throws(DKIMError) { return try dkim.sign(bytes, timestamp: message.head.date) } catch {
            throw .unexpected(error.description)
        }
    }

    /// The message, separate from sending so tests can look at it.
    public func message(to subscriber: Subscriber, confirmURL: String, expires: Date, date: Date) throws(DeliveryError) -> OutgoingMessage {
        let address: EmailAddress
        do throws(EmailAddressError) { address = try EmailAddress(subscriber.email) } catch { throw .invalidAddress(error) }
        let rendered: RenderedDigest
        do {
            rendered = try templates.renderConfirmation(ConfirmationView(
                listName: sender.listName, name: subscriber.name, email: subscriber.email, confirmURL: confirmURL,
                expires: expires, postalAddress: sender.postalAddress))
        } catch {
            throw .template(error)
        }
        let domain = sender.from.address.domain
        // No List-Unsubscribe: this is a one-off transactional message to someone not on the list yet.
        return OutgoingMessage(
            from: sender.from, to: Mailbox(name: subscriber.name.isEmpty ? nil : subscriber.name, address: address),
            subject: rendered.subject, date: date,
            messageID: "gazette.confirm.\(UUID().uuidString.lowercased())@\(domain)", unsubscribeURIs: [], listID: nil,
            text: rendered.text, html: rendered.html)
    }

    /// Sends it; a refusal or an unreachable server is an error for the caller to log.
    public func send(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws(DeliveryError) {
        let message = try message(to: subscriber, confirmURL: confirmURL, expires: expires, date: Date())
        let bytes = try bytes(of: message)
        let key = "confirm-" + (subscriber.id ?? 0).zeroPadded(6) + "-" + String(Int64(Date().timeIntervalSince1970))
        let transport = self.transport
        let result: Result<SendOutcome, MailError> = await lane.run {
            do throws(MailError) {
                let session = try transport.openSession()
                defer { session.close() }
                return .success(try session.send(bytes, envelope: message.envelope, key: key))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(.accepted): return
        case .success(.deferred(_, let reply)), .success(.rejected(_, let reply)):
            throw .unexpected("confirmation e-mail refused: \(reply)")
        case .failure(let error): throw .mail(error)
        }
    }
}
