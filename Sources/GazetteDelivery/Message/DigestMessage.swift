public import GazetteCore
public import GazetteMail
public import GazetteTemplates

/// One subscriber's digest for one edition, built: what `send` hands to the connection, and what
/// `preview`, `send-test` and the view-in-browser page show. All of them come from `MessageFactory.message`,
/// so what an operator previews is byte for byte what is sent.
public struct DigestMessage: Sendable {
    /// What the subscriber's preferences select from the edition.
    public let digest: Digest
    public let head: MessageHead
    /// The finished message: composed and, with a DKIM key, signed.
    public let bytes: [UInt8]
    /// File-name-safe name: `2026-W48-000012`.
    public let key: String
    /// The shell and the values the body was filled from, for the rendered parts below.
    let shell: MessageShell
    let personal: DigestView.Personalization

    public var envelope: Envelope { head.envelope }
    public var messageID: String { head.messageID }

    /// The subject, text and HTML as rendered for this subscriber (the body before its encoding), for
    /// previews: filled from the same shell as `bytes`.
    public var rendered: RenderedDigest { shell.digest.fill(personal) }
}
