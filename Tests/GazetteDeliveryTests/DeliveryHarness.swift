import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import Logging
import Synchronization

/// A transport that answers per recipient as a test script says, and records what it was given.
/// It stands in for the SMTP peer only where the test is about the pipeline's bookkeeping; the
/// real SMTP behaviour is tested against real servers in GazetteMailTests.
final class ScriptedTransport: MailTransport {
    let answer: @Sendable (String) -> Result<SendOutcome, MailError>
    let delivered = Mutex<[String]>([])
    var summary: String { "scripted" }

    init(answer: @escaping @Sendable (String) -> Result<SendOutcome, MailError> = { _ in .success(.accepted(detail: "250 ok")) }) {
        self.answer = answer
    }

    func openSession() throws(MailError) -> any MailSession { Session(transport: self) }

    var recipients: [String] { delivered.withLock { $0 } }

    final class Session: MailSession {
        let transport: ScriptedTransport
        init(transport: ScriptedTransport) { self.transport = transport }

        func send(_ message: [UInt8], envelope: Envelope, key: String) throws(MailError) -> SendOutcome {
            let result = transport.answer(envelope.recipient.value)
            if case .success(.accepted) = result {
                transport.delivered.withLock { $0.append(envelope.recipient.value) }
            }
            return try result.get()
        }

        func close() {}
    }
}

/// A fresh database (in-memory SQLite, or PostgreSQL) with the given subscribers and a little edition data, and a run factory.
struct DeliveryHarness {
    static let edition = Edition("2026-W48")!
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let database: any Store
    let factory: MessageFactory

    init(subscribers: [Subscriber], backend: StoreBackend = .sqlite) async throws {
        database = try await backend.makeStore()
        _ = try await database.importSubscribers(subscribers, now: Date())
        try await database.upsertOpenings([
            Opening(
                source: "t", id: "go", company: "Grid", title: "Go Engineer", level: .senior, stack: ["Go"],
                location: "Berlin", remote: false, salaryMin: nil, salaryMax: 150_000, currency: "USD",
                url: "https://jobs.example.com/go", postedAt: Timestamp.parse("2026-11-17T10:00:00Z")!, closedAt: nil)
        ])
        let templates = try await DigestTemplates(directory: DeliveryHarness.repository.appendingPathComponent("Templates").path)
        factory = MessageFactory(
            templates: templates,
            sender: SenderProfile(
                from: try Mailbox(parsing: "Backend Jobs Weekly <digest@example.com>"), baseURL: "https://news.example.com",
                postalAddress: "1 Example Street", signer: LinkSigner(secret: "s")))
    }

    func run(_ transport: any MailTransport) -> SendRun {
        SendRun(database: database, transport: transport, factory: factory, logger: Logger(label: "test"))
    }

    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    static func options(at moment: String, now: Bool = false) -> SendOptions {
        var options = SendOptions(edition: edition, now: at(moment))
        options.ignoreSchedule = now
        return options
    }
}
