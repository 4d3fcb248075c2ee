public import Foundation

/// The scriptable aiosmtpd server (`Tests/Support/smtp_test_server.py`): AUTH, chosen 451/550 recipients,
/// STARTTLS or implicit TLS, an idle timeout, every event logged and every message saved.
public final class SmtpTestServer {
    public struct Options {
        public var authUser: String?
        public var authPassword: String?
        public var tempfail: [String] = []
        public var reject: [String] = []
        /// A server certificate: STARTTLS is offered and required (or, with `implicitTLS`, TLS from the start).
        public var certificates: SmtpTestCertificates?
        public var implicitTLS = false
        public var idleTimeout: Double?
        /// How an idle connection ends: "421" (reply, then close) or "silent".
        public var idleClose = "421"

        public init(
            authUser: String? = nil, authPassword: String? = nil, tempfail: [String] = [], reject: [String] = [],
            certificates: SmtpTestCertificates? = nil, implicitTLS: Bool = false, idleTimeout: Double? = nil,
            idleClose: String = "421"
        ) {
            self.authUser = authUser
            self.authPassword = authPassword
            self.tempfail = tempfail
            self.reject = reject
            self.certificates = certificates
            self.implicitTLS = implicitTLS
            self.idleTimeout = idleTimeout
            self.idleClose = idleClose
        }
    }

    /// One line of the event log.
    public struct Event: Decodable, Sendable {
        public var event: String
        public var peer: Int?
        public var hostname: String?
        public var address: String?
        public var reply: String?
        public var mechanism: String?
        public var success: Bool?
        public var file: String?
        public var sender: String?
        public var recipients: [String]?
        public var tls: Bool?
        public var authenticated: Bool?
    }

    private let process: SmtpTestProcess
    private let eventLog: URL
    public let messages: URL

    public var port: Int { process.port }

    public init(_ options: Options = Options()) throws {
        let python = try SmtpTestProcess.require("/usr/bin/python3", package: "python3")
        do {
            try SmtpTestProcess.run(python, ["-c", "import aiosmtpd.smtp"])
        } catch {
            throw SmtpTestSetupError(
                description: "Python's aiosmtpd is missing for /usr/bin/python3: install the Debian package python3-aiosmtpd (\(error))")
        }
        let directory = try SmtpTestProcess.makeDirectory("aiosmtpd")
        let script = TestSupport.repository.appendingPathComponent("Tests/Support/smtp_test_server.py")
        eventLog = directory.appendingPathComponent("events.jsonl")
        messages = directory.appendingPathComponent("messages")
        try FileManager.default.createDirectory(at: messages, withIntermediateDirectories: true)

        let port = try SmtpTestProcess.freePort()
        var arguments = [script.path, "--port", "\(port)", "--events", eventLog.path, "--messages", messages.path]
        if let user = options.authUser { arguments += ["--auth-user", user, "--auth-password", options.authPassword ?? ""] }
        for address in options.tempfail { arguments += ["--tempfail", address] }
        for address in options.reject { arguments += ["--reject", address] }
        if let certificates = options.certificates {
            arguments += ["--tls-cert", certificates.serverCertificate.path, "--tls-key", certificates.serverKey.path]
            if options.implicitTLS { arguments.append("--implicit-tls") }
        }
        if let idle = options.idleTimeout { arguments += ["--idle-timeout", "\(idle)", "--idle-close", options.idleClose] }
        process = try SmtpTestProcess(
            name: "aiosmtpd test server", executable: python, arguments: ["-u"] + arguments, port: port,
            directory: directory)
    }

    deinit {
        stop()
    }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: process.directory)
    }

    /// The server's stderr, for failure messages.
    public var standardError: String { process.standardError }

    public var events: [Event] {
        let text = (try? String(contentsOf: eventLog, encoding: .utf8)) ?? ""
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Event.self, from: Data($0.utf8)) }
    }

    public func events(_ name: String) -> [Event] { events.filter { $0.event == name } }

    /// Waits until the event log satisfies `condition`; returns the events either way.
    @discardableResult
    public func waitForEvents(within seconds: Double = 5, until condition: ([Event]) -> Bool) -> [Event] {
        let deadline = Date().addingTimeInterval(seconds)
        var current = events
        while !condition(current) && Date() < deadline {
            usleep(20_000)
            current = events
        }
        return current
    }

    /// Waits until every connection the server saw has ended (after the client's QUIT).
    @discardableResult
    public func waitUntilAllDisconnected() -> [Event] {
        waitForEvents { events in
            let connects = events.filter { $0.event == "connect" }.count
            return connects > 0 && events.filter { $0.event == "disconnect" }.count >= connects
        }
    }

    /// The bytes of a saved message, as the server received them after undoing dot-stuffing.
    public func message(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: messages.appendingPathComponent(file)))
    }
}
