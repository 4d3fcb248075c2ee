public import Foundation
public import GazetteCore
import GRDB

/// Where one subscriber's copy of one edition stands.
public enum DeliveryState: String, CaseIterable, Codable, Sendable {
    case queued, sending, sent, deferred, failed, skipped
    /// Accepted by the relay, then returned as a hard bounce (RFC 3464 report).
    case bounced
    /// Accepted, then reported as spam by the recipient (RFC 5965 abuse report).
    case complained

    /// Nothing more will be done for a row in this state.
    public var isFinal: Bool { self != .queued && self != .sending && self != .deferred }

    /// The server accepted this message (whatever came back later): a later run must not send it again.
    public var wasAccepted: Bool { self == .sent || self == .bounced || self == .complained }
}

/// A ledger row claimed for sending, with the subscriber it is for.
public struct DeliveryTicket: Sendable {
    public var id: Int64
    public var subscriber: Subscriber
    /// Attempts including this one.
    public var attempts: Int

    package init(id: Int64, subscriber: Subscriber, attempts: Int) {
        self.id = id
        self.subscriber = subscriber
        self.attempts = attempts
    }
}

/// One ledger row as `status` shows it.
public struct DeliveryRow: Sendable {
    public var subscriberID: Int64
    public var state: DeliveryState
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastCode: Int?
    public var lastReply: String?

    package init(subscriberID: Int64, state: DeliveryState, attempts: Int, nextAttemptAt: Date?, lastCode: Int?, lastReply: String?) {
        self.subscriberID = subscriberID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastCode = lastCode
        self.lastReply = lastReply
    }
}

extension SQLiteStore {
    /// Rows left `sending` by a run that died go back to the queue: they may or may not have reached the
    /// server, and resending (at least once) beats skipping. Call only while holding the edition's lease.
    public func recoverInterrupted(edition: Edition, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = \(DeliveryState.queued.sql), updatedAt = ? WHERE edition = ? AND state = \(DeliveryState.sending.sql)",
                arguments: [StoredDate(now), edition.description])
            return db.changesCount
        }
    }

    /// Adds a `queued` row for each subscriber that has none for this edition.
    /// - Returns: the state each subscriber's row had before (absent when new).
    public func enqueue(edition: Edition, subscriberIDs: [Int64], now: Date) async throws -> [Int64: DeliveryState] {
        guard !subscriberIDs.isEmpty else { return [:] }
        return try await write { db in
            let before = try states(db, edition: edition, subscriberIDs: subscriberIDs)
            let statement = try db.cachedStatement(sql: """
                INSERT INTO delivery (edition, subscriberId, state, createdAt, updatedAt)
                VALUES (?, ?, \(DeliveryState.queued.sql), ?, ?) ON CONFLICT (edition, subscriberId) DO NOTHING
                """)
            let stamp = StoredDate(now)
            for id in subscriberIDs where before[id] == nil {
                try statement.execute(arguments: [edition.description, id, stamp, stamp])
            }
            return before
        }
    }

    /// The current state of each given subscriber's row (absent when there is none).
    public func deliveryStates(edition: Edition, subscriberIDs: [Int64]) async throws -> [Int64: DeliveryState] {
        guard !subscriberIDs.isEmpty else { return [:] }
        return try await read { db in try states(db, edition: edition, subscriberIDs: subscriberIDs) }
    }

    private func states(_ db: Database, edition: Edition, subscriberIDs: [Int64]) throws -> [Int64: DeliveryState] {
        var result: [Int64: DeliveryState] = [:]
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT subscriberId, state FROM delivery WHERE edition = ? AND subscriberId IN (SELECT value FROM json_each(?))",
            arguments: [edition.description, SQLiteStore.jsonList(subscriberIDs)])
        for row in rows {
            if let state = DeliveryState(rawValue: row["state"]) { result[row["subscriberId"]] = state }
        }
        return result
    }

    /// Claims up to `limit` rows that are ready (queued, or deferred and due), marking them `sending`:
    /// queued rows first, in subscriber order, then deferred ones whose retry time has come.
    ///
    /// - Parameters:
    ///   - subscriberIDs: when set, only rows of these subscribers.
    ///   - lease: when set, the claim renews this lease in the same transaction, and claims nothing (throwing
    ///     `StoreError.leaseLost`) when the lease is no longer the holder's.
    public func claim(
        edition: Edition, now: Date, limit: Int, subscriberIDs: Set<Int64>?, lease: LeaseClaim?
    ) async throws -> [DeliveryTicket] {
        try await write { db in
            if let lease {
                try Self.renewLease(db, name: lease.name, holder: lease.holder, now: lease.now(), duration: lease.duration)
            }
            // Two index range scans (see migration v3), each reading only the rows it returns: one
            // query with an OR would sort every ready row of the edition at each claim.
            var only = ""
            var onlyArguments: StatementArguments = []
            if let subscriberIDs {
                only = " AND delivery.subscriberId IN (SELECT value FROM json_each(?))"
                onlyArguments = [SQLiteStore.jsonList(subscriberIDs)]
            }
            let select = "SELECT delivery.id AS deliveryId, delivery.attempts AS deliveryAttempts, subscriber.* FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId"
            var rows = try Row.fetchAll(
                db.cachedStatement(sql: """
                    \(select) WHERE delivery.edition = ? AND delivery.state = \(DeliveryState.queued.sql)\(only)
                    ORDER BY delivery.subscriberId LIMIT ?
                    """),
                arguments: [edition.description] + onlyArguments + [limit])
            if rows.count < limit {
                rows += try Row.fetchAll(
                    db.cachedStatement(sql: """
                        \(select) WHERE delivery.edition = ? AND delivery.state = \(DeliveryState.deferred.sql) AND delivery.nextAttemptAt <= ?\(only)
                        ORDER BY delivery.subscriberId LIMIT ?
                        """),
                    arguments: [edition.description, StoredDate(now)] + onlyArguments + [limit - rows.count])
            }
            var tickets: [DeliveryTicket] = []
            let update = try db.cachedStatement(
                sql: "UPDATE delivery SET state = \(DeliveryState.sending.sql), attempts = attempts + 1, updatedAt = ? WHERE id = ?")
            let stamp = StoredDate(now)
            for row in rows {
                let id: Int64 = row["deliveryId"]
                let attempts: Int = row["deliveryAttempts"]
                try update.execute(arguments: [stamp, id])
                tickets.append(DeliveryTicket(id: id, subscriber: try SubscriberRecord(row: row).subscriber, attempts: attempts + 1))
            }
            return tickets
        }
    }

    /// Records the server's acceptance; committed on its own, right after the reply.
    public func recordSent(deliveryID: Int64, messageID: String, now: Date) async throws {
        let stamp = StoredDate(now)
        try await writeOneStatement { db in
            // A cached statement: this runs once per message, and compiling SQL cost more than running it.
            try db.cachedStatement(sql: """
                UPDATE delivery SET state = \(DeliveryState.sent.sql), messageId = ?, sentAt = ?, updatedAt = ?,
                    nextAttemptAt = NULL, lastCode = NULL, lastReply = NULL WHERE id = ?
                """).execute(arguments: [messageID, stamp, stamp, deliveryID])
        }
    }

    public func recordDeferred(deliveryID: Int64, code: Int?, reply: String, retryAt: Date, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = \(DeliveryState.deferred.sql), lastCode = ?, lastReply = ?, nextAttemptAt = ?, updatedAt = ?
                    WHERE id = ?
                    """,
                arguments: [code, reply, StoredDate(retryAt), StoredDate(now), deliveryID])
        }
    }

    public func recordFailed(deliveryID: Int64, code: Int?, reply: String, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = \(DeliveryState.failed.sql), lastCode = ?, lastReply = ?, nextAttemptAt = NULL, updatedAt = ? WHERE id = ?",
                arguments: [code, reply, StoredDate(now), deliveryID])
        }
    }

    public func recordSkipped(deliveryID: Int64, reason: String, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = \(DeliveryState.skipped.sql), lastReply = ?, updatedAt = ? WHERE id = ?",
                arguments: [reason, StoredDate(now), deliveryID])
        }
    }

    /// Puts claimed rows that were never attempted back in the queue (a run stopping early).
    public func releaseClaims(deliveryIDs: [Int64], now: Date) async throws {
        guard !deliveryIDs.isEmpty else { return }
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = CASE WHEN nextAttemptAt IS NULL THEN \(DeliveryState.queued.sql) ELSE \(DeliveryState.deferred.sql) END,
                        attempts = attempts - 1, updatedAt = ?
                    WHERE state = \(DeliveryState.sending.sql) AND id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [now, SQLiteStore.jsonList(deliveryIDs)])
        }
    }

    /// How many rows of the edition are in each state.
    public func deliveryCounts(edition: Edition) async throws -> [DeliveryState: Int] {
        try await read { db in
            var result: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM delivery WHERE edition = ? GROUP BY state",
                arguments: [edition.description])
            {
                if let state = DeliveryState(rawValue: row["state"]) { result[state] = row["n"] }
            }
            return result
        }
    }

    /// Rows that are deferred and not yet due again at `now`.
    public func waitingDeferredCount(edition: Edition, now: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM delivery WHERE edition = ? AND state = \(DeliveryState.deferred.sql) AND nextAttemptAt > ?",
                arguments: [edition.description, now]) ?? 0
        }
    }

    /// How many messages to this subscriber were refused for good (5xx), over all editions.
    public func hardFailureCount(subscriberID: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM delivery WHERE subscriberId = ? AND state = \(DeliveryState.failed.sql) AND lastCode BETWEEN 500 AND 599",
                arguments: [subscriberID]) ?? 0
        }
    }

    /// Whether any run has recorded anything for this edition.
    public func hasDeliveries(edition: Edition) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM delivery WHERE edition = ? LIMIT 1", arguments: [edition.description]) ?? false
        }
    }

    /// Editions that have ledger rows, newest first.
    public func editionsWithDeliveries() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT DISTINCT edition FROM delivery ORDER BY edition DESC") }
    }

    /// Rows that did not end well (failed, deferred, bounced, complained), for `status`.
    public func problemDeliveries(edition: Edition) async throws -> [(email: String, row: DeliveryRow)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT subscriber.email, delivery.subscriberId, delivery.state, delivery.attempts, delivery.nextAttemptAt,
                        delivery.lastCode, COALESCE(delivery.bounceDiagnostic, delivery.lastReply) AS lastReply
                    FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId
                    WHERE edition = ? AND state IN (\(DeliveryState.failed.sql), \(DeliveryState.deferred.sql), \(DeliveryState.bounced.sql), \(DeliveryState.complained.sql)) ORDER BY subscriber.id
                    """,
                arguments: [edition.description]
            ).map { row in
                (row["email"], DeliveryRow(
                    subscriberID: row["subscriberId"], state: DeliveryState(rawValue: row["state"]) ?? .failed,
                    attempts: row["attempts"], nextAttemptAt: row["nextAttemptAt"], lastCode: row["lastCode"],
                    lastReply: row["lastReply"]))
            }
        }
    }

    /// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`: one bound value however many ids.
    static func jsonList(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
