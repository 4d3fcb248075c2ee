public import Foundation
public import GazetteCore
import GRDB

/// What a signup did, and whether a confirmation e-mail is owed. The web page says the same thing in
/// every case (no address enumeration); only the mail differs.
public enum SignupOutcome: Sendable, Equatable {
    /// New, pending, unsubscribed or erased address, now pending: send this person a confirmation e-mail.
    case confirmationDue(Subscriber)
    /// Pending, but a confirmation went out less than `confirmationInterval` ago: nothing is sent.
    case throttled
    /// Already confirmed: nothing changes and nothing is sent (an unauthenticated form must not edit them).
    case alreadyActive
    /// On the suppression list after bounces or complaints: never mailed.
    case suppressed
}

extension SQLiteStore {
    /// Records a signup from the form or the API, in one transaction, so that concurrent signups for one
    /// address claim the 10-minute confirmation slot exactly once. A confirmation due is recorded in the
    /// confirmation outbox in the same transaction (`claimOwedConfirmations`), so it cannot be lost.
    ///
    /// The slot is claimed before the mail is sent (claiming after sending would let a flood of parallel
    /// requests each send one); the e-mail itself is recorded as owed and sent, retried after a transport
    /// failure, by `gazette serve`'s confirmation sender.
    ///
    /// An erased person (keyed hash suppressed) who signs up again is treated as new: they become pending and
    /// are mailed only the confirmation they asked for; `confirmSubscription` lifts the hash.
    public func requestSignup(_ subscriber: Subscriber, now: Date) async throws -> SignupOutcome {
        let key = subscriber.email.lowercased()
        return try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM suppression WHERE emailKey = ?", arguments: [key]) ?? false {
                return .suppressed
            }
            let stamp = StoredDate(now)
            let existing = try Row.fetchOne(
                db, sql: "SELECT id, status, confirmationSentAt FROM subscriber WHERE emailKey = ?", arguments: [key])
            if let existing {
                let status: String = existing["status"]
                if status == SubscriberStatus.active.rawValue { return .alreadyActive }
                let last: Date? = existing["confirmationSentAt"]
                if let last, last <= now, now.timeIntervalSince(last) < StorePolicy.confirmationInterval {
                    return .throttled
                }
                // An unsubscribed person keeps their row and ledger history; their new answers replace the old.
                var record = SubscriberRecord(subscriber, now: now)
                record.id = existing["id"]
                record.status = SubscriberStatus.pending.rawValue
                try db.execute(
                    sql: """
                        UPDATE subscriber SET email = ?, name = ?, timeZone = ?, sendDay = ?, sendHour = ?, languages = ?,
                            levels = ?, remoteOnly = ?, locations = ?, minSalary = ?, status = \(SubscriberStatus.pending.sql),
                            pendingSince = CASE WHEN status = \(SubscriberStatus.pending.sql) THEN COALESCE(pendingSince, ?) ELSE ? END,
                            confirmationSentAt = ?, updatedAt = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        record.email, record.name, record.timeZone, record.sendDay, record.sendHour,
                        try StoredList.json(record.languages, column: "languages"),
                        try StoredList.json(record.levels, column: "levels"), record.remoteOnly,
                        try StoredList.json(record.locations, column: "locations"), record.minSalary, stamp, stamp, stamp, stamp, record.id,
                    ])
                try Self.oweConfirmation(db, subscriberID: record.id!, now: now)
                return .confirmationDue(record.subscriber)
            }
            var record = SubscriberRecord(subscriber, now: now)
            record.status = SubscriberStatus.pending.rawValue
            record.pausedUntil = nil
            try record.insert(db)
            try db.execute(
                sql: "UPDATE subscriber SET pendingSince = ?, confirmationSentAt = ? WHERE id = ?",
                arguments: [stamp, stamp, record.id])
            try Self.oweConfirmation(db, subscriberID: record.id!, now: now)
            return .confirmationDue(record.subscriber)
        }
    }

    /// Records the confirmation e-mail this signup is owed, in the signup's transaction. An older one still
    /// unsent (the relay was down) is replaced: its link is as good, and one e-mail is enough.
    static func oweConfirmation(_ db: Database, subscriberID: Int64, now: Date) throws {
        try db.execute(
            sql: "DELETE FROM confirmationOutbox WHERE subscriberId = ? AND sentAt IS NULL", arguments: [subscriberID])
        try db.execute(
            sql: "INSERT INTO confirmationOutbox (subscriberId, requestedAt) VALUES (?, ?)",
            arguments: [subscriberID, StoredDate(now)])
    }

    /// Makes a pending subscriber active. Idempotent: an active one stays active.
    /// - Returns: the subscriber, or nil when the row is gone (purged or erased) or they unsubscribed since.
    public func confirmSubscription(subscriberID: Int64, now: Date, signer: LinkSigner) async throws -> Subscriber? {
        try await write { db in
            guard var record = try SubscriberRecord.fetchOne(db, key: subscriberID) else { return nil }
            switch SubscriberStatus(rawValue: record.status) {
            case .active?: return record.subscriber
            case .pending?:
                record.status = SubscriberStatus.active.rawValue
                record.updatedAt = now
                try record.update(db)
                try db.execute(sql: "UPDATE subscriber SET pendingSince = NULL WHERE id = ?", arguments: [subscriberID])
                // A new confirmation is new consent: an erased person's hash no longer holds them back.
                try db.execute(sql: "DELETE FROM suppressedHash WHERE hash = ?", arguments: [signer.addressHash(record.emailKey)])
                return record.subscriber
            default: return nil
            }
        }
    }

    /// Deletes unconfirmed signups older than `pendingLifetime`. - Returns: how many.
    @discardableResult
    public func purgeStalePending(now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM subscriber WHERE status = \(SubscriberStatus.pending.sql) AND pendingSince IS NOT NULL AND pendingSince < ?",
                arguments: [StoredDate(now.addingTimeInterval(-StorePolicy.pendingLifetime))])
            return db.changesCount
        }
    }

    /// Pauses digests until `until` (nil resumes them).
    public func pause(subscriberID: Int64, until: Date?, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE subscriber SET pausedUntil = ?, updatedAt = ? WHERE id = ?",
                arguments: [until.map(StoredDate.init), StoredDate(now), subscriberID])
            guard db.changesCount == 1 else { throw StoreError.unknownSubscriber("#\(subscriberID)") }
        }
    }

    /// Whether an address must not be mailed: suppressed after bounces or complaints, or erased.
    public func isSuppressed(email: String, signer: LinkSigner) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM suppression WHERE emailKey = ? UNION ALL SELECT 1 FROM suppressedHash WHERE hash = ?",
                arguments: [email.lowercased(), signer.addressHash(email)]) ?? false
        }
    }
}
