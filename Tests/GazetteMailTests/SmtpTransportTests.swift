import Foundation
import GazetteCore
import GazetteMail
import GazetteTestSupport
import Testing

/// The SMTP transport against real servers started on loopback by each test: Postfix's smtp-sink
/// and a scriptable aiosmtpd server (see Support/). A missing server program fails the test with
/// the package to install; nothing is skipped.
struct SmtpTransportTests {
    /// Short timers, so a regression fails in seconds instead of hanging for the RFC's ten minutes.
    static func transport(
        _ url: String, tls: String? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil
    ) throws -> SmtpTransport {
        var configuration = try SmtpConfiguration.parse(
            url: url, tls: tls, username: username, password: password, caFile: caFile)
        configuration.timeouts.connect = .seconds(5)
        configuration.timeouts.reply = .seconds(20)
        configuration.timeouts.lowSpeedTime = .seconds(20)
        configuration.timeouts.total = .seconds(60)
        return SmtpTransport(configuration: configuration)
    }

    /// The error a send throws, or nil when it returns an outcome.
    static func sendError(_ session: any MailSession, _ message: (bytes: [UInt8], envelope: Envelope)) -> MailError? {
        do {
            _ = try session.send(message.bytes, envelope: message.envelope, key: "test")
            return nil
        } catch {
            return error
        }
    }

    // MARK: - One session, many transactions

    @Test func deliversThreeMessagesOverOneSessionWithIdenticalBytes() throws {
        let server = try SmtpTestServer()
        defer { server.stop() }
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)/gazette.test", tls: "none").openSession()
        var sent: [[UInt8]] = []
        for number in 1...3 {
            let message = try SmtpTestMessages.composed(to: "reader\(number)@example.org", number: number)
            let outcome = try session.send(message.bytes, envelope: message.envelope, key: "2026-W48-\(number)")
            #expect(outcome == .accepted(detail: "250 2.0.0 Ok: queued as GZ000\(number)"))
            sent.append(message.bytes)
        }
        session.close()

        let events = server.waitUntilAllDisconnected()
        #expect(events.filter { $0.event == "connect" }.count == 1, "one connection for three messages")
        #expect(events.filter { $0.event == "ehlo" }.map(\.hostname) == ["gazette.test"], "EHLO once, with the URL's name")
        let messages = events.filter { $0.event == "message" }
        try #require(messages.count == 3)
        for (index, message) in messages.enumerated() {
            #expect(message.sender == SmtpTestMessages.senderAddress)
            #expect(message.recipients == ["reader\(index + 1)@example.org"])
            #expect(try server.message(message.file ?? "") == sent[index], "message \(index + 1) arrived byte for byte")
        }
    }

    @Test func smtpSinkCountsOneSessionForThreeMessages() throws {
        let sink = try SmtpSink()
        defer { sink.stop() }
        let session = try Self.transport(sink.url, tls: "none").openSession()
        for number in 1...3 {
            let message = try SmtpTestMessages.composed(to: "reader\(number)@example.org", number: number)
            let outcome = try session.send(message.bytes, envelope: message.envelope, key: "k\(number)")
            guard case .accepted = outcome else {
                Issue.record("message \(number): \(outcome)")
                continue
            }
        }
        session.close()
        let counters = sink.counters { $0.sessions >= 1 }
        #expect(counters == SmtpSink.Counters(sessions: 1, quits: 1, messages: 3))
    }

    @Test func dotStuffingIsDoneOnceAndUndoneByTheServer() throws {
        let server = try SmtpTestServer()
        defer { server.stop() }
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)", tls: "none").openSession()
        let message = try SmtpTestMessages.dotted(to: "dots@example.org")
        let outcome = try session.send(message.bytes, envelope: message.envelope, key: "dots")
        session.close()
        guard case .accepted = outcome else {
            Issue.record("not accepted: \(outcome)")
            return
        }
        let saved = try #require(server.waitForEvents { $0.contains { $0.event == "message" } }.first { $0.event == "message" })
        #expect(try server.message(saved.file ?? "") == message.bytes)
    }

    // MARK: - Per-recipient outcomes

    @Test func temporaryRecipientFailureIsDeferredAndTheSessionGoesOn() throws {
        let server = try SmtpTestServer(.init(tempfail: ["later@example.org"]))
        defer { server.stop() }
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)", tls: "none").openSession()
        let refused = try SmtpTestMessages.composed(to: "later@example.org")
        let outcome = try session.send(refused.bytes, envelope: refused.envelope, key: "a")
        #expect(outcome == .deferred(code: 451, reply: "451 4.3.0 <later@example.org>: Temporarily unavailable, try again later"))

        // libcurl drops a connection after a failed transaction; the next message must still go.
        let next = try SmtpTestMessages.composed(to: "now@example.org", number: 2)
        guard case .accepted = try session.send(next.bytes, envelope: next.envelope, key: "b") else {
            Issue.record("the message after a deferral was not accepted")
            return
        }
        session.close()
        #expect(server.waitUntilAllDisconnected().filter { $0.event == "message" }.map(\.recipients) == [["now@example.org"]])
    }

    @Test func permanentRecipientFailureIsRejectedWithTheServersReply() throws {
        let server = try SmtpTestServer(.init(reject: ["gone@example.org"]))
        defer { server.stop() }
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)", tls: "none").openSession()
        defer { session.close() }
        let message = try SmtpTestMessages.composed(to: "gone@example.org")
        let outcome = try session.send(message.bytes, envelope: message.envelope, key: "gone")
        #expect(outcome == .rejected(code: 550, reply: "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"))
        #expect(server.events("message").isEmpty)
    }

    /// smtp-sink answers every instance of a command with 4xx (-r), 5xx (-f), 421 and hang-up (-Q)
    /// or a silent hang-up (-q).
    struct SinkReply: Sendable, CustomTestStringConvertible {
        var options: [String]
        var expected: SendOutcome
        var testDescription: String { options.joined(separator: " ") }
    }

    @Test(arguments: [
        SinkReply(options: ["-r", "RCPT"], expected: .deferred(code: 450, reply: "450 4.3.0 Error: command failed")),
        SinkReply(options: ["-f", "RCPT"], expected: .rejected(code: 500, reply: "500 5.3.0 Error: command failed")),
        SinkReply(options: ["-r", "MAIL"], expected: .deferred(code: 450, reply: "450 4.3.0 Error: command failed")),
        SinkReply(options: ["-r", "."], expected: .deferred(code: 450, reply: "450 4.3.0 Error: command failed")),
        SinkReply(options: ["-f", "."], expected: .rejected(code: 500, reply: "500 5.3.0 Error: command failed")),
        SinkReply(options: ["-Q", "RCPT"], expected: .deferred(code: 421, reply: "421 4.0.0 Server closing connection")),
        SinkReply(options: ["-Q", "DATA"], expected: .deferred(code: 421, reply: "421 4.0.0 Server closing connection")),
    ])
    func serverRepliesBecomeOutcomes(_ reply: SinkReply) throws {
        let sink = try SmtpSink(options: reply.options)
        defer { sink.stop() }
        let session = try Self.transport(sink.url, tls: "none").openSession()
        defer { session.close() }
        let message = try SmtpTestMessages.composed(to: "reader@example.org")
        #expect(try session.send(message.bytes, envelope: message.envelope, key: "k") == reply.expected)
    }

    @Test func silentHangUpAfterRcptIsDeferredWithoutACode() throws {
        let sink = try SmtpSink(options: ["-q", "RCPT"])
        defer { sink.stop() }
        let session = try Self.transport(sink.url, tls: "none").openSession()
        defer { session.close() }
        let message = try SmtpTestMessages.composed(to: "reader@example.org")
        let outcome = try session.send(message.bytes, envelope: message.envelope, key: "k")
        guard case .deferred(code: nil, let reply) = outcome else {
            Issue.record("expected a deferral without a code, got \(outcome)")
            return
        }
        #expect(reply.contains("RCPT TO"))
    }

    // MARK: - Pooled connections

    @Test(arguments: ["421", "silent"])
    func connectionClosedWhileIdleIsReplacedBeforeTheNextMessage(_ idleClose: String) throws {
        let server = try SmtpTestServer(.init(idleTimeout: 1, idleClose: idleClose))
        defer { server.stop() }
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)", tls: "none").openSession()
        defer { session.close() }
        let first = try SmtpTestMessages.composed(to: "first@example.org")
        #expect(try session.send(first.bytes, envelope: first.envelope, key: "1") == .accepted(detail: "250 2.0.0 Ok: queued as GZ0001"))

        // The server drops the idle connection; libcurl still holds it in its pool.
        server.waitForEvents { $0.contains { $0.event == "disconnect" } }
        #expect(server.events("idle-timeout").count == 1)

        let second = try SmtpTestMessages.composed(to: "second@example.org", number: 2)
        #expect(try session.send(second.bytes, envelope: second.envelope, key: "2") == .accepted(detail: "250 2.0.0 Ok: queued as GZ0002"))
        #expect(server.events("connect").count == 2)
        #expect(server.events("message").map(\.recipients) == [["first@example.org"], ["second@example.org"]])
    }

    // MARK: - Failures that stop the run

    @Test func serverNotRunningThrowsServerUnavailable() throws {
        let port = try SmtpTestProcess.freePort()
        let session = try Self.transport("smtp://127.0.0.1:\(port)", tls: "none").openSession()
        defer { session.close() }
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        guard case .serverUnavailable(let detail) = error else {
            Issue.record("expected serverUnavailable, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("127.0.0.1:\(port)"))
    }

    @Test func greetingWith421ThrowsServerUnavailable() throws {
        let sink = try SmtpSink(options: ["-Q", "CONNECT"])
        defer { sink.stop() }
        let session = try Self.transport(sink.url, tls: "none").openSession()
        defer { session.close() }
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        #expect(error == .serverUnavailable("127.0.0.1:\(sink.port) refused the SMTP session: 421 4.0.0 Server closing connection"))
    }

    @Test func refusedSenderThrowsConfiguration() throws {
        let sink = try SmtpSink(options: ["-f", "MAIL"])
        defer { sink.stop() }
        let session = try Self.transport(sink.url, tls: "none").openSession()
        defer { session.close() }
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        #expect(error == .configuration("127.0.0.1:\(sink.port) refused the sender address: 500 5.3.0 Error: command failed"))
    }

    @Test func wrongPasswordThrowsConfigurationWithoutCredentials() throws {
        let password = "correct-horse-battery-staple"
        let wrongPassword = "Tr0ub4dor&3-wrong"
        let server = try SmtpTestServer(.init(authUser: "gazette-sender", authPassword: password))
        defer { server.stop() }
        let transport = try Self.transport(
            "smtp://127.0.0.1:\(server.port)", tls: "none", username: "gazette-sender", password: wrongPassword)
        let session = try transport.openSession()
        defer { session.close() }
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        guard case .configuration = error else {
            Issue.record("expected a configuration error, got \(String(describing: error))")
            return
        }
        let texts = [String(describing: error), String(reflecting: error), transport.summary, "\(transport)"]
        for text in texts {
            #expect(!text.contains(wrongPassword) && !text.contains(password) && !text.contains("gazette-sender"), "\(text)")
        }
        #expect(String(describing: error).contains("refused the SMTP credentials"))
        #expect(server.events("auth").map(\.success) == [false])
        #expect(server.events("message").isEmpty)
    }

    @Test func correctPasswordAuthenticates() throws {
        let server = try SmtpTestServer(.init(authUser: "gazette-sender", authPassword: "correct-horse-battery-staple"))
        defer { server.stop() }
        let session = try Self.transport(
            "smtp://127.0.0.1:\(server.port)", tls: "none", username: "gazette-sender",
            password: "correct-horse-battery-staple"
        ).openSession()
        let message = try SmtpTestMessages.composed(to: "reader@example.org")
        guard case .accepted = try session.send(message.bytes, envelope: message.envelope, key: "k") else {
            Issue.record("not accepted")
            return
        }
        session.close()
        let events = server.waitUntilAllDisconnected()
        #expect(events.filter { $0.event == "auth" }.map(\.success) == [true])
        #expect(events.filter { $0.event == "message" }.map(\.authenticated) == [true])
    }

    // MARK: - TLS

    @Test func starttlsRequiredButNotOfferedThrowsAndSendsNothing() throws {
        let sink = try SmtpSink()  // smtp-sink has no STARTTLS
        defer { sink.stop() }
        let transport = try Self.transport(sink.url)  // smtp:// defaults to starttls
        #expect(transport.configuration.tls == .starttls)
        let session = try transport.openSession()
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        session.close()
        guard case .configuration(let detail) = error else {
            Issue.record("expected a configuration error, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("does not offer STARTTLS"))
        let counters = sink.counters { $0.sessions >= 1 }
        #expect(counters.sessions == 1 && counters.messages == 0)
        #expect(sink.dumpedMessages.isEmpty)
    }

    @Test func starttlsWithTheTestAuthorityDeliversAndAuthenticates() throws {
        let certificates = try SmtpTestCertificates()
        let server = try SmtpTestServer(
            .init(authUser: "gazette-sender", authPassword: "correct-horse-battery-staple", certificates: certificates))
        defer { server.stop() }
        let session = try Self.transport(
            "smtp://127.0.0.1:\(server.port)", tls: "starttls", username: "gazette-sender",
            password: "correct-horse-battery-staple", caFile: certificates.authority.path
        ).openSession()
        let message = try SmtpTestMessages.composed(to: "reader@example.org")
        let outcome = try session.send(message.bytes, envelope: message.envelope, key: "k")
        session.close()
        #expect(outcome == .accepted(detail: "250 2.0.0 Ok: queued as GZ0001"))
        let events = server.waitUntilAllDisconnected()
        #expect(events.filter { $0.event == "starttls" }.count == 1)
        let saved = try #require(events.first { $0.event == "message" })
        #expect(saved.tls == true && saved.authenticated == true)
        #expect(try server.message(saved.file ?? "") == message.bytes)
    }

    @Test func untrustedCertificateThrowsConfiguration() throws {
        let certificates = try SmtpTestCertificates()
        let server = try SmtpTestServer(.init(certificates: certificates))
        defer { server.stop() }
        // No CA file: the system's authorities do not know the test CA.
        let session = try Self.transport("smtp://127.0.0.1:\(server.port)").openSession()
        defer { session.close() }
        let error = Self.sendError(session, try SmtpTestMessages.composed(to: "reader@example.org"))
        guard case .configuration(let detail) = error else {
            Issue.record("expected a configuration error, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("TLS with 127.0.0.1:\(server.port) failed"))
        #expect(server.events("message").isEmpty)
    }

    @Test func implicitTLSDelivers() throws {
        let certificates = try SmtpTestCertificates()
        let server = try SmtpTestServer(.init(certificates: certificates, implicitTLS: true))
        defer { server.stop() }
        let transport = try Self.transport("smtps://127.0.0.1:\(server.port)", caFile: certificates.authority.path)
        #expect(transport.configuration.tls == .tls)
        let session = try transport.openSession()
        let message = try SmtpTestMessages.composed(to: "reader@example.org")
        let outcome = try session.send(message.bytes, envelope: message.envelope, key: "k")
        session.close()
        #expect(outcome == .accepted(detail: "250 2.0.0 Ok: queued as GZ0001"))
        let saved = try #require(server.waitUntilAllDisconnected().first { $0.event == "message" })
        #expect(saved.tls == true)
    }
}
