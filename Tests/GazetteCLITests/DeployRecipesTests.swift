import Foundation
import Testing

/// The deployment recipes in `deploy/` (cron, systemd, Kubernetes, container image, env example), checked by
/// `Tests/Support/check_deploy.py`: parsed as what they are (YAML, unit files, crontab) and held to the
/// contract — every configuration variable documented, the send run's exit status 75 not treated as a
/// failure, overlapping runs forbidden where the scheduler can, hardened and non-root everywhere.
struct DeployRecipesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func deployRecipesAreCompleteAndValid() throws {
        let script = Self.repository.appendingPathComponent("Tests/Support/check_deploy.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, Self.repository.path]
        process.currentDirectoryURL = Self.repository
        // One pipe for both streams: the checker's problems and systemd-analyze's notes, in order.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "check_deploy.py failed:\n\(text)")
    }
}
