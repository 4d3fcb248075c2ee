import Foundation
import Testing

/// Runs `Tests/Support/check_messages.py`: Python's `email` package as an independent MIME parser.
struct PythonEmailChecker {
    struct Result: Decodable {
        var file: String
        var errors: [String]
        var headers: [String: String]
        var text: String?
        var html: String?
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/check_messages.py").path
    }

    static func check(_ message: [UInt8]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(message))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check_messages.py failed")
        return try #require(try JSONDecoder().decode([Result].self, from: data).first)
    }
}
