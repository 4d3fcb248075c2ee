import Foundation
import Testing

/// DKIM from the operator's side: `dkim keygen`, then every kind of message the binary produces
/// (digests to the outbox and over SMTP, a test copy, a preview) checked by dkimpy against the printed
/// DNS record, and copies altered in one header or one body byte refused.
@Suite(.serialized)
struct DKIMEndToEndTests {
    /// Runs keygen and configures the runner with the key; returns the TXT value it printed.
    static func keygen(_ gazette: inout CommandRunner, type: String) throws -> String {
        let keyFile = "\(gazette.directory)/dkim-\(type).pem"
        let result = try gazette.run(["dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--type", type, "--out", keyFile])
        #expect(result.status == 0, "\(result.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("s1._domainkey.example.com. IN TXT \"") })
        // The record as a resolver returns it: the quoted strings joined.
        let strings = line.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        gazette.environment["GAZETTE_DKIM_DOMAIN"] = "example.com"
        gazette.environment["GAZETTE_DKIM_SELECTOR"] = "s1"
        gazette.environment["GAZETTE_DKIM_KEY_FILE"] = keyFile
        return strings.joined()
    }

    struct Verified: Decodable {
        var file: String
        var verified: Bool
        var tampered_header: Bool
        var tampered_body: Bool
        var longest_signature_line: Int
    }

    static func verify(_ gazette: CommandRunner, record: String, _ paths: [String]) throws -> [Verified] {
        let script = CommandRunner.repository.appendingPathComponent("Tests/Support/verify_dkim.py").path
        let output = try CommandRunner.execute("/usr/bin/python3", [script, record] + paths, environment: gazette.environment, in: gazette.directory)
        #expect(output.status == 0, "\(output.stderr)")
        return try JSONDecoder().decode([Verified].self, from: Data(output.stdout.utf8))
    }

    @Test(arguments: ["rsa", "ed25519"])
    func everyMessageVerifiesWithDkimpyAndAlteredCopiesFail(type: String) throws {
        var gazette = try CommandRunner()
        let record = try Self.keygen(&gazette, type: type)
        #expect(record.hasPrefix("v=DKIM1; k=\(type); p="))
        try EndToEndTests.importFixture(gazette)

        let send = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(send.status == 0, "\(send.stderr)")
        let preview = try gazette.run(["preview", "--subscriber", "py@example.com", "--week", "2026-W48", "--format", "eml", "--out", "\(gazette.directory)/preview"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let test = try gazette.run(["send-test", "--subscriber", "all@example.com", "--to", "editor@example.org", "--week", "2026-W48"])
        #expect(test.status == 0, "\(test.stderr)")

        var paths = try gazette.outboxFiles()
        #expect(paths.count == 4)  // three digests and the test copy
        paths.append("\(gazette.directory)/preview/2026-W48-000002.eml")
        let results = try Self.verify(gazette, record: record, paths)
        #expect(results.count == 5)
        for result in results {
            #expect(result.verified, "\(result.file)")
            #expect(!result.tampered_header, "\(result.file)")
            #expect(!result.tampered_body, "\(result.file)")
            #expect(result.longest_signature_line <= 78, "\(result.file)")
        }
        // Signed messages still keep every rule of the delivery contract.
        for message in try gazette.checkMessages(paths) { #expect(message.errors == [], "\(message.file)") }
    }

    @Test(arguments: ["rsa", "ed25519"])
    func digestsSentOverSMTPVerify(type: String) throws {
        var gazette = try CommandRunner()
        let record = try Self.keygen(&gazette, type: type)
        try EndToEndTests.importFixture(gazette)
        let sink = try SmtpSink()
        gazette.environment["GAZETTE_SMTP_URL"] = sink.url
        gazette.environment["GAZETTE_SMTP_TLS"] = "none"
        let send = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(send.status == 0, "\(send.stderr)")
        #expect(try sink.deliveries().count == 3)
        // smtp-sink writes each message with its own X- lines first and LF line ends: give dkimpy the
        // message as it crossed the wire.
        var paths: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: sink.dumps.path).sorted() {
            let text = try String(contentsOfFile: "\(sink.dumps.path)/\(file)", encoding: .utf8)
            let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            let message = lines.drop { $0.hasPrefix("X-") && !$0.hasPrefix("X-Gazette") }.joined(separator: "\r\n")
            paths.append(try gazette.file("wire-\(file).eml", message))
        }
        let results = try Self.verify(gazette, record: record, paths)
        #expect(results.count == 3)
        for result in results {
            #expect(result.verified && !result.tampered_header && !result.tampered_body, "\(result.file)")
        }
    }

    @Test func aSigningDomainOutsideTheFromDomainIsSignedButWarned() throws {
        var gazette = try CommandRunner()
        let record = try Self.keygen(&gazette, type: "ed25519")
        try EndToEndTests.importFixture(gazette)
        gazette.environment["GAZETTE_FROM"] = "Backend Jobs Weekly <digest@news.example.com>"
        let aligned = try gazette.run(["preview", "--subscriber", "go@example.com", "--week", "2026-W48", "--format", "eml"])
        #expect(aligned.status == 0 && !aligned.stderr.contains("DMARC"), "\(aligned.stderr)")
        gazette.environment["GAZETTE_FROM"] = "Backend Jobs Weekly <digest@example.org>"
        let preview = try gazette.run(["preview", "--subscriber", "go@example.com", "--week", "2026-W48", "--format", "eml"])
        #expect(preview.status == 0)
        #expect(preview.stderr.contains("GAZETTE_DKIM_DOMAIN example.com is not the domain of GAZETTE_FROM (example.org)"), "\(preview.stderr)")
        let path = try gazette.file("unaligned.eml", preview.stdout)
        #expect(try Self.verify(gazette, record: record, [path]).first?.verified == true)
    }

    @Test func keygenNeverOverwritesAKey() throws {
        let gazette = try CommandRunner()
        let path = try gazette.file("existing.pem", "keep me\n")
        let result = try gazette.run(["dkim", "keygen", "--domain", "example.com", "--selector", "s1", "--out", path])
        #expect(result.status == 73)
        #expect(result.stderr.contains("exists already"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
        #expect(try gazette.run(["dkim", "keygen", "--domain", "example.com;x", "--selector", "s1", "--out", "\(gazette.directory)/k.pem"]).status == 64)
    }

    @Test func partialSettingsAndBadKeysStopBeforeAnythingIsSent() throws {
        var gazette = try CommandRunner()
        try EndToEndTests.importFixture(gazette)
        gazette.environment["GAZETTE_DKIM_DOMAIN"] = "example.com"
        gazette.environment["GAZETTE_DKIM_KEY_FILE"] = "\(gazette.directory)/missing.pem"
        let partial = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(partial.status == 64)
        #expect(partial.stderr.contains("GAZETTE_DKIM_SELECTOR is not set"), "\(partial.stderr)")

        gazette.environment["GAZETTE_DKIM_SELECTOR"] = "s1"
        let missing = try gazette.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("GAZETTE_DKIM_KEY_FILE: cannot read the DKIM key"), "\(missing.stderr)")

        let weak = "\(gazette.directory)/weak.pem"
        let openssl = try CommandRunner.execute("/usr/bin/openssl", ["genrsa", "-out", weak, "1024"], environment: gazette.environment, in: gazette.directory)
        #expect(openssl.status == 0)
        gazette.environment["GAZETTE_DKIM_KEY_FILE"] = weak
        for command in [
            ["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"],
            ["send-test", "--subscriber", "go@example.com", "--to", "editor@example.org", "--week", "2026-W48"],
            ["preview", "--subscriber", "go@example.com", "--week", "2026-W48", "--format", "eml"],
        ] {
            let result = try gazette.run(command)
            #expect(result.status == 64, "\(command[0])")
            #expect(result.stderr.contains("is RSA with 1024 bits; at least 2048"), "\(command[0]): \(result.stderr)")
        }
        #expect(try gazette.outboxFiles().isEmpty)
        #expect(try gazette.run(["status", "--week", "2026-W48"]).stdout.contains("sent 0,"))
    }
}
