public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A test peer the test could not set up (a missing program, a server that did not start): the
/// test fails with this text, which says what to install or what went wrong. Tests never skip.
public struct SmtpTestSetupError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

/// A server process started by a test on 127.0.0.1: free port, start, wait until it listens, stop.
///
/// Each server runs under coreutils `timeout`, so a test process that crashes cannot leave it
/// running for more than a few minutes.
public final class SmtpTestProcess {
    public let name: String
    public let port: Int
    public let directory: URL
    private let process = Process()
    private let stderrPath: URL

    /// Longest life of a server, should its test never stop it.
    private static let lifetimeSeconds = 300

    /// Starts `executable` and returns once something listens on `port`.
    public init(name: String, executable: String, arguments: [String], port: Int, directory: URL, stdout: URL? = nil) throws {
        self.name = name
        self.port = port
        self.directory = directory
        stderrPath = directory.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: stderrPath.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Self.require("/usr/bin/timeout", package: "coreutils"))
        // KILL at the end of the lifetime, for the same reason as in `stop()`.
        process.arguments = ["-s", "KILL", "\(Self.lifetimeSeconds)", executable] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrPath)
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        try process.run()
        try waitUntilListening()
    }

    deinit {
        stop()
    }

    /// Ends the server and waits for it.
    ///
    /// SIGKILL, not `Process.terminate()`: children of the test process inherit its signal mask, in
    /// which SIGTERM is blocked, so a SIGTERM would stay pending forever. `timeout` leads its own
    /// process group, so killing the group ends the server with it.
    public func stop() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        if kill(-pid, SIGKILL) != 0 { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    public var standardError: String {
        (try? String(contentsOf: stderrPath, encoding: .utf8)) ?? ""
    }

    /// Waits up to 15 s until something listens on `port`; false if nothing does.
    public static func waitUntilListening(port: Int) -> Bool {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if isListening(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Polls the kernel's socket table instead of connecting: a probe connection would count as an
    /// SMTP session in the server's statistics.
    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if Self.isListening(port: port) { return }
            if !process.isRunning {
                throw SmtpTestSetupError(
                    description: "\(name) exited with status \(process.terminationStatus) before listening on port \(port): \(standardError)")
            }
            usleep(20_000)
        }
        stop()
        throw SmtpTestSetupError(description: "\(name) did not listen on port \(port) within 15 s: \(standardError)")
    }

    // MARK: - Ports and programs

    /// A port nobody listens on now: bind port 0 on loopback, read the port the kernel chose, close.
    public static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw SmtpTestSetupError(description: "socket() failed: errno \(errno)") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketFD, generic, length) == 0 && getsockname(socketFD, generic, &length) == 0
            }
        }
        guard bound else { throw SmtpTestSetupError(description: "cannot bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a TCP socket listens on `port` (IPv4 or IPv6), from /proc/net/tcp{,6}.
    public static func isListening(port: Int) -> Bool {
        let portField = ":" + String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // fields: sl, local_address, rem_address, st (0A = LISTEN), ...
                if fields.count > 3, fields[1].hasSuffix(portField), fields[3] == "0A" { return true }
            }
        }
        return false
    }

    /// The path of a program the tests need, or an error naming the Debian package that provides it.
    public static func require(_ path: String, package: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SmtpTestSetupError(
                description: "\(path) is missing: install the Debian package \(package) (apt-get install \(package), or scripts/install-deps --test)")
        }
        return path
    }

    /// A fresh directory for one server's files; the caller removes it.
    public static func makeDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a short command to completion (openssl, a python import check); throws with its output on failure.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw SmtpTestSetupError(
                description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): \(text)")
        }
        return text
    }
}
