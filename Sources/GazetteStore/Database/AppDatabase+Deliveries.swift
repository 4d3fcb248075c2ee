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
    /// Rows left `sending` whose claim expired, or whose holder is certainly gone, go back to the queue:
    /// they may or may not have reached the server, and resending (at least once) beats skipping.
    public func recoverInterrupted(
        edition: Edition, now: Date, isAbandoned: @escaping @Sendable (String) -> Bool
    ) async throws -> Int {
        try await write { db in
            let holders = try String?.fetchAll(
                db, sql: "SELECT DISTINCT claimedBy FROM delivery WHERE edition = ? AND state = \(DeliveryState.sending.sql)",
                arguments: [edition.description])
            let gone = String(decoding: try JSONEncoder().encode(holders.compactMap { $0 }.filter(isAbandoned)), as: UTF8.self)
            try db.execute(
                sql: """
                    UPDATE delivery SET state = \(DeliveryState.queued.sql), claimedBy = NULL, claimedUntil = NULL, updatedAt = ?
                    WHERE edition = ? AND state = \(DeliveryState.sending.sql)
                        AND (claimedUntil IS NULL OR claimedUntil < ? OR claimedBy IN (SELECT value FROM json_each(?)))
                    """,
                arguments: [StoredDate(now), edition.description, StoredDate(now), gone])
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

    /// Claims up to `limit` rows for `claimant`, marking them `sending`: queued rows first, in subscriber
    /// order, then deferred ones whose retry time has come, then rows whose claim expired. The claimant's
    /// other rows in flight are renewed in the same transaction.
    ///
    /// - Parameter subscriberIDs: when set, only rows of these subscribers.
    public func claim(
        edition: Edition, now: Date, limit: Int, subscriberIDs: Set<Int64>?, claimant: RowClaimant
    ) async throws -> [DeliveryTicket] {
        let clock = claimant.clock()
        let until = StoredDate(clock.addingTimeInterval(claimant.lifetime))
        return try await write { db in
            try Self.renewClaims(db, edition: edition, holder: claimant.holder, until: until)
            // Index range scans (see migration v3), each reading only the rows it returns: one query with an
            // OR would sort every ready row of the edition at each claim. SQLite has one writer at a time, so
            // no other sender can claim between these reads and the updates below.
            var only = ""
            var onlyArguments: StatementArguments = []
            if let subscriberIDs {
                only = " AND delivery.subscriberId IN (SELECT value FROM json_each(?))"
                onlyArguments = [SQLiteStore.jsonList(subscriberIDs)]
            }
            let select = "SELECT delivery.id AS deliveryId, delivery.attempts AS deliveryAttempts, subscriber.* FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId"
            let ready: [(condition: String, arguments: StatementArguments)] = [
                ("delivery.state = \(DeliveryState.queued.sql)", []),
                ("delivery.state = \(DeliveryState.deferred.sql) AND delivery.nextAttemptAt <= ?", [StoredDate(now)]),
                ("delivery.state = \(DeliveryState.sending.sql) AND (delivery.claimedUntil IS NULL OR delivery.claimedUntil < ?)",
                 [StoredDate(clock)]),
            ]
            var rows: [Row] = []
            for (condition, arguments) in ready where rows.count < limit {
                rows += try Row.fetchAll(
                    db.cachedStatement(sql: """
                        \(select) WHERE delivery.edition = ? AND \(condition)\(only)
                        ORDER BY delivery.subscriberId LIMIT ?
                        """),
                    arguments: [edition.description] + arguments + onlyArguments + [limit - rows.count])
            }
            var tickets: [DeliveryTicket] = []
            let update = try db.cachedStatement(sql: """
                UPDATE delivery SET state = \(DeliveryState.sending.sql), attempts = attempts + 1, claimedBy = ?, claimedUntil = ?,
                    updatedAt = ? WHERE id = ?
                """)
            let stamp = StoredDate(now)
            guard let first = rows.first else { return [] }
            let positions = try SubscriberRecord.Positions(first)
            for row in rows {
                // `select` names these two first.
                let id: Int64 = row[0]
                let attempts: Int = row[1]
                try update.execute(arguments: [claimant.holder, until, stamp, id])
                tickets.append(DeliveryTicket(
                    id: id, subscriber: try SubscriberRecord(row: row, at: positions).subscriber, attempts: attempts + 1))
            }
            return tickets
        }
    }

    public func renewClaims(edition: Edition, claimant: RowClaimant) async throws -> Int {
        let until = StoredDate(claimant.expiry)
        return try await write { db in try Self.renewClaims(db, edition: edition, holder: claimant.holder, until: until) }
    }

    public func renewClaimsBlocking(edition: Edition, claimant: RowClaimant) throws -> Int {
        let until = StoredDate(claimant.expiry)
        // GRDB's synchronous write runs on this thread (waiting for SQLite's writer), not on Swift's pool.
        do {
            return try writer.write { db in try Self.renewClaims(db, edition: edition, holder: claimant.holder, until: until) }
        } catch let error as DatabaseError {
            throw SQLiteStore.wrap(error)
        }
    }

    @discardableResult
    static func renewClaims(_ db: Database, edition: Edition, holder: String, until: StoredDate) throws -> Int {
        try db.cachedStatement(sql: """
            UPDATE delivery SET claimedUntil = ? WHERE edition = ? AND state = \(DeliveryState.sending.sql) AND claimedBy = ?
            """).execute(arguments: [until, edition.description, holder])
        return db.changesCount
    }

    /// Writes each row's change; one change commits on its own, several share one transaction.
    public func record(_ entries: [LedgerEntry], now: Date) async throws {
        guard !entries.isEmpty else { return }
        // One statement commits alone (autocommit): as durable as a transaction, without BEGIN and COMMIT.
        if entries.count == 1 {
            try await writeOneStatement { db in try Self.record(db, entries, now: now) }
        } else {
            try await write { db in try Self.record(db, entries, now: now) }
        }
    }

    public func recordBlocking(_ entries: [LedgerEntry], now: Date) throws {
        guard !entries.isEmpty else { return }
        // GRDB's synchronous write runs on the calling thread (waiting for SQLite's writer), not on Swift's pool.
        do {
            try writer.write { db in try Self.record(db, entries, now: now) }
        } catch let error as DatabaseError {
            throw SQLiteStore.wrap(error)
        }
    }

    /// Cached statements: this runs once per message, and compiling SQL cost more than running it.
    static func record(_ db: Database, _ entries: [LedgerEntry], now: Date) throws {
        let stamp = StoredDate(now)
        for entry in entries {
            switch entry.change {
            case .sent(let messageID):
                try db.cachedStatement(sql: """
                    UPDATE delivery SET state = \(DeliveryState.sent.sql), messageId = ?, sentAt = ?, updatedAt = ?,
                        nextAttemptAt = NULL, lastCode = NULL, lastReply = NULL, claimedBy = NULL, claimedUntil = NULL WHERE id = ?
                    """).execute(arguments: [messageID, stamp, stamp, entry.deliveryID])
            case .deferred(let code, let reply, let retryAt):
                try db.cachedStatement(sql: """
                    UPDATE delivery SET state = \(DeliveryState.deferred.sql), lastCode = ?, lastReply = ?, nextAttemptAt = ?, updatedAt = ?,
                        claimedBy = NULL, claimedUntil = NULL WHERE id = ?
                    """).execute(arguments: [code, reply, StoredDate(retryAt), stamp, entry.deliveryID])
            case .failed(let code, let reply):
                try db.cachedStatement(sql: """
                    UPDATE delivery SET state = \(DeliveryState.failed.sql), lastCode = ?, lastReply = ?, nextAttemptAt = NULL, updatedAt = ?,
                        claimedBy = NULL, claimedUntil = NULL WHERE id = ?
                    """).execute(arguments: [code, reply, stamp, entry.deliveryID])
            case .skipped(let reason):
                try db.cachedStatement(sql: """
                    UPDATE delivery SET state = \(DeliveryState.skipped.sql), lastReply = ?, updatedAt = ?, claimedBy = NULL, claimedUntil = NULL
                    WHERE id = ?
                    """).execute(arguments: [reason, stamp, entry.deliveryID])
            }
        }
    }

    /// Puts rows `holder` claimed but never attempted back in the queue (a run stopping early); rows another
    /// sender took over once this one's claims expired are not this one's to release.
    public func releaseClaims(deliveryIDs: [Int64], holder: String, now: Date) async throws {
        guard !deliveryIDs.isEmpty else { return }
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = CASE WHEN nextAttemptAt IS NULL THEN \(DeliveryState.queued.sql) ELSE \(DeliveryState.deferred.sql) END,
                        attempts = attempts - 1, claimedBy = NULL, claimedUntil = NULL, updatedAt = ?
                    WHERE state = \(DeliveryState.sending.sql) AND claimedBy = ? AND id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [now, holder, SQLiteStore.jsonList(deliveryIDs)])
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
    public func claimsInFlight(edition: Edition) async throws -> [ClaimsInFlight] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT claimedBy, COUNT(*) AS n, MAX(claimedUntil) AS until FROM delivery
                    WHERE edition = ? AND state = \(DeliveryState.sending.sql) GROUP BY claimedBy ORDER BY claimedBy
                    """,
                arguments: [edition.description]
            ).map { ClaimsInFlight(holder: $0["claimedBy"], rows: $0["n"], until: $0["until"]) }
        }
    }

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
