import Foundation
import Testing

/// Postfix's `smtp-sink` on a loopback port, dumping every message it accepts into its own file.
final class SmtpSink {
    let port: Int
    let dump: String
    private let process: Process

    /// - Parameter extra: further smtp-sink options, e.g. `["-r", "RCPT"]` to answer 4xx to RCPT.
    init(directory: String, extra: [String] = []) throws {
        let binary = "/usr/sbin/smtp-sink"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "smtp-sink is needed: apt-get install postfix (scripts/install-deps --test)")
        dump = "\(directory)/sink-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        var started: (Process, Int)?
        for _ in 0..<20 where started == nil {
            let port = 30_000 + Int.random(in: 0..<20_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            // As root it must drop to nobody; %M names each dump file after the queue id: one file per message.
            process.arguments = ["-u", "nobody", "-d", "\(dump)/%M."] + extra + ["127.0.0.1:\(port)", "256"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if SmtpSink.waitForListener(port: port) { started = (process, port) } else { kill(process.processIdentifier, SIGKILL) }
        }
        let (process, port) = try #require(started, "smtp-sink did not start")
        self.process = process
        self.port = port
    }

    // SIGKILL: a child inherits the test runner's signal mask, in which SIGTERM may be blocked.
    deinit { kill(process.processIdentifier, SIGKILL) }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// How many messages each recipient received.
    func deliveries() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: dump) {
            guard let text = try? String(contentsOfFile: "\(dump)/\(file)", encoding: .utf8),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("X-Rcpt-Args: <") })
            else { continue }
            let address = line.dropFirst("X-Rcpt-Args: <".count).prefix { $0 != ">" }
            counts[String(address), default: 0] += 1
        }
        return counts
    }

    static func waitForListener(port: Int) -> Bool {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}
