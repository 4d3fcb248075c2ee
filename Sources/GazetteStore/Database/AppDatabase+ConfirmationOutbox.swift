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
    public var expires: Date { requestedAt.addingTimeInterval(AppDatabase.confirmationLinkLifetime) }
}

extension AppDatabase {
    /// A confirmation link works this long; an owed e-mail not sent by then is given up (its link would not work).
    public static let confirmationLinkLifetime: TimeInterval = 7 * 86_400

    /// Confirmations not sent yet whose link still works, oldest first.
    public func owedConfirmations(now: Date, limit: Int = 100) throws -> [OwedConfirmation] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT confirmationOutbox.id AS outboxId, confirmationOutbox.requestedAt, confirmationOutbox.attempts,
                        subscriber.*
                    FROM confirmationOutbox JOIN subscriber ON subscriber.id = confirmationOutbox.subscriberId
                    WHERE confirmationOutbox.sentAt IS NULL AND confirmationOutbox.requestedAt > ?
                        AND subscriber.status = 'pending'
                    ORDER BY confirmationOutbox.id LIMIT ?
                    """,
                arguments: [StoredDate(now.addingTimeInterval(-Self.confirmationLinkLifetime)), limit])
            return try rows.map { row in
                OwedConfirmation(
                    id: row["outboxId"], subscriber: try SubscriberRecord(row: row).subscriber,
                    requestedAt: row["requestedAt"], attempts: row["attempts"])
            }
        }
    }

    /// Records that the relay took the e-mail.
    public func confirmationSent(_ id: Int64, now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE confirmationOutbox SET sentAt = ?, lastError = NULL WHERE id = ?", arguments: [StoredDate(now), id])
        }
    }

    /// Records a failed attempt; the e-mail stays owed and is tried again.
    public func confirmationFailed(_ id: Int64, error: String, now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE confirmationOutbox SET attempts = attempts + 1, lastError = ?, lastAttemptAt = ? WHERE id = ?",
                arguments: [String(error.prefix(500)), StoredDate(now), id])
        }
    }
}
