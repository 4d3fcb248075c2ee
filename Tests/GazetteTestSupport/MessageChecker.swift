public import Foundation

/// One message as Python's `email` package (`Tests/Support/check_messages.py`) parsed it: an MIME
/// parser independent of Gazette's composer.
public struct CheckedMessage: Decodable, Sendable {
    public var file: String
    /// Every rule of the contract the message breaks (empty when it is valid).
    public var errors: [String]
    public var headers: [String: String]
    public var text: String?
    public var html: String?
}

public enum MessageChecker {
    public static var script: String { TestSupport.supportFile("check_messages.py") }

    /// Checks message files.
    public static func check(paths: [String]) throws -> [CheckedMessage] {
        try run(["python3", script] + paths, input: nil)
    }

    /// Checks one message given as bytes.
    public static func check(_ message: [UInt8]) throws -> CheckedMessage {
        guard let first = try run(["python3", script, "-"], input: Data(message)).first else {
            throw SmtpTestSetupError(description: "check_messages.py returned no result")
        }
        return first
    }

    private static func run(_ arguments: [String], input: Data?) throws -> [CheckedMessage] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SmtpTestSetupError(
                description: "check_messages.py failed (status \(process.terminationStatus)): \(String(decoding: problem, as: UTF8.self))")
        }
        return try JSONDecoder().decode([CheckedMessage].self, from: data)
    }
}
