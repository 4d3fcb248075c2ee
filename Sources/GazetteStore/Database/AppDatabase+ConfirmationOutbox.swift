public import Foundation
public import GazetteCore
import GRDB

/// One confirmation e-mail owed to a signup, recorded in the same transaction as the signup itself
/// (`confirmationOutbox`, migration "v6: confirmation outbox"), so a `serve` that stops before sending it
/// sends it when it starts again.
public struct OwedConfirmation: Sendable, Equatable {
    public var id: Int64
    public var subscriber: Subscriber
    public var requestedAt: Date
    /// How many sends failed so far.
    public var attempts: Int

    /// The confirmation link stops working this long after the signup.
    public var expires: Date { requestedAt.addingTimeInterval(StorePolicy.confirmationLinkLifetime) }

    package init(id: Int64, subscriber: Subscriber, requestedAt: Date, attempts: Int) {
        self.id = id
        self.subscriber = subscriber
        self.requestedAt = requestedAt
        self.attempts = attempts
    }
}

extension SQLiteStore {
    public func claimOwedConfirmations(now: Date, limit: Int) async throws -> [OwedConfirmation] {
        try await write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT confirmationOutbox.id AS outboxId, confirmationOutbox.requestedAt, confirmationOutbox.attempts,
                        subscriber.*
                    FROM confirmationOutbox JOIN subscriber ON subscriber.id = confirmationOutbox.subscriberId
                    WHERE confirmationOutbox.sentAt IS NULL AND confirmationOutbox.requestedAt > ?
                        AND (confirmationOutbox.claimedUntil IS NULL OR confirmationOutbox.claimedUntil <= ?)
                        AND subscriber.status = \(SubscriberStatus.pending.sql)
                    ORDER BY confirmationOutbox.id LIMIT ?
                    """,
                arguments: [
                    StoredDate(now.addingTimeInterval(-StorePolicy.confirmationLinkLifetime)), StoredDate(now), limit,
                ])
            let owed = try rows.map { row in
                OwedConfirmation(
                    id: row["outboxId"], subscriber: try SubscriberRecord(row: row).subscriber,
                    requestedAt: row["requestedAt"], attempts: row["attempts"])
            }
            for confirmation in owed {
                try db.execute(
                    sql: "UPDATE confirmationOutbox SET claimedUntil = ? WHERE id = ?",
                    arguments: [StoredDate(now.addingTimeInterval(StorePolicy.confirmationClaimLifetime)), confirmation.id])
            }
            return owed
        }
    }

    public func confirmationSent(_ id: Int64, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE confirmationOutbox SET sentAt = ?, lastError = NULL, claimedUntil = NULL WHERE id = ?",
                arguments: [StoredDate(now), id])
        }
    }

    public func confirmationFailed(_ id: Int64, error: String, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE confirmationOutbox SET attempts = attempts + 1, lastError = ?, lastAttemptAt = ?, claimedUntil = NULL
                    WHERE id = ?
                    """,
                arguments: [String(error.prefix(500)), StoredDate(now), id])
        }
    }
}
