import Foundation
import GazetteMail
import Testing

/// A hostile or careless server may echo the AUTH PLAIN blob in its refusal: the blob decodes to the
/// password, so nothing of a reply during AUTH may reach an error, a log or the ledger.
struct SmtpTranscriptAuthTests {
    func feed(_ transcript: SmtpTranscript, sent: String) {
        Array(sent.utf8).withUnsafeBytes { transcript.commandSent($0) }
    }

    func feed(_ transcript: SmtpTranscript, received: String) {
        Array(received.utf8).withUnsafeBytes { transcript.replyReceived($0) }
    }

    @Test func aReplyEchoingTheAuthBlobKeepsOnlyItsCode() {
        let blob = Data("\u{0}gazette-sender\u{0}hunter2-secret".utf8).base64EncodedString()
        let transcript = SmtpTranscript()
        feed(transcript, sent: "EHLO client\r\n")
        feed(transcript, received: "250-mx.example.com\r\n250 AUTH PLAIN\r\n")
        feed(transcript, sent: "AUTH PLAIN \(blob)\r\n")
        feed(transcript, received: "535-5.7.8 Authentication failed for \(blob)\r\n535 5.7.8 (\(blob))\r\n")
        #expect(transcript.stage == .auth)
        #expect(transcript.reply?.code == 535)
        #expect(transcript.reply?.line == "535")
        let attempt = SmtpAttempt(
            code: 67, curlMessage: "Login denied", responseCode: 535, reusedConnection: false, stage: transcript.stage,
            reply: transcript.reply, sawPositiveReply: true)
        guard case .stop(let error) = attempt.verdict(server: "mx.example.com:587", secrets: ["hunter2-secret"]) else {
            Issue.record("a refused AUTH must stop the run")
            return
        }
        let text = String(describing: error)
        #expect(!text.contains(blob) && !text.contains(String(blob.prefix(12))), "\(text)")
        #expect(text.contains("refused the SMTP credentials"))
    }

    @Test func repliesAfterAuthAreKeptAgain() {
        let transcript = SmtpTranscript()
        feed(transcript, sent: "AUTH PLAIN abc\r\n")
        feed(transcript, received: "235 2.7.0 Authentication successful\r\n")
        feed(transcript, sent: "MAIL FROM:<digest@example.com>\r\n")
        feed(transcript, received: "550 5.7.1 sender refused\r\n")
        #expect(transcript.reply?.line == "550 5.7.1 sender refused")
    }
}
