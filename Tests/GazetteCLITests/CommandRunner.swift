import Foundation
@_exported import GazetteTestSupport
import Testing

/// Runs the built `gazette` binary as an operator would, in a scratch directory with its own database,
/// outbox and environment.
struct CommandRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var lastLine: String { stdout.split(separator: "\n").last.map(String.init) ?? "" }
    }

    static let repository = TestSupport.repository

    /// The `gazette` executable built beside the test bundle.
    static var binary: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("gazette").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return repository.appendingPathComponent(".build/debug/gazette").path
    }

    let directory: String
    var environment: [String: String]

    init() throws {
        directory = NSTemporaryDirectory() + "gazette-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GAZETTE_DATABASE": "\(directory)/gazette.sqlite",
            "GAZETTE_OUTBOX": "\(directory)/outbox",
            "GAZETTE_TEMPLATES": CommandRunner.repository.appendingPathComponent("Templates").path,
            "GAZETTE_BASE_URL": "https://news.example.com",
            "GAZETTE_SECRET": "cli-test-secret-0123456789abcdefghijk",
            "GAZETTE_FROM": "Backend Jobs Weekly <digest@example.com>",
            "GAZETTE_POSTAL_ADDRESS": "Gazette Ltd, 1 Example Street, Springfield",
        ]
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let path = "\(directory)/\(name)"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// - Parameter input: standard input; none (end of file at once) when nil.
    @discardableResult
    func run(_ arguments: [String], input: Data? = nil) throws -> Output {
        try Self.execute(CommandRunner.binary, arguments, environment: environment, in: directory, input: input)
    }

    static func execute(
        _ executable: String, _ arguments: [String], environment: [String: String], in directory: String, input: Data? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            // From another thread: a large input must not block while this one waits to read the output.
            let writer = inputPipe.fileHandleForWriting
            Thread {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }.start()
        }
        // Read both pipes to the end before waiting, so a chatty process cannot block on a full pipe.
        let errData = Mutexed<Data>(Data())
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Starts `gazette serve --port PORT` in the background with this runner's environment; the caller
    /// kills it (SIGKILL: SIGTERM may be blocked in a child of the test runner) and waits for health.
    func serve(port: Int) throws -> Process {
        try start(["serve", "--port", String(port)])
    }

    /// Starts `gazette ARGUMENTS` (or `executable`, e.g. `unshare`, with these arguments) in the background
    /// with this runner's environment and directory, its output discarded; the caller waits for or kills it.
    func start(_ arguments: [String], executable: String = CommandRunner.binary) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Another process holding the SQLite write lock (`BEGIN EXCLUSIVE`, from Python's sqlite3) for
    /// `seconds`; returns once the lock is taken. The caller kills it when done.
    func holdWriteLock(seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(\(seconds))
            """, "\(directory)/gazette.sqlite"]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        _ = ready.fileHandleForReading.availableData  // "locked"
        return holder
    }

    /// Every row of every table, for "nothing changed" assertions (read with Python's sqlite3, independently).
    func databaseDump() throws -> String {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
                # Every column in order: "ORDER BY 1, 2" failed on one-column tables and ended the dump there.
                for row in sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr):
                    print(name, row)
            """
        return try Self.execute(
            "/usr/bin/env", ["python3", "-c", script, "\(directory)/gazette.sqlite"], environment: environment, in: directory
        ).stdout
    }

    /// Parses messages with `Tests/Support/check_messages.py` (Python's `email` package).
    func checkMessages(_ paths: [String]) throws -> [CheckedMessage] {
        try MessageChecker.check(paths: paths)
    }

    func outboxFiles() throws -> [String] {
        let outbox = "\(directory)/outbox"
        guard FileManager.default.fileExists(atPath: outbox) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }.sorted()
            .map { "\(outbox)/\($0)" }
    }
}

/// A value written once by another thread.
final class Mutexed<Value: Sendable>: @unchecked Sendable {
    // A lock guards both fields; the class exists only to hand one value across a thread.
    private let lock = NSLock()
    private var stored: Value
    private var written = false
    init(_ value: Value) { stored = value }
    func set(_ value: Value) { lock.withLock { stored = value; written = true } }
    var value: Value { lock.withLock { stored } }
    var isSet: Bool { lock.withLock { written } }
}
