import Foundation
import Testing

/// A real spam filter on every kind of message the binary produces: Debian's SpamAssassin with local
/// rules only (`spamassassin -t -L`, no network), and no rule with a positive score may fire.
@Suite(.serialized)
struct SpamAssassinTests {
    struct Hit: CustomStringConvertible {
        var score: Double
        var rule: String
        var description: String { "\(rule) \(score)" }
    }

    /// The rules of the "Content analysis details" table of a `-t` report.
    static func score(_ path: String) throws -> [Hit] {
        let binary = "/usr/bin/spamassassin"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "SpamAssassin is needed: scripts/install-deps --test")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-t", "-L"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = String(decoding: data, as: UTF8.self)
        let table = try #require(report.range(of: "Content analysis details:"), "no SpamAssassin report for \(path)")
        var hits: [Hit] = []
        for line in report[table.upperBound...].split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let score = Double(fields[0]),
                  fields[1].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" })
            else { continue }
            hits.append(Hit(score: score, rule: String(fields[1])))
        }
        return hits
    }

    /// A digest with openings, an empty digest and a test copy, unsigned and DKIM-signed (both key types).
    @Test(arguments: ["none", "rsa", "ed25519"])
    func noRuleWithAPositiveScoreFires(signing: String) throws {
        var gazette = try CommandRunner()
        if signing != "none" { _ = try DKIMEndToEndTests.keygen(&gazette, type: signing) }
        try EndToEndTests.importFixture(gazette)
        let nobodyMatches = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status\n"
            + "cobol@example.com,Cobol Carl,Etc/UTC,mon,9,COBOL,,,,,active\n"
        #expect(try gazette.run(["subscribers", "import", try gazette.file("more.csv", nobodyMatches)]).status == 0)

        let preview = try gazette.run([
            "preview", "--subscriber", "cobol@example.com", "--week", "2026-W48", "--format", "eml", "--out", "\(gazette.directory)/empty",
        ])
        #expect(preview.status == 0, "\(preview.stderr)")
        let send = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z", "--only", "go@example.com"])
        #expect(send.status == 0, "\(send.stderr)")
        let test = try gazette.run(["send-test", "--subscriber", "py@example.com", "--to", "editor@example.org", "--week", "2026-W48"])
        #expect(test.status == 0, "\(test.stderr)")

        let paths = try gazette.outboxFiles() + [try #require(preview.stdout.split(separator: "\n").first.map(String.init))]
        #expect(paths.count == 3)
        for path in paths {
            let hits = try Self.score(path)
            let positive = hits.filter { $0.score > 0 }
            #expect(positive.isEmpty, "\(path): \(positive)")
            print("spamassassin \(signing) \(URL(fileURLWithPath: path).lastPathComponent): \(hits.isEmpty ? "no rule" : hits.map(\.description).joined(separator: ", "))")
        }
    }
}
