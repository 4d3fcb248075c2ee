/// What a returned message says about a delivery, as `BounceParser` reads it.
public enum BounceKind: String, Sendable, CaseIterable {
    /// RFC 3464 `Action: failed` with a permanent `Status: 5.x.x`: the address does not work.
    case hard
    /// `Action: delayed`, or failed with a transient `4.x.x`: may work next time.
    case soft
    /// RFC 5965 abuse report (`Feedback-Type: abuse`): the recipient marked the message as spam.
    case complaint
    /// Anything else: an auto-reply, a success notification, an unknown format, junk.
    case notReport
}

/// The facts Gazette needs from one DSN or ARF report. Every string is sanitised: printable, one line,
/// bounded, so none of it can reach a header, a log line or a terminal raw.
public struct BounceReport: Sendable, Equatable {
    public var kind: BounceKind
    /// One line for the ledger and `status`: the status code and the remote server's words.
    public var diagnostic: String
    /// The RFC 3463 status code of the worst recipient (`5.1.1`), when the report gave one.
    public var status: String?
    /// The address the report was sent to when it carries a VERP token (`bounces+TOKEN@…`), else the
    /// first address it was sent to.
    public var recipient: String?
    /// Every address that may carry the VERP token, most trusted first: where the report was delivered
    /// (`Delivered-To`, `X-Original-To`, `Envelope-To`, `To`), then the original envelope sender the
    /// report quotes (ARF `Original-Mail-From`, the returned headers' `Return-Path`). The mbox `From `
    /// line is the report's own sender (a MAILER-DAEMON), never one of these.
    public var addresses: [String]
    /// The Message-ID of the returned message, without angle brackets.
    public var messageID: String?
    /// The failed recipient the report names (`Final-Recipient`), for logs only: anyone can write it.
    public var finalRecipient: String?

    public init(
        kind: BounceKind, diagnostic: String = "", status: String? = nil, recipient: String? = nil, addresses: [String] = [],
        messageID: String? = nil, finalRecipient: String? = nil
    ) {
        self.kind = kind
        self.diagnostic = diagnostic
        self.status = status
        self.recipient = recipient
        self.addresses = addresses
        self.messageID = messageID
        self.finalRecipient = finalRecipient
    }
}
