/// What the receiving side said about one message.
public enum SendOutcome: Hashable, Sendable {
    /// Accepted (SMTP 2xx, or written to the outbox). `detail` is the reply or the file written.
    case accepted(detail: String)
    /// Not accepted now, may be accepted later (4xx, connection faults): retry with backoff.
    case deferred(code: Int?, reply: String)
    /// Refused for this recipient for good (5xx): record, never retry.
    case rejected(code: Int, reply: String)
}

/// One connection (or one open outbox) that sends many messages in turn.
///
/// Its calls block (libcurl, file I/O): callers run them on their own threads, never on Swift's
/// cooperative pool. A session is used by one thread at a time.
public protocol MailSession: AnyObject {
    /// Sends one message to one recipient.
    ///
    /// - Parameter key: a stable, file-name-safe name for the message (`2026-W48-000012`).
    /// - Returns: the outcome for this recipient.
    /// - Throws: `MailError` when no further message can succeed this run (server unavailable,
    ///   authentication refused, sender refused, outbox not writable).
    func send(_ message: [UInt8], envelope: Envelope, key: String) throws(MailError) -> SendOutcome

    /// Ends the session (QUIT for SMTP).
    func close()
}

/// Opens sessions; one per parallel connection.
public protocol MailTransport: Sendable {
    /// A short description for logs and summaries, never containing credentials.
    var summary: String { get }
    func openSession() throws(MailError) -> any MailSession
}
