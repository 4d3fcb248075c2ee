import Foundation
import GazetteCore
import GazetteMail

/// Messages for the SMTP tests, composed by the real `MessageComposer` as the pipeline does.
enum SmtpTestMessages {
    static let senderAddress = "digest@gazette.test"

    /// A composed digest-like message to `recipient`, and its envelope.
    static func composed(to recipient: String, number: Int = 1) throws -> (bytes: [UInt8], envelope: Envelope) {
        let message = OutgoingMessage(
            from: Mailbox(name: "Backend Jobs Weekly", address: try EmailAddress(senderAddress)),
            to: Mailbox(name: "Zoë Tester", address: try EmailAddress(recipient)),
            subject: "Your digest #\(number): 3 new openings — Swift, Go",
            date: Date(timeIntervalSince1970: 1_795_939_200),
            messageID: "gazette.2026-W48.\(number)@gazette.test",
            unsubscribeURIs: ["https://gazette.test/u/\(number)", "mailto:unsubscribe@gazette.test?subject=\(number)"],
            listID: "Backend Jobs Weekly <digest.gazette.test>",
            text: "Hello Zoë,\n\n.a line starting with a dot\n.\nFrom the desk: salaries rose 3 %.\n",
            html: "<p>Hello Zoë,</p>\n<p>Salaries rose 3&nbsp;%.</p>\n")
        return (MessageComposer().compose(message), message.envelope)
    }

    /// Raw CRLF text with lines that SMTP must dot-stuff (".", "..", ".text"). The composer's
    /// quoted-printable encoding never produces such lines, so this one is written by hand: it
    /// checks that libcurl stuffs them once and that nothing else changes.
    static func dotted(to recipient: String) throws -> (bytes: [UInt8], envelope: Envelope) {
        let text =
            "From: <\(senderAddress)>\r\nTo: <\(recipient)>\r\nSubject: dots\r\n\r\n"
            + ".\r\n..\r\n.leading dot\r\n...\r\nmiddle . dot\r\n \r\n.\r\nend\r\n"
        return (Array(text.utf8), Envelope(sender: try EmailAddress(senderAddress), recipient: try EmailAddress(recipient)))
    }
}
