import Foundation
import Testing

struct ScheduleDaemonTests {
    @Test func daemonSendsWhatIsDueAndExitsZeroOnSIGTERM() throws {
        let gazette = try CommandRunner()
        // Someone whose send time is this very hour, today (UTC).
        let now = Date()
        let seconds = Int(now.timeIntervalSince1970)
        let weekday = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"][(seconds / 86_400) % 7]
        let hour = (seconds % 86_400) / 3600
        // …and someone due in an hour, who must not get anything yet (no later hour today after 23:00).
        let later = hour < 23 ? "later@example.com,Later,Etc/UTC,\(weekday),\(hour + 1),,,,,,\n" : ""
        let roster = try gazette.file("now.csv", """
            email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
            due@example.com,Due Now,Etc/UTC,\(weekday),\(hour),,,,,,

            """ + later)
        #expect(try gazette.run(["subscribers", "import", roster]).status == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.binary)
        process.arguments = ["schedule"]
        process.environment = gazette.environment
        process.currentDirectoryURL = URL(fileURLWithPath: gazette.directory)
        let log = FileHandle(forWritingAtPath: try gazette.file("schedule.log", ""))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var files: [String] = []
        for _ in 0..<300 where files.isEmpty {
            files = try gazette.outboxFiles()
            usleep(100_000)
        }
        #expect(files.count == 1, "no message arrived within 30 s")
        let message = try #require(try gazette.checkMessages(files).first)
        #expect(message.errors == [])
        #expect(message.headers["To"] == "Due Now <due@example.com>")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let output = try String(contentsOfFile: "\(gazette.directory)/schedule.log", encoding: .utf8)
        #expect(output.contains("scheduler stopped"), "\(output)")
        #expect(try gazette.outboxFiles().count == 1)
    }
}
