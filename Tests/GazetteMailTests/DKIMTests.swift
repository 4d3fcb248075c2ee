import Foundation
import GazetteCore
import GazetteMail
import Testing

struct DKIMCanonicalizationTests {
    /// RFC 6376 §3.4.6, the example of both canonicalizations.
    @Test func relaxedHeadersMatchTheRFCExample() {
        #expect(DKIMCanonicalization.relaxedHeader(Array("A: X".utf8)) == Array("a:X\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedHeader(Array("B : Y\t\r\n\tZ  ".utf8)) == Array("b:Y Z\r\n".utf8))
    }

    @Test func relaxedBodyMatchesTheRFCExample() {
        let body = " C \r\nD \t E\r\n\r\n\r\n"
        #expect(DKIMCanonicalization.relaxedBody(Array(body.utf8)) == Array(" C\r\nD E\r\n".utf8))
    }

    /// The fast path (canonical lines passed through as slices) against RFC 6376 §3.4.4 applied literally
    /// with string operations, on random bodies made of the bytes that matter.
    @Test func relaxedBodyMatchesALiteralReadingOfTheRFC() {
        func reference(_ body: [UInt8]) -> [UInt8] {
            var lines = String(decoding: body, as: UTF8.self).components(separatedBy: "\r\n")
            // A final CRLF leaves an empty last element that is no line.
            if lines.last == "" { lines.removeLast() }
            lines = lines.map { line in
                var reduced = line.replacingOccurrences(of: "[ \t]+", with: " ", options: .regularExpression)
                while reduced.hasSuffix(" ") { reduced.removeLast() }
                return reduced
            }
            while lines.last == "" { lines.removeLast() }
            return Array(lines.map { $0 + "\r\n" }.joined().utf8)
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "=20", " ", "  ", "\t", "\r\n", "\r\n\r\n", "\r", "\n", "xyz"]
        for _ in 0..<3000 {
            let body = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(body.utf8)
            #expect(DKIMCanonicalization.relaxedBody(bytes) == reference(bytes), "\(body.debugDescription)")
        }
    }

    @Test(arguments: [
        ("", ""),
        ("\r\n\r\n", ""),
        ("x", "x\r\n"),
        ("a  \r\n\r\nb\t\r\n \r\n", "a\r\n\r\nb\r\n"),
        ("=20\r\n", "=20\r\n"),
    ])
    func relaxedBodyEdges(input: String, expected: String) {
        #expect(DKIMCanonicalization.relaxedBody(Array(input.utf8)) == Array(expected.utf8))
    }
}

/// Keys made by OpenSSL (as an operator would) and by `DKIMPrivateKey.generate`, signatures checked by
/// dkimpy: an implementation that shares no code with Gazette.
struct DKIMSignerTests {
    static let composed = MessageComposer().compose(OutgoingMessage(
        from: Mailbox(name: "Backend Jobs Weekly", address: try! EmailAddress("digest@example.com")),
        to: Mailbox(name: "Zoë Example", address: try! EmailAddress("zoe@example.org")),
        subject: "Backend jobs this week: 12 openings, salaries up 3 %", date: Date(timeIntervalSince1970: 1_796_000_000),
        messageID: "gazette.2026-W48.abc@example.com",
        unsubscribeURIs: ["https://news.example.com/u/abc", "mailto:digest@example.com?subject=unsubscribe-abc"],
        listID: "Backend Jobs Weekly <digest.example.com>",
        text: "Hello Zoë,\n\nTwelve openings   this week.\n\n\n", html: "<p>Hello Zoë</p>\n<p>Twelve openings</p>\n"))

    @Test(arguments: DKIMPrivateKey.Kind.allCases)
    func dkimpyVerifiesAndRejectsAlteredCopies(kind: DKIMPrivateKey.Kind) throws {
        let signer = try DKIMSigner(domain: "example.com", selector: "s1", key: DKIMPrivateKey.generate(kind))
        let signed = try signer.sign(Self.composed, timestamp: Date(timeIntervalSince1970: 1_796_000_000))
        let result = try #require(try DKIMVerifier.verify([signed], record: DKIMRecord(signer: signer).value).first)
        #expect(result.verified)
        #expect(!result.tampered_header)
        #expect(!result.tampered_body)
        #expect(result.longest_signature_line <= 78)
        let signature = try #require(result.signature)
        let tags = signature.replacingOccurrences(of: "\r\n", with: "").filter { !$0.isWhitespace }
        #expect(tags.contains("a=\(kind == .rsa ? "rsa-sha256" : "ed25519-sha256");"))
        #expect(tags.contains("c=relaxed/relaxed;"))
        #expect(tags.contains(
            "h=from:from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe:list-unsubscribe-post:list-id;"))
        // The original bytes follow the signature untouched.
        #expect(Array(signed.suffix(Self.composed.count)) == Self.composed)
    }

    @Test(arguments: [
        ("rsa-pkcs8", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
        ("rsa-pkcs1", ["genrsa", "-traditional", "2048"]),
        ("rsa-3072", ["genrsa", "3072"]),
        ("ed25519", ["genpkey", "-algorithm", "ed25519"]),
    ])
    func loadsKeysMadeByOpenSSL(name: String, arguments: [String]) throws {
        let directory = try DKIMVerifier.temporaryDirectory()
        let path = directory + "/\(name).pem"
        try DKIMVerifier.run("/usr/bin/openssl", [arguments[0], "-out", path] + arguments.dropFirst())
        let key = try DKIMPrivateKey.load(path: path)
        #expect(key.kind == (name.hasPrefix("rsa") ? .rsa : .ed25519))
        let signer = try DKIMSigner(domain: "example.com", selector: "s1", key: key)
        let result = try #require(try DKIMVerifier.verify([try signer.sign(Self.composed)], record: DKIMRecord(signer: signer).value).first)
        #expect(result.verified)
    }

    @Test func refusesWeakMissingAndUnusableKeys() throws {
        let directory = try DKIMVerifier.temporaryDirectory()
        try DKIMVerifier.run("/usr/bin/openssl", ["genrsa", "-out", directory + "/weak.pem", "1024"])
        #expect(throws: DKIMError.weakKey(path: directory + "/weak.pem", bits: 1024)) { try DKIMPrivateKey.load(path: directory + "/weak.pem") }
        let missing = #expect(throws: DKIMError.self) { try DKIMPrivateKey.load(path: directory + "/missing.pem") }
        #expect(missing == .unreadableKey(path: directory + "/missing.pem", reason: "no such file"))
        try DKIMVerifier.run("/usr/bin/openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", directory + "/ec.pem"])
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: directory + "/garbage.pem"))
        for name in ["ec.pem", "garbage.pem"] {
            let error = #expect(throws: DKIMError.self) { try DKIMPrivateKey.load(path: directory + "/" + name) }
            if case .unsupportedKey = error {} else { Issue.record("\(name): \(String(describing: error))") }
        }
    }

    @Test func refusesNamesThatAreNotDNSNames() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        for (domain, selector) in [("example.com;x=1", "s1"), ("example.com", "s1\r\nBcc: x"), ("localhost", "s1"), ("example.com", "")] {
            #expect(throws: DKIMError.self) { try DKIMSigner(domain: domain, selector: selector, key: key) }
        }
    }

    @Test func recordSplitsIntoStringsOf255Bytes() throws {
        let signer = try DKIMSigner(domain: "Example.COM", selector: "s1", key: DKIMPrivateKey.generate(.rsa))
        let record = DKIMRecord(signer: signer)
        #expect(record.name == "s1._domainkey.example.com")
        #expect(record.value.hasPrefix("v=DKIM1; k=rsa; p=MII"))
        #expect(record.quotedStrings.count == 2)
        #expect(record.quotedStrings.allSatisfy { $0.utf8.count <= 257 })
        #expect(record.quotedStrings.map { $0.dropFirst().dropLast() }.joined() == record.value)
        #expect(record.zoneLine.hasPrefix("s1._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p="))
    }
}

/// Runs `Tests/Support/verify_dkim.py` with Debian's python3 (where python3-dkim is installed).
enum DKIMVerifier {
    struct Result: Decodable {
        var file: String
        var verified: Bool
        var tampered_header: Bool
        var tampered_body: Bool
        var signature: String?
        var longest_signature_line: Int
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/verify_dkim.py").path
    }

    static func verify(_ messages: [[UInt8]], record: String) throws -> [Result] {
        let directory = try temporaryDirectory()
        var paths: [String] = []
        for (index, message) in messages.enumerated() {
            let path = directory + "/\(index).eml"
            try Data(message).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let output = try run("/usr/bin/python3", [script, record] + paths)
        return try JSONDecoder().decode([Result].self, from: output)
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(arguments.joined(separator: " ")) failed")
        return data
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-dkim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
