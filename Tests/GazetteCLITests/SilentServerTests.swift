import Foundation
import Testing

/// A relay that takes the message and never answers the final dot: each dead connection costs one reply
/// timeout, is never used again (a late reply would be read as the answer to the next message), and the
/// other connections go on in parallel.
@Suite(.serialized)
struct SilentServerTests {
    struct Event: Decodable {
        var event: String
        var peer: Int
        var t: Double
    }

    @Test func aServerThatNeverAnswersTheFinalDotCostsOneTimeoutPerConnection() throws {
        var gazette = try CommandRunner()
        let roster = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
            + (1...8).map { "reader\($0)@example.com,Reader \($0),,,,,,,,,\n" }.joined()
        #expect(try gazette.run(["subscribers", "import", try gazette.file("r.csv", roster)]).status == 0)
        let port = 20_000 + Int.random(in: 0..<10_000)
        let events = "\(gazette.directory)/silent-events.jsonl"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", CommandRunner.repository.appendingPathComponent("Tests/Support/silent_smtp_server.py").path, String(port), events]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        try #require(SmtpTestProcess.waitUntilListening(port: port), "the silent server did not start")
        gazette.environment["GAZETTE_SMTP_URL"] = "smtp://127.0.0.1:\(port)"
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        gazette.environment["GAZETTE_SMTP_TIMEOUT"] = "2"

        let result = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now", "--concurrency", "4"])
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.lastLine.hasPrefix("2026-W48: sent 0, already sent 0, deferred 8,"), "\(result.lastLine)")

        let log = try String(contentsOfFile: events, encoding: .utf8)
        let parsed = try log.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
        let dots = Dictionary(grouping: parsed.filter { $0.event == "dot" }, by: \.peer)
        // Eight messages, eight connections: none was reused after its stalled reply.
        #expect(dots.count == 8 && dots.values.allSatisfy { $0.count == 1 }, "\(dots.mapValues(\.count))")
        // Four at a time: the first four messages were all waiting on the server at once.
        let firstClose = parsed.first { $0.event == "close" && dots[$0.peer] != nil }?.t ?? .infinity
        #expect(parsed.filter { $0.event == "dot" && $0.t < firstClose }.count == 4, "\(log)")
        // Every connection Gazette opened was closed by Gazette, none left hanging for a QUIT reply.
        #expect(parsed.filter { $0.event == "connect" }.count == parsed.filter { $0.event == "close" }.count)
    }
}
