import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GRDB
import Logging
import Synchronization
import Testing

/// A transport that accepts everything and keeps each message's envelope and bytes.
final class EnvelopeRecorder: MailTransport {
    let sent = Mutex<[(envelope: Envelope, bytes: [UInt8])]>([])
    var summary: String { "recorder" }
    func openSession() throws(MailError) -> any MailSession { Session(recorder: self) }

    final class Session: MailSession {
        let recorder: EnvelopeRecorder
        init(recorder: EnvelopeRecorder) { self.recorder = recorder }
        func send(_ message: [UInt8], envelope: Envelope, key: String) throws(MailError) -> SendOutcome {
            recorder.sent.withLock { $0.append((envelope, message)) }
            return .accepted(detail: "250")
        }
        func close() {}
    }
}

/// VERP senders on the way out, and matching reports back to deliveries on the way in.
struct BounceProcessorTests {
    static let signer = LinkSigner(secret: "s")
    static let corpus = DeliveryHarness.repository.appendingPathComponent("Tests/Fixtures/Bounces")

    /// A harness whose factory signs VERP senders under `bounces@example.com`, after one send run to everyone.
    static func sentEdition() async throws -> (DeliveryHarness, EnvelopeRecorder, SendRun) {
        let harness = try await DeliveryHarness(subscribers: [
            Subscriber(email: "ghost@mail.example.net", name: "Ghost"), Subscriber(email: "reader@yahoo.com", name: "Reader"),
        ])
        let factory = MessageFactory(
            templates: harness.factory.templates,
            sender: SenderProfile(
                from: harness.factory.sender.from, baseURL: "https://news.example.com", postalAddress: "1 Example Street",
                signer: signer, bounceAddress: try BounceAddress("bounces@example.com")))
        let recorder = EnvelopeRecorder()
        let run = SendRun(database: harness.database, transport: recorder, factory: factory, logger: Logger(label: "test"))
        let summary = try await run.run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect(summary.sent == 2)
        return (harness, recorder, run)
    }

    static func processor(_ database: any Store) -> BounceProcessor {
        BounceProcessor(database: database, signer: signer, logger: Logger(label: "test"))
    }

    /// A corpus report with its placeholder VERP address and Message-ID replaced by real ones.
    static func report(_ file: String, verp: String, messageID: String) throws -> IncomingMessage {
        var text = String(decoding: try Data(contentsOf: corpus.appendingPathComponent(file)), as: UTF8.self)
        text = text.replacingOccurrences(of: "bounces+2026w48-1-0123456789abcdef@example.com", with: verp)
            .replacingOccurrences(of: "gazette.2026-W48.0123456789abcdef@example.com", with: messageID)
        return IncomingMessage(bytes: Array(text.utf8), origin: file)
    }

    static func messageID(of bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: <") }!
        return String(line.dropFirst("Message-ID: <".count).dropLast())
    }

    @Test func eachDigestGoesOutFromItsOwnSignedVerpAddress() async throws {
        let (harness, recorder, _) = try await Self.sentEdition()
        let sent = recorder.sent.withLock { $0 }
        let ids = try await harness.database.subscribers().compactMap(\.id)
        for (message, id) in zip(sent.sorted { $0.envelope.recipient.value < $1.envelope.recipient.value }, ids) {
            let sender = message.envelope.sender.value
            #expect(sender.hasPrefix("bounces+2026w48-\(id)-") && sender.hasSuffix("@example.com"), "\(sender)")
            #expect(sender.split(separator: "@")[0].utf8.count <= 64)
            #expect(sender.allSatisfy { $0.isLowercase || $0.isNumber || "+-@.".contains($0) })
            // Not in the message: the receiving MTA writes Return-Path from the envelope.
            #expect(!String(decoding: message.bytes, as: UTF8.self).contains(sender))
        }
    }

    @Test func theLongestTokenStillFitsInALocalPart() async throws {
        let base = try BounceAddress(String(repeating: "b", count: BounceAddress.longestBaseLocalPart) + "@example.com")
        let address = base.address(edition: Edition("2026-W53")!, subscriberID: Int64.max, email: "a@example.com", signer: Self.signer)
        #expect(address.localPart.utf8.count == 64)
        #expect(throws: EmailAddressError.self) { try BounceAddress(String(repeating: "b", count: BounceAddress.longestBaseLocalPart + 1) + "@example.com") }
        #expect(throws: EmailAddressError.self) { try BounceAddress("bounces+x@example.com") }
        #expect(throws: EmailAddressError.self) { try BounceAddress("not an address") }
    }

    @Test func aTokenVerifiesOnlyForItsOwnSubscriberEditionAndSecret() async throws {
        let base = try BounceAddress("bounces@example.com")
        let address = base.address(edition: Edition("2026-W48")!, subscriberID: 7, email: "A@example.com", signer: Self.signer).value
        let claim = try #require(BounceAddress.claim(in: address.uppercased()))
        #expect(claim.subscriberID == 7 && claim.edition == Edition("2026-W48")!)
        #expect(BounceAddress.verify(claim, email: "a@example.com", signer: Self.signer))
        #expect(!BounceAddress.verify(claim, email: "b@example.com", signer: Self.signer))
        #expect(!BounceAddress.verify(claim, email: "a@example.com", signer: LinkSigner(secret: "other")))
        var forged = claim
        forged.subscriberID = 8
        #expect(!BounceAddress.verify(forged, email: "a@example.com", signer: Self.signer))
        for junk in ["bounces@example.com", "bounces+@example.com", "bounces+2026w48-7-xyz@example.com", "bounces+2026w99-7-0123456789abcdef@x.com", "+"] {
            #expect(BounceAddress.claim(in: junk) == nil, "\(junk)")
        }
    }

    @Test(arguments: [
        ("postfix-hard.eml", BounceOutcome.hard, DeliveryState.bounced), ("exim-hard.eml", .hard, .bounced),
        ("exchange-hard.eml", .hard, .bounced), ("gmail-hard.eml", .hard, .bounced), ("ses-hard.eml", .hard, .bounced),
        ("broken-nested-8bit.eml", .hard, .bounced), ("postfix-delayed.eml", .soft, .sent), ("mailbox-full.eml", .soft, .sent),
        ("autoreply.eml", .ignored, .sent), ("delivered-dsn.eml", .ignored, .sent), ("arf-not-spam.eml", .ignored, .sent),
    ])
    func matchesCorpusReportsByTheirVerpAddress(file: String, outcome: BounceOutcome, state: DeliveryState) async throws {
        let (harness, recorder, _) = try await Self.sentEdition()
        let ghost = try #require(recorder.sent.withLock { $0 }.first { $0.envelope.recipient.value == "ghost@mail.example.net" })
        // A Message-ID that matches nothing: only the VERP address can find the delivery.
        let message = try Self.report(file, verp: ghost.envelope.sender.value, messageID: "nobody@nowhere.example")
        #expect(try await Self.processor(harness.database).process(message, now: Date()) == outcome)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition)[state] ?? 0 >= 1)
        #expect(try await harness.database.isSuppressed(email: "ghost@mail.example.net") == (outcome == .hard))
        #expect(try await !harness.database.isSuppressed(email: "reader@yahoo.com"))
    }

    @Test func matchesAComplaintByTheVerpAddressInOriginalMailFrom() async throws {
        let (harness, recorder, _) = try await Self.sentEdition()
        let reader = try #require(recorder.sent.withLock { $0 }.first { $0.envelope.recipient.value == "reader@yahoo.com" })
        let processor = Self.processor(harness.database)
        let message = try Self.report("yahoo-arf.eml", verp: reader.envelope.sender.value, messageID: "nobody@nowhere.example")
        #expect(try await processor.process(message, now: Date()) == .complaint)
        #expect(try await harness.database.subscriber(email: "reader@yahoo.com")?.status == .unsubscribed)
        #expect(try await harness.database.isSuppressed(email: "reader@yahoo.com"))
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 1, .complained: 1])
        // Twice: counted again, nothing changes.
        #expect(try await processor.process(message, now: Date()) == .complaint)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 1, .complained: 1])
    }

    @Test func fallsBackToTheReturnedMessageIDWithoutAVerpAddress() async throws {
        let (harness, recorder, _) = try await Self.sentEdition()
        let ghost = try #require(recorder.sent.withLock { $0 }.first { $0.envelope.recipient.value == "ghost@mail.example.net" })
        let message = try Self.report("ses-hard.eml", verp: "bounces@example.com", messageID: Self.messageID(of: ghost.bytes))
        #expect(try await Self.processor(harness.database).process(message, now: Date()) == .hard)
        #expect(try await harness.database.isSuppressed(email: "ghost@mail.example.net"))
    }

    @Test func reportsAboutOtherMessagesOrErasedSubscribersAreUnmatched() async throws {
        let (harness, recorder, _) = try await Self.sentEdition()
        let processor = Self.processor(harness.database)
        let ghost = try #require(recorder.sent.withLock { $0 }.first { $0.envelope.recipient.value == "ghost@mail.example.net" })
        // Someone else's message.
        #expect(try await processor.process(try Self.report("foreign-hard.eml", verp: "x", messageID: "y"), now: Date()) == .unmatched)
        // A token signed with another secret, or for another subscriber.
        let otherSecret = try BounceAddress("bounces@example.com").address(
            edition: DeliveryHarness.edition, subscriberID: 1, email: "ghost@mail.example.net", signer: LinkSigner(secret: "other"))
        #expect(try await processor.process(try Self.report("ses-hard.eml", verp: otherSecret.value, messageID: "y"), now: Date()) == .unmatched)
        // The subscriber was erased (their rows go with them).
        let id = try #require(try await harness.database.subscriber(email: "ghost@mail.example.net")?.id)
        let sqlite = try #require(harness.database as? SQLiteStore)
        try await sqlite.writer.write { db in try db.execute(sql: "DELETE FROM subscriber WHERE id = ?", arguments: [id]) }
        let message = try Self.report("postfix-hard.eml", verp: ghost.envelope.sender.value, messageID: Self.messageID(of: ghost.bytes))
        #expect(try await processor.process(message, now: Date()) == .unmatched)
        #expect(try await harness.database.suppressedKeys().isEmpty)
    }

    @Test func aSuppressedAddressIsSkippedByTheNextEdition() async throws {
        let (harness, recorder, run) = try await Self.sentEdition()
        let ghost = try #require(recorder.sent.withLock { $0 }.first { $0.envelope.recipient.value == "ghost@mail.example.net" })
        let message = try Self.report("postfix-hard.eml", verp: ghost.envelope.sender.value, messageID: "n@x")
        #expect(try await Self.processor(harness.database).process(message, now: Date()) == .hard)
        var next = SendOptions(edition: Edition("2026-W49")!, now: DeliveryHarness.at("2026-11-30T09:30:00Z"))
        next.ignoreSchedule = true
        let summary = try await run.run(next)
        #expect((summary.sent, summary.skipped) == (1, 1))
        // Rerunning the old edition does not resend the bounced message either.
        let again = try await run.run(DeliveryHarness.options(at: "2026-11-23T10:30:00Z", now: true))
        #expect((again.sent, again.alreadySent) == (0, 2))
    }
}
