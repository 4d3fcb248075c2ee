public import Foundation
public import GazetteCore
import GRDB

/// One finished send run, for `/metrics` and operators.
public struct SendRunRecord: Sendable, Equatable {
    public var edition: String
    public var startedAt: Date
    public var seconds: Double
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    public var skipped: Int

    public init(edition: String, startedAt: Date, seconds: Double, sent: Int, deferred: Int, failed: Int, skipped: Int) {
        self.edition = edition
        self.startedAt = startedAt
        self.seconds = seconds
        self.sent = sent
        self.deferred = deferred
        self.failed = failed
        self.skipped = skipped
    }
}

extension SQLiteStore {
    /// Remembers a run that did something (idle passes of the scheduler are not recorded).
    public func recordRun(_ run: SendRunRecord) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO sendRun (edition, startedAt, seconds, sent, deferred, failed, skipped)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [run.edition, run.startedAt, run.seconds, run.sent, run.deferred, run.failed, run.skipped])
        }
    }

    public func lastRun() async throws -> SendRunRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sendRun ORDER BY startedAt DESC, id DESC LIMIT 1").map {
                SendRunRecord(
                    edition: $0["edition"], startedAt: $0["startedAt"], seconds: $0["seconds"], sent: $0["sent"],
                    deferred: $0["deferred"], failed: $0["failed"], skipped: $0["skipped"])
            }
        }
    }

    /// Ledger rows per state over all editions.
    public func deliveryTotals() async throws -> [DeliveryState: Int] {
        try await read { db in
            var result: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") {
                if let state = DeliveryState(rawValue: row["state"]) { result[state] = row["n"] }
            }
            return result
        }
    }

    /// Subscribers whose address or name contains `text` (ignoring case), in id order.
    public func searchSubscribers(_ text: String, limit: Int) async throws -> [Subscriber] {
        let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await read { db in
            try SubscriberRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM subscriber WHERE emailKey LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'
                    ORDER BY id LIMIT ?
                    """,
                arguments: [pattern, pattern, limit]
            ).map(\.subscriber)
        }
    }

    /// Saves what a subscriber chose on the preferences page.
    public func updatePreferences(
        subscriberID: Int64, timeZone: String, sendDay: Weekday, sendHour: Int, preferences: Preferences, now: Date
    ) async throws {
        try await write { db in
            guard var record = try SubscriberRecord.fetchOne(db, key: subscriberID) else {
                throw StoreError.unknownSubscriber("#\(subscriberID)")
            }
            record.timeZone = timeZone
            record.sendDay = sendDay.rawValue
            record.sendHour = sendHour
            record.languages = preferences.languages
            record.levels = preferences.levels.map(\.rawValue)
            record.remoteOnly = preferences.remoteOnly
            record.locations = preferences.locations
            record.minSalary = preferences.minSalary
            record.skipEmpty = preferences.skipEmpty
            record.updatedAt = now
            try record.update(db)
        }
    }

    /// Unsubscribes by id (signed links carry ids). Idempotent.
    /// - Returns: false when they had already left.
    @discardableResult
    public func unsubscribe(subscriberID: Int64, now: Date) async throws -> Bool {
        try await write { db in
            guard var record = try SubscriberRecord.fetchOne(db, key: subscriberID) else {
                throw StoreError.unknownSubscriber("#\(subscriberID)")
            }
            guard record.status != SubscriberStatus.unsubscribed.rawValue else { return false }
            record.status = SubscriberStatus.unsubscribed.rawValue
            record.updatedAt = now
            try record.update(db)
            return true
        }
    }
}
