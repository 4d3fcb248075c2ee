public import Foundation
public import GazetteCore

/// A display name and an address.
public struct Mailbox: Hashable, Sendable {
    public var name: String?
    public var address: EmailAddress

    public init(name: String?, address: EmailAddress) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <addr@example.com>` or a bare address.
    public init(parsing text: String) throws(EmailAddressError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            self.init(name: name.isEmpty ? nil : name, address: try EmailAddress(address))
        } else {
            self.init(name: nil, address: try EmailAddress(trimmed))
        }
    }
}

/// A message before it becomes MIME: its header fields and its two alternatives.
public struct OutgoingMessage: Sendable {
    public var head: MessageHead
    public var body: MessageBody

    public init(head: MessageHead, body: MessageBody) {
        self.head = head
        self.body = body
    }

    public init(head: MessageHead, text: String, html: String) {
        self.init(head: head, body: .plain(text: text, html: html))
    }

    public init(
        from: Mailbox, to: Mailbox, subject: String, date: Date, messageID: String, unsubscribeURIs: [String],
        listID: String?, text: String, html: String
    ) {
        self.init(
            head: MessageHead(
                from: from, to: to, subject: subject, date: date, messageID: messageID, unsubscribeURIs: unsubscribeURIs,
                listID: listID),
            text: text, html: html)
    }

    /// The SMTP envelope: sender and the one recipient of this transaction.
    public var envelope: Envelope { head.envelope }
}

/// The text and HTML alternatives of a message, in one of two forms the composer writes as they are.
public enum MessageBody: Sendable {
    /// As written: the composer encodes both quoted-printable (confirmations, tests).
    case plain(text: String, html: String)
    /// Already quoted-printable encoded with CRLF line ends, byte for byte what `.plain` would give: the digest
    /// path encodes what subscribers share once per shell and only the personal values per message
    /// (`MessageShell`), and hands the parts over finished.
    case encoded(text: [UInt8], html: [UInt8])

    /// Roughly how many bytes the encoded parts take, to size the message buffer once.
    var encodedSizeHint: Int {
        switch self {
        case .plain(let text, let html): text.utf8.count * 11 / 10 + html.utf8.count * 11 / 10
        case .encoded(let text, let html): text.count + html.count
        }
    }
}

/// The header fields of a message: everything but its body.
public struct MessageHead: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var date: Date
    /// Without angle brackets: `gazette.2026-W48.ab12…@example.com`.
    public var messageID: String
    /// `List-Unsubscribe` URIs, https first.
    public var unsubscribeURIs: [String]
    /// `List-Id` value, e.g. `Backend Jobs Weekly <digest.example.com>`.
    public var listID: String?
    /// MAIL FROM when it is not the From address: the VERP bounce address (`bounces+TOKEN@…`), where
    /// bounces and complaints come back. Never a header of the message (the receiving MTA adds
    /// `Return-Path` from the envelope).
    public var envelopeSender: EmailAddress?

    public init(
        from: Mailbox, to: Mailbox, subject: String, date: Date, messageID: String, unsubscribeURIs: [String],
        listID: String?, envelopeSender: EmailAddress? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.unsubscribeURIs = unsubscribeURIs
        self.listID = listID
        self.envelopeSender = envelopeSender
    }

    /// The SMTP envelope: sender and the one recipient of this transaction.
    public var envelope: Envelope { Envelope(sender: envelopeSender ?? from.address, recipient: to.address) }
}

/// MAIL FROM and RCPT TO of one SMTP transaction: validated addresses only, never raw data.
public struct Envelope: Hashable, Sendable {
    public var sender: EmailAddress
    public var recipient: EmailAddress

    public init(sender: EmailAddress, recipient: EmailAddress) {
        self.sender = sender
        self.recipient = recipient
    }
}
