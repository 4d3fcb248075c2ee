import GazetteMail
import Testing

/// The mapping from libcurl results to outcomes, for cases a live server cannot produce on demand.
/// Codes: 6/7 cannot resolve/connect, 8 weird server reply, 28 timeout, 55 send error, 56 receive
/// error, 60 peer verification, 64 STARTTLS missing, 67 login denied.
struct SmtpAttemptTests {
    func attempt(
        _ code: Int, response: Int = 0, stage: SmtpTranscript.Stage = .recipient, reply: (Int, String)? = nil,
        reused: Bool = false, positive: Bool = true, message: String = "curl message"
    ) -> SmtpAttempt {
        SmtpAttempt(
            code: code, curlMessage: message, responseCode: response, reusedConnection: reused, stage: stage,
            reply: reply.map { SmtpTranscript.Reply(code: $0.0, text: $0.1) }, sawPositiveReply: positive)
    }

    func verdict(_ attempt: SmtpAttempt) -> SmtpAttempt.Verdict {
        attempt.verdict(server: "mx.example.com:587", secrets: ["hunter2-secret", "gazette-sender"])
    }

    @Test func successKeepsTheFinalReply() {
        let result = verdict(attempt(0, response: 250, stage: .endOfData, reply: (250, "2.0.0 Ok: queued as ABC")))
        #expect(result == .outcome(.accepted(detail: "250 2.0.0 Ok: queued as ABC")))
    }

    @Test func refusalsAtEachStage() {
        #expect(verdict(attempt(55, response: 550, stage: .recipient, reply: (550, "5.1.1 unknown")))
            == .outcome(.rejected(code: 550, reply: "550 5.1.1 unknown")))
        #expect(verdict(attempt(55, response: 451, stage: .recipient, reply: (451, "4.3.0 later")))
            == .outcome(.deferred(code: 451, reply: "451 4.3.0 later")))
        #expect(verdict(attempt(8, response: 554, stage: .endOfData, reply: (554, "5.7.1 spam")))
            == .outcome(.rejected(code: 554, reply: "554 5.7.1 spam")))
        #expect(verdict(attempt(55, response: 452, stage: .mail, reply: (452, "4.3.1 full")))
            == .outcome(.deferred(code: 452, reply: "452 4.3.1 full")))
        #expect(verdict(attempt(55, response: 553, stage: .mail, reply: (553, "5.7.1 not yours")))
            == .stop(.configuration("mx.example.com:587 refused the sender address: 553 5.7.1 not yours")))
        #expect(verdict(attempt(8, response: 554, stage: .greeting, reply: (554, "no service")))
            == .stop(.configuration("mx.example.com:587 refused the SMTP session: 554 no service")))
    }

    @Test func staleResponseCodesAreNotTrusted() {
        // 55 with the code of an earlier command and no reply to the last one: the connection broke.
        let broken = verdict(attempt(55, response: 550, stage: .data, reply: nil, message: "Send failure: Broken pipe"))
        #expect(broken == .outcome(.deferred(code: nil, reply: "connection to mx.example.com:587 failed at DATA: Send failure: Broken pipe (curl error 55)")))
        // 56 after a 250: never a recipient verdict.
        guard case .outcome(.deferred(code: nil, _)) = verdict(attempt(56, response: 250, stage: .recipient, reply: (250, "ok")))
        else {
            Issue.record("a receive error must be a deferral without a code")
            return
        }
    }

    @Test func runStoppingFailures() {
        for code in [6, 7] {
            guard case .stop(.serverUnavailable) = verdict(attempt(code, stage: .greeting, positive: false)) else {
                Issue.record("curl error \(code) must stop the run as server unavailable")
                continue
            }
        }
        for code in [35, 58, 60, 64, 77] {
            guard case .stop(.configuration) = verdict(attempt(code, stage: .greeting)) else {
                Issue.record("curl error \(code) must stop the run as a configuration problem")
                continue
            }
        }
        // Connected, but no greeting ever came: nobody is serving mail there.
        guard case .stop(.serverUnavailable) = verdict(attempt(28, stage: .greeting, positive: false)) else {
            Issue.record("a timeout before the greeting must stop the run")
            return
        }
    }

    @Test func authenticationFailureNeverShowsCredentials() {
        let result = verdict(
            attempt(67, response: 535, stage: .auth, reply: (535, "5.7.8 bad password hunter2-secret for gazette-sender")))
        #expect(result == .stop(.configuration("mx.example.com:587 refused the SMTP credentials: 535 5.7.8 bad password *** for ***")))
    }

    @Test func staleConnectionDetection() {
        // The server said 421 while the pooled connection sat idle: libcurl read it as the reply to MAIL FROM.
        #expect(attempt(55, response: 421, stage: .mail, reply: (421, "idle"), reused: true, positive: false).failedOnStaleConnection)
        // Closed silently: nothing came back at all.
        #expect(attempt(56, stage: .mail, reused: true, positive: false).failedOnStaleConnection)
        #expect(attempt(28, stage: .mail, reused: true, positive: false).failedOnStaleConnection)
        // A new connection, a transaction the server had started to accept, or a real refusal: no retry.
        #expect(!attempt(55, response: 421, stage: .mail, reply: (421, "bye"), reused: false, positive: false).failedOnStaleConnection)
        #expect(!attempt(55, response: 421, stage: .recipient, reply: (421, "bye"), reused: true, positive: true).failedOnStaleConnection)
        #expect(!attempt(55, response: 550, stage: .mail, reply: (550, "no"), reused: true, positive: false).failedOnStaleConnection)
        #expect(!attempt(0, response: 250, stage: .endOfData, reply: (250, "ok"), reused: true).failedOnStaleConnection)
    }

    @Test func envelopeAddressesAreCheckedBeforeLibcurl() {
        #expect(SmtpSession.problem(inEnvelopeAddress: "reader@example.org") == nil)
        #expect(SmtpSession.problem(inEnvelopeAddress: "a@example.org\r\nRCPT TO:<b@example.org>") == "contains a line break")
        #expect(SmtpSession.problem(inEnvelopeAddress: "a b@example.org") == "contains a space or a control character")
        #expect(SmtpSession.problem(inEnvelopeAddress: "a@example.org>") == "contains an angle bracket")
        #expect(SmtpSession.problem(inEnvelopeAddress: "zoë@example.org") == "contains non-ASCII characters")
        #expect(SmtpSession.problem(inEnvelopeAddress: "") == "is empty")
    }
}
