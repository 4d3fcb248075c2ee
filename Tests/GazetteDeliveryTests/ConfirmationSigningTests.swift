import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteTemplates
import Testing

/// DKIM covers every message Gazette sends: the double opt-in e-mail too, checked by dkimpy.
struct ConfirmationSigningTests {
    @Test(arguments: DKIMPrivateKey.Kind.allCases)
    func confirmationEmailsAreSigned(kind: DKIMPrivateKey.Kind) async throws {
        let harness = try await DeliveryHarness(subscribers: [])
        let signer = try DKIMSigner(domain: "example.com", selector: "s1", key: try DKIMPrivateKey.generate(kind))
        let outbox = NSTemporaryDirectory() + "gazette-confirm-\(UUID().uuidString)"
        let sender = ConfirmationSender(
            templates: harness.factory.templates, sender: harness.factory.sender,
            transport: OutboxTransport(directory: outbox), dkim: signer)
        let person = Subscriber(id: 7, email: "new@example.org", name: "New Reader")
        try await sender.send(to: person, confirmURL: "https://news.example.com/confirm/7.c.x", expires: Date().addingTimeInterval(604_800))
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox).first { $0.hasSuffix(".eml") })
        let bytes = try String(contentsOfFile: "\(outbox)/\(file)", encoding: .utf8)
        #expect(bytes.hasPrefix("DKIM-Signature: v=1; a=\(kind == .rsa ? "rsa" : "ed25519")-sha256;"), "\(bytes.prefix(200))")

        let verifier = Process()
        verifier.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        verifier.arguments = [
            DeliveryHarness.repository.appendingPathComponent("Tests/Support/verify_dkim.py").path,
            DKIMRecord(signer: signer).value, "\(outbox)/\(file)",
        ]
        let output = Pipe()
        verifier.standardOutput = output
        try verifier.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        verifier.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(verifier.terminationStatus == 0)
        #expect(text.contains("\"verified\": true") && text.contains("\"tampered_body\": false"), "\(text)")
    }
}
