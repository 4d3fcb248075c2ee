import Foundation
import GazetteCore
@testable import GazetteStore
import GRDB
import Testing

/// What returned reports do to the ledger, the subscriber and the suppression list.
struct BounceLedgerTests {
    let now = Timestamp.parse("2026-11-24T10:00:00Z")!
    let editions = ["2026-W46", "2026-W47", "2026-W48"].map { Edition($0)! }

    /// Subscribers `s1…`, each sent every edition in `editions`.
    func database(subscribers: Int = 2) async throws -> (AppDatabase, [Int64]) {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers((1...subscribers).map { Subscriber(email: "S\($0)@Example.com", name: "S\($0)") }, now: now)
        let ids = try await database.subscribers().compactMap(\.id)
        for edition in editions {
            _ = try await database.enqueue(edition: edition, subscriberIDs: ids, now: now)
            for ticket in try await database.claim(edition: edition, now: now, limit: 100) {
                try await database.recordSent(
                    deliveryID: ticket.id, messageID: "gazette.\(edition).\(ticket.subscriber.id!)@example.com", now: now)
            }
        }
        return (database, ids)
    }

    func state(_ database: AppDatabase, _ edition: Edition, _ id: Int64) async throws -> String? {
        try await database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM delivery WHERE edition = ? AND subscriberId = ?", arguments: [edition.description, id])
        }
    }

    func dump(_ database: AppDatabase) async throws -> String {
        try await database.writer.read { db in
            var text = ""
            for table in ["delivery", "subscriber", "suppression"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1") { text += "\(table) \(row)\n" }
            }
            return text
        }
    }

    @Test func aHardBounceMarksTheRowBouncedAndSuppressesTheAddressOnce() async throws {
        let (database, ids) = try await database()
        let delivery = DeliveryReference(edition: editions[2], subscriberID: ids[0])
        #expect(try await database.record(.hardBounce, for: delivery, diagnostic: "5.1.1 smtp; 550 user unknown", now: now) == .recorded)
        #expect(try await state(database, editions[2], ids[0]) == "bounced")
        #expect(try await database.isSuppressed(email: "s1@example.com"))
        #expect(try await !database.isSuppressed(email: "s2@example.com"))
        #expect(try await database.deliveryCounts(edition: editions[2]) == [.sent: 1, .bounced: 1])
        let before = try await dump(database)
        #expect(try await database.record(.hardBounce, for: delivery, diagnostic: "5.1.1 smtp; 550 user unknown", now: now + 60) == .alreadyRecorded)
        #expect(try await dump(database) == before)
        let problems = try await database.problemDeliveries(edition: editions[2])
        #expect(problems.map(\.row.state) == [.bounced] && problems[0].row.lastReply == "5.1.1 smtp; 550 user unknown")
    }

    @Test func aComplaintUnsubscribesAndSuppressesOnce() async throws {
        let (database, ids) = try await database()
        let delivery = DeliveryReference(edition: editions[1], subscriberID: ids[1])
        #expect(try await database.record(.complaint, for: delivery, diagnostic: "complaint (feedback-type abuse)", now: now) == .recorded)
        #expect(try await state(database, editions[1], ids[1]) == "complained")
        #expect(try await database.subscriber(id: ids[1])?.status == .unsubscribed)
        #expect(try await database.isSuppressed(email: "s2@example.com"))
        let before = try await dump(database)
        #expect(try await database.record(.complaint, for: delivery, diagnostic: "complaint (feedback-type abuse)", now: now + 60) == .alreadyRecorded)
        #expect(try await dump(database) == before)
    }

    @Test func softBouncesSuppressOnlyInThreeEditionsInARow() async throws {
        let (database, ids) = try await database()
        let id = ids[0]
        for (index, edition) in editions.enumerated() {
            let delivery = DeliveryReference(edition: edition, subscriberID: id)
            #expect(try await database.record(.softBounce, for: delivery, diagnostic: "4.2.2 mailbox full", now: now) == .recorded)
            #expect(try await state(database, edition, id) == "sent")  // a soft bounce may still be delivered
            #expect(try await database.isSuppressed(email: "s1@example.com") == (index == 2))
            // The same report again: nothing more.
            #expect(try await database.record(.softBounce, for: delivery, diagnostic: "4.2.2 mailbox full", now: now) == .alreadyRecorded)
        }
        #expect(try await database.softBounceCount(edition: editions[2]) == 1)
    }

    @Test func softBouncesWithACleanEditionBetweenDoNotSuppress() async throws {
        let (database, ids) = try await database()
        for edition in [editions[0], editions[2]] {
            _ = try await database.record(.softBounce, for: DeliveryReference(edition: edition, subscriberID: ids[0]), diagnostic: "4.4.1", now: now)
        }
        #expect(try await !database.isSuppressed(email: "s1@example.com"))
    }

    @Test func aReportForARowThatWasNeverAcceptedOrDoesNotExistChangesNothing() async throws {
        let (database, ids) = try await database()
        let before = try await dump(database)
        #expect(try await database.record(.hardBounce, for: DeliveryReference(edition: Edition("2026-W40")!, subscriberID: ids[0]), diagnostic: "x", now: now) == .noDelivery)
        #expect(try await database.record(.complaint, for: DeliveryReference(edition: editions[0], subscriberID: 999), diagnostic: "x", now: now) == .noDelivery)
        try await database.recordFailed(deliveryID: 1, code: 550, reply: "no", now: now)
        let failedBefore = try await dump(database)
        let row = try database.writer.read { db in try Row.fetchOne(db, sql: "SELECT edition, subscriberId FROM delivery WHERE id = 1")! }
        #expect(try await database.record(.hardBounce, for: DeliveryReference(edition: Edition(row["edition"] as String)!, subscriberID: row["subscriberId"]), diagnostic: "x", now: now) == .noDelivery)
        #expect(try await dump(database) == failedBefore)
        _ = before
    }

    @Test func findsTheDeliveryByItsMessageID() async throws {
        let (database, ids) = try await database()
        #expect(try await database.delivery(messageID: "gazette.2026-W47.\(ids[1])@example.com") == DeliveryReference(edition: editions[1], subscriberID: ids[1]))
        #expect(try await database.delivery(messageID: "someone-else@example.org") == nil)
    }

    @Test func bouncedAndComplainedRowsCountAsAlreadySent() {
        #expect(DeliveryState.bounced.wasAccepted && DeliveryState.complained.wasAccepted && DeliveryState.sent.wasAccepted)
        #expect(!DeliveryState.failed.wasAccepted && DeliveryState.bounced.isFinal && DeliveryState.complained.isFinal)
    }
}
