import Foundation

/// Postfix's `smtp-sink` (Debian package `postfix`; no Postfix daemon is configured or started): a
/// fast SMTP peer that can be told to answer 4xx (`-r`), 5xx (`-f`) or 421-and-hang-up (`-Q`) to a
/// command, counts sessions and messages (`-c`) and dumps each message to a file (`-d`). It has no
/// STARTTLS.
final class SmtpSinkServer {
    private let process: SmtpTestProcess
    private let counters: URL
    let dumps: URL

    var port: Int { process.port }
    var url: String { "smtp://127.0.0.1:\(port)" }

    /// - Parameter options: extra smtp-sink options, such as `["-f", "RCPT"]`.
    init(options: [String] = []) throws {
        let executable = try SmtpTestProcess.require("/usr/sbin/smtp-sink", package: "postfix")
        let directory = try SmtpTestProcess.makeDirectory("smtp-sink")
        // As root, smtp-sink must drop to another user (-u): that user writes the dumps.
        dumps = directory.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: dumps.path)
        counters = directory.appendingPathComponent("counters")
        let port = try SmtpTestProcess.freePort()
        var arguments = ["-c", "-d", dumps.path + "/%H%M%S."]
        if getuid() == 0 { arguments += ["-u", "nobody"] }
        arguments += options + ["127.0.0.1:\(port)", "10"]
        process = try SmtpTestProcess(
            name: "smtp-sink", executable: executable, arguments: arguments, port: port, directory: directory,
            stdout: counters)
    }

    deinit {
        stop()
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: process.directory)
    }

    /// `-c` output: `sess=1 quit=1 mesg=3`, rewritten in place (CR-separated) as sessions end, QUIT
    /// arrives or a message is received.
    struct Counters: Equatable {
        var sessions: Int
        var quits: Int
        var messages: Int
    }

    var currentCounters: Counters {
        let text = (try? String(contentsOf: counters, encoding: .utf8)) ?? ""
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
    func counters(within seconds: Double = 5, until condition: (Counters) -> Bool) -> Counters {
        let deadline = Date().addingTimeInterval(seconds)
        var reading = currentCounters
        while !condition(reading) && Date() < deadline {
            usleep(20_000)
            reading = currentCounters
        }
        return reading
    }

    /// The dumped messages (smtp-sink's format: envelope as X- headers, LF line ends).
    var dumpedMessages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dumps.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: dumps.appendingPathComponent($0), encoding: .utf8) }
    }
}
