import GazetteMail
import Testing

/// How the debug-callback transcript follows the SMTP dialogue.
struct SmtpTranscriptTests {
    func feed(_ transcript: SmtpTranscript, sent: String? = nil, received: String? = nil) {
        if let sent { Array(sent.utf8).withUnsafeBytes { transcript.commandSent($0) } }
        if let received { Array(received.utf8).withUnsafeBytes { transcript.replyReceived($0) } }
    }

    @Test func followsStagesAndJoinsMultiLineReplies() {
        let transcript = SmtpTranscript()
        feed(transcript, received: "220 mx ESMTP\r\n")
        #expect(transcript.stage == .greeting && transcript.reply?.code == 220)
        feed(transcript, sent: "EHLO gazette.test\r\n", received: "250-mx\r\n250-PIPELINING\r\n")
        #expect(transcript.reply == nil, "a multi-line reply is complete only at its last line")
        feed(transcript, received: "250 AUTH PLAIN\r\n")
        #expect(transcript.reply == SmtpTranscript.Reply(code: 250, text: "mx PIPELINING AUTH PLAIN"))
        feed(transcript, sent: "MAIL FROM:<a@example.org>\r\n", received: "250 2.1.0 Ok\r\n")
        feed(transcript, sent: "RCPT TO:<b@example.org>\r\n", received: "550 5.1.1 <b@example.org>: unknown\r\n")
        #expect(transcript.stage == .recipient)
        #expect(transcript.reply?.line == "550 5.1.1 <b@example.org>: unknown")
        // libcurl's QUIT after the failure must not overwrite the reply that matters.
        feed(transcript, sent: "QUIT\r\n", received: "221 Bye\r\n")
        #expect(transcript.reply?.code == 550)
    }

    @Test func dataThenFinalReply() {
        let transcript = SmtpTranscript()
        feed(transcript, sent: "DATA\r\n", received: "354 go ahead\r\n")
        #expect(transcript.stage == .endOfData)
        feed(transcript, received: "554 5.7.1 rejected\r\n")
        #expect(transcript.stage == .endOfData && transcript.reply?.code == 554)
    }

    @Test func authContinuationLinesAreNeverKept() {
        let transcript = SmtpTranscript()
        feed(transcript, sent: "AUTH LOGIN\r\n", received: "334 VXNlcm5hbWU6\r\n")
        feed(transcript, sent: "Z2F6ZXR0ZQ==\r\n", received: "334 UGFzc3dvcmQ6\r\n")
        feed(transcript, sent: "aHVudGVyMg==\r\n", received: "535 5.7.8 failed\r\n")
        #expect(transcript.stage == .auth)
        // Only the code: a reply during AUTH may echo credentials (see SmtpTranscriptAuthTests).
        #expect(transcript.reply?.line == "535")
    }

    @Test func repliesSplitAcrossCallsAndControlCharacters() {
        let transcript = SmtpTranscript()
        feed(transcript, sent: "RCPT TO:<b@example.org>\r\n", received: "45")
        feed(transcript, received: "1 4.3.0 try\u{7}later\r\n")
        #expect(transcript.reply?.line == "451 4.3.0 try later")
    }
}
