import Foundation

/// The scriptable aiosmtpd server (`SmtpTestServerScript`): AUTH, chosen 451/550 recipients,
/// STARTTLS or implicit TLS, an idle timeout, every event logged and every message saved.
final class SmtpTestServer {
    struct Options {
        var authUser: String?
        var authPassword: String?
        var tempfail: [String] = []
        var reject: [String] = []
        /// A server certificate: STARTTLS is offered and required (or, with `implicitTLS`, TLS from the start).
        var certificates: SmtpTestCertificates?
        var implicitTLS = false
        var idleTimeout: Double?
        /// How an idle connection ends: "421" (reply, then close) or "silent".
        var idleClose = "421"
    }

    /// One line of the event log.
    struct Event: Decodable {
        var event: String
        var peer: Int?
        var hostname: String?
        var address: String?
        var reply: String?
        var mechanism: String?
        var success: Bool?
        var file: String?
        var sender: String?
        var recipients: [String]?
        var tls: Bool?
        var authenticated: Bool?
    }

    private let process: SmtpTestProcess
    private let eventLog: URL
    let messages: URL

    var port: Int { process.port }

    init(_ options: Options = Options()) throws {
        let python = try SmtpTestProcess.require("/usr/bin/python3", package: "python3")
        do {
            try SmtpTestProcess.run(python, ["-c", "import aiosmtpd.smtp"])
        } catch {
            throw SmtpTestSetupError(
                description: "Python's aiosmtpd is missing for /usr/bin/python3: install the Debian package python3-aiosmtpd (\(error))")
        }
        let directory = try SmtpTestProcess.makeDirectory("aiosmtpd")
        let script = directory.appendingPathComponent("smtp_test_server.py")
        try SmtpTestServerScript.source.write(to: script, atomically: true, encoding: .utf8)
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

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: process.directory)
    }

    /// The server's stderr, for failure messages.
    var standardError: String { process.standardError }

    var events: [Event] {
        let text = (try? String(contentsOf: eventLog, encoding: .utf8)) ?? ""
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Event.self, from: Data($0.utf8)) }
    }

    func events(_ name: String) -> [Event] { events.filter { $0.event == name } }

    /// Waits until the event log satisfies `condition`; returns the events either way.
    @discardableResult
    func waitForEvents(within seconds: Double = 5, until condition: ([Event]) -> Bool) -> [Event] {
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
    func waitUntilAllDisconnected() -> [Event] {
        waitForEvents { events in
            let connects = events.filter { $0.event == "connect" }.count
            return connects > 0 && events.filter { $0.event == "disconnect" }.count >= connects
        }
    }

    /// The bytes of a saved message, as the server received them after undoing dot-stuffing.
    func message(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: messages.appendingPathComponent(file)))
    }
}
