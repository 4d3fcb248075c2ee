public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Postfix's `smtp-sink` (Debian package `postfix`; no Postfix daemon is configured or started) on a
/// loopback port: a fast SMTP peer that can be told to answer 4xx (`-r`), 5xx (`-f`), 421-and-hang-up
/// (`-Q`) or to hang up (`-q`) at a command, wait before answering DATA (`-w`), counts sessions and
/// messages (`-c`) and dumps each message it accepts into a file of its own (`-d`). It has no STARTTLS.
public final class SmtpSink {
    private let process: SmtpTestProcess
    private let counterFile: URL
    /// One file per accepted message (smtp-sink's format: the envelope as X- headers, LF line ends).
    public let dumps: URL

    public var port: Int { process.port }
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// - Parameter options: extra smtp-sink options, such as `["-f", "RCPT"]` or `["-w", "3"]`.
    public init(options: [String] = []) throws {
        let executable = try SmtpTestProcess.require("/usr/sbin/smtp-sink", package: "postfix")
        let directory = try SmtpTestProcess.makeDirectory("smtp-sink")
        // As root, smtp-sink must drop to another user (-u): that user writes the dumps.
        dumps = directory.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dumps.path)
        counterFile = directory.appendingPathComponent("counters")
        let port = try SmtpTestProcess.freePort()
        // The template goes through strftime, then smtp-sink appends a random number: one file a message.
        var arguments = ["-c", "-d", dumps.path + "/%Y%m%d%H%M%S."]
        if getuid() == 0 { arguments += ["-u", "nobody"] }
        arguments += options + ["127.0.0.1:\(port)", "256"]
        process = try SmtpTestProcess(
            name: "smtp-sink", executable: executable, arguments: arguments, port: port, directory: directory,
            stdout: counterFile)
    }

    deinit {
        stop()
    }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: process.directory)
    }

    /// How many messages each recipient received (from the dumps' `X-Rcpt-Args` lines).
    public func deliveries() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in dumpedMessages {
            guard let line = message.split(separator: "\n").first(where: { $0.hasPrefix("X-Rcpt-Args: <") }) else { continue }
            let address = line.dropFirst("X-Rcpt-Args: <".count).prefix { $0 != ">" }
            counts[String(address), default: 0] += 1
        }
        return counts
    }

    /// `-c` output: `sess=1 quit=1 mesg=3`, rewritten in place (CR-separated) as sessions end, QUIT
    /// arrives or a message is received.
    public struct Counters: Equatable, Sendable {
        public var sessions: Int
        public var quits: Int
        public var messages: Int

        public init(sessions: Int, quits: Int, messages: Int) {
            self.sessions = sessions
            self.quits = quits
            self.messages = messages
        }
    }

    public var currentCounters: Counters {
        let text = (try? String(contentsOf: counterFile, encoding: .utf8)) ?? ""
        guard let last = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last else {
            return Counters(sessions: 0, quits: 0, messages: 0)
        }
        var values: [String: Int] = [:]
        for field in last.split(separator: " ") {
            let parts = field.split(separator: "=")
            if parts.count == 2 { values[String(parts[0])] = Int(parts[1]) }
        }
        return Counters(sessions: values["sess"] ?? 0, quits: values["quit"] ?? 0, messages: values["mesg"] ?? 0)
    }

    /// Waits until the counters satisfy `condition` (they change when a session ends, a little
    /// after the client's QUIT), returning the last reading either way.
    public func counters(within seconds: Double = 5, until condition: (Counters) -> Bool) -> Counters {
        let deadline = Date().addingTimeInterval(seconds)
        var reading = currentCounters
        while !condition(reading) && Date() < deadline {
            usleep(20_000)
            reading = currentCounters
        }
        return reading
    }

    /// The dumped messages, in file-name order.
    public var dumpedMessages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dumps.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: dumps.appendingPathComponent($0), encoding: .utf8) }
    }
}
