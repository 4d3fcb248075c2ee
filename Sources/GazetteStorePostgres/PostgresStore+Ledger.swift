public import Foundation
public import GazetteCore
public import GazetteStore
import Logging
import PostgresNIO

// The ledger and its row claims, returned reports and run history: the same rules as the SQLite backend's
// `AppDatabase+Deliveries`, `+Bounces` and `+Runs`.

extension PostgresStore {
    public func recoverInterrupted(
        edition: Edition, now: Date, isAbandoned: @escaping @Sendable (String) -> Bool
    ) async throws -> Int {
        try await transaction { [logger] connection in
            let holders = try await connection.rows(
                """
                SELECT DISTINCT claimedBy FROM delivery
                WHERE edition = \(edition.description) AND state = \(unescaped: DeliveryState.sending.sql) AND claimedBy IS NOT NULL
                """, logger: logger
            ).map { try $0.value("claimedby", as: String.self) }
            let gone = holders.filter(isAbandoned)
            return try await connection.count(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.queued.sql), claimedBy = NULL, claimedUntil = NULL, updatedAt = \(now)
                WHERE edition = \(edition.description) AND state = \(unescaped: DeliveryState.sending.sql)
                    AND (claimedUntil IS NULL OR claimedUntil < \(now) OR claimedBy = ANY(\(gone)))
                RETURNING 1
                """, logger: logger)
        }
    }

    public func enqueue(edition: Edition, subscriberIDs: [Int64], now: Date) async throws -> [Int64: DeliveryState] {
        guard !subscriberIDs.isEmpty else { return [:] }
        return try await transaction { [logger] connection in
            let before = try await Self.states(connection, edition: edition, subscriberIDs: subscriberIDs, logger: logger)
            let new = subscriberIDs.filter { before[$0] == nil }
            if !new.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO delivery (edition, subscriberId, state, createdAt, updatedAt)
                    SELECT \(edition.description), id, \(unescaped: DeliveryState.queued.sql), \(now), \(now) FROM unnest(\(new)) AS id
                    ON CONFLICT (edition, subscriberId) DO NOTHING
                    """, logger: logger)
            }
            return before
        }
    }

    public func deliveryStates(edition: Edition, subscriberIDs: [Int64]) async throws -> [Int64: DeliveryState] {
        guard !subscriberIDs.isEmpty else { return [:] }
        return try await transaction { [logger] connection in
            try await Self.states(connection, edition: edition, subscriberIDs: subscriberIDs, logger: logger)
        }
    }

    static func states(
        _ connection: PostgresConnection, edition: Edition, subscriberIDs: [Int64], logger: Logger
    ) async throws -> [Int64: DeliveryState] {
        var result: [Int64: DeliveryState] = [:]
        for row in try await connection.rows(
            "SELECT subscriberId, state FROM delivery WHERE edition = \(edition.description) AND subscriberId = ANY(\(subscriberIDs))",
            logger: logger)
        {
            if let state = DeliveryState(rawValue: try row.value("state")) { result[try row.value("subscriberid")] = state }
        }
        return result
    }

    public func claim(
        edition: Edition, now: Date, limit: Int, subscriberIDs: Set<Int64>?, claimant: RowClaimant
    ) async throws -> [DeliveryTicket] {
        let clock = claimant.clock()
        let until = clock.addingTimeInterval(claimant.lifetime)
        return try await transaction { [logger] connection in
            try await Self.renewClaims(connection, edition: edition, holder: claimant.holder, until: until, logger: logger)
            let only = subscriberIDs.map(Array.init)
            let select = """
                SELECT delivery.id AS deliveryid, delivery.attempts AS deliveryattempts, \(Self.subscriberColumns)
                FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId
                """
            // Queued rows in subscriber order, then deferred ones that are due, then rows whose claim expired
            // (a sender that died or stalled). Rows another sender is claiming right now are skipped, not waited for.
            var rows = try await connection.rows(
                """
                \(unescaped: select)
                WHERE delivery.edition = \(edition.description) AND delivery.state = \(unescaped: DeliveryState.queued.sql)
                    AND (\(only)::bigint[] IS NULL OR delivery.subscriberId = ANY(\(only)))
                ORDER BY delivery.subscriberId LIMIT \(limit) FOR UPDATE OF delivery SKIP LOCKED
                """, logger: logger)
            if rows.count < limit {
                rows += try await connection.rows(
                    """
                    \(unescaped: select)
                    WHERE delivery.edition = \(edition.description) AND delivery.state = \(unescaped: DeliveryState.deferred.sql)
                        AND delivery.nextAttemptAt <= \(now)
                        AND (\(only)::bigint[] IS NULL OR delivery.subscriberId = ANY(\(only)))
                    ORDER BY delivery.subscriberId LIMIT \(limit - rows.count) FOR UPDATE OF delivery SKIP LOCKED
                    """, logger: logger)
            }
            if rows.count < limit {
                rows += try await connection.rows(
                    """
                    \(unescaped: select)
                    WHERE delivery.edition = \(edition.description) AND delivery.state = \(unescaped: DeliveryState.sending.sql)
                        AND (delivery.claimedUntil IS NULL OR delivery.claimedUntil < \(clock))
                        AND (\(only)::bigint[] IS NULL OR delivery.subscriberId = ANY(\(only)))
                    ORDER BY delivery.subscriberId LIMIT \(limit - rows.count) FOR UPDATE OF delivery SKIP LOCKED
                    """, logger: logger)
            }
            guard !rows.isEmpty else { return [] }
            let ids = try rows.map { try $0.value("deliveryid", as: Int64.self) }
            try await connection.query(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.sending.sql), attempts = attempts + 1,
                    claimedBy = \(claimant.holder), claimedUntil = \(until), updatedAt = \(now)
                WHERE id = ANY(\(ids))
                """, logger: logger)
            return try rows.map { row in
                DeliveryTicket(
                    id: try row.value("deliveryid"), subscriber: try Self.subscriber(row),
                    attempts: try row.value("deliveryattempts", as: Int.self) + 1)
            }
        }
    }

    public func renewClaims(edition: Edition, claimant: RowClaimant) async throws -> Int {
        let until = claimant.expiry
        return try await transaction { [logger] connection in
            try await Self.renewClaims(connection, edition: edition, holder: claimant.holder, until: until, logger: logger)
        }
    }

    @discardableResult
    static func renewClaims(
        _ connection: PostgresConnection, edition: Edition, holder: String, until: Date, logger: Logger
    ) async throws -> Int {
        try await connection.count(
            """
            UPDATE delivery SET claimedUntil = \(until)
            WHERE edition = \(edition.description) AND state = \(unescaped: DeliveryState.sending.sql) AND claimedBy = \(holder)
            RETURNING 1
            """, logger: logger)
    }

    /// The heartbeat's thread waits here while a task renews the claims: postgres-nio is async only, and
    /// its I/O runs on NIO's event loops, so the wait does not depend on Swift's pool being free for long.
    public func renewClaimsBlocking(edition: Edition, claimant: RowClaimant) throws -> Int {
        try Self.waitFor { try await self.renewClaims(edition: edition, claimant: claimant) }
    }

    /// Sent marks (the common case, alone or several connections' at once) are one statement in a
    /// transaction of its own (one round trip), committed without waiting for the WAL to reach the disk
    /// (`synchronous_commit` off for that transaction only, through `set_config(…, true)`). That is the
    /// promise the SQLite backend makes in WAL mode with `synchronous=NORMAL`: committed at once for every
    /// other process, and kept whatever happens to the sender; a crash of the database server itself may
    /// forget the last fraction of a second of marks (`wal_writer_delay`, 200 ms, up to three times that),
    /// and those messages are sent again, never skipped. Waiting for a flush per message made a durable
    /// server's ledger the send path's bottleneck. Every other change (and claims, signups, imports) keeps
    /// the server's durable default.
    public func record(_ entries: [LedgerEntry], now: Date) async throws {
        guard !entries.isEmpty else { return }
        let sent = entries.compactMap { entry -> SentMark? in
            guard case .sent(let messageID) = entry.change else { return nil }
            return SentMark(id: entry.deliveryID, mid: messageID)
        }
        if sent.count == entries.count {
            let document = String(decoding: try JSONEncoder().encode(sent), as: UTF8.self)
            try await statement { [logger] connection in
                // Read to the end: the statement's commit is part of its answer.
                _ = try await connection.rows(
                    """
                    UPDATE delivery SET state = \(unescaped: DeliveryState.sent.sql), messageId = mark.mid, sentAt = \(now),
                        updatedAt = \(now), nextAttemptAt = NULL, lastCode = NULL, lastReply = NULL, claimedBy = NULL, claimedUntil = NULL
                    FROM json_to_recordset(\(document)::json) AS mark(id BIGINT, mid TEXT),
                        (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed
                    WHERE delivery.id = mark.id
                    """, logger: logger)
            }
            return
        }
        try await transaction { [logger] connection in
            for entry in entries {
                try await Self.record(entry, now: now, connection, logger: logger)
            }
        }
    }

    /// A connection's thread waits here while a task records: postgres-nio is async only, and its I/O
    /// runs on NIO's event loops, so the wait does not depend on Swift's pool being free for long.
    public func recordBlocking(_ entries: [LedgerEntry], now: Date) throws {
        try Self.waitFor { try await self.record(entries, now: now) }
    }

    /// Runs `work` in a task and blocks the calling thread (never one of Swift's pool) until it is done.
    private static func waitFor<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let outcome = BlockingOutcome<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return try outcome.result.get()
    }

    /// One sent mark, as the JSON document `record` reads with `json_to_recordset`.
    private struct SentMark: Encodable {
        var id: Int64
        var mid: String
    }

    private static func record(_ entry: LedgerEntry, now: Date, _ connection: PostgresConnection, logger: Logger) async throws {
        let id = entry.deliveryID
        switch entry.change {
        case .sent(let messageID):
            try await connection.query(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.sent.sql), messageId = \(messageID), sentAt = \(now),
                    updatedAt = \(now), nextAttemptAt = NULL, lastCode = NULL, lastReply = NULL, claimedBy = NULL, claimedUntil = NULL
                WHERE id = \(id)
                """, logger: logger)
        case .deferred(let code, let reply, let retryAt):
            try await connection.query(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.deferred.sql), lastCode = \(code), lastReply = \(reply),
                    nextAttemptAt = \(retryAt), updatedAt = \(now), claimedBy = NULL, claimedUntil = NULL
                WHERE id = \(id)
                """, logger: logger)
        case .failed(let code, let reply):
            try await connection.query(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.failed.sql), lastCode = \(code), lastReply = \(reply),
                    nextAttemptAt = NULL, updatedAt = \(now), claimedBy = NULL, claimedUntil = NULL
                WHERE id = \(id)
                """, logger: logger)
        case .skipped(let reason):
            try await connection.query(
                """
                UPDATE delivery SET state = \(unescaped: DeliveryState.skipped.sql), lastReply = \(reason), updatedAt = \(now),
                    claimedBy = NULL, claimedUntil = NULL
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func releaseClaims(deliveryIDs: [Int64], holder: String, now: Date) async throws {
        guard !deliveryIDs.isEmpty else { return }
        try await transaction { [logger] connection in
            try await connection.query(
                """
                UPDATE delivery SET state = CASE WHEN nextAttemptAt IS NULL THEN \(unescaped: DeliveryState.queued.sql)
                        ELSE \(unescaped: DeliveryState.deferred.sql) END,
                    attempts = attempts - 1, claimedBy = NULL, claimedUntil = NULL, updatedAt = \(now)
                WHERE state = \(unescaped: DeliveryState.sending.sql) AND claimedBy = \(holder) AND id = ANY(\(deliveryIDs))
                """, logger: logger)
        }
    }

    static func stateCounts(_ rows: [PostgresRandomAccessRow]) throws -> [DeliveryState: Int] {
        var result: [DeliveryState: Int] = [:]
        for row in rows {
            if let state = DeliveryState(rawValue: try row.value("state")) { result[state] = try row.value("n", as: Int.self) }
        }
        return result
    }

    public func deliveryCounts(edition: Edition) async throws -> [DeliveryState: Int] {
        try await transaction { [logger] connection in
            try Self.stateCounts(try await connection.rows(
                "SELECT state, COUNT(*) AS n FROM delivery WHERE edition = \(edition.description) GROUP BY state", logger: logger))
        }
    }

    public func deliveryTotals() async throws -> [DeliveryState: Int] {
        try await transaction { [logger] connection in
            try Self.stateCounts(try await connection.rows("SELECT state, COUNT(*) AS n FROM delivery GROUP BY state", logger: logger))
        }
    }

    func scalarCount(_ query: PostgresQuery) async throws -> Int {
        try await transaction { [logger] connection in
            try await connection.rows(query, logger: logger).first?.value("n", as: Int.self) ?? 0
        }
    }

    public func waitingDeferredCount(edition: Edition, now: Date) async throws -> Int {
        try await scalarCount(
            """
            SELECT COUNT(*) AS n FROM delivery WHERE edition = \(edition.description)
                AND state = \(unescaped: DeliveryState.deferred.sql) AND nextAttemptAt > \(now)
            """)
    }

    public func hardFailureCount(subscriberID: Int64) async throws -> Int {
        try await scalarCount(
            """
            SELECT COUNT(*) AS n FROM delivery WHERE subscriberId = \(subscriberID)
                AND state = \(unescaped: DeliveryState.failed.sql) AND lastCode BETWEEN 500 AND 599
            """)
    }

    public func hasDeliveries(edition: Edition) async throws -> Bool {
        try await scalarCount("SELECT COUNT(*) AS n FROM (SELECT 1 FROM delivery WHERE edition = \(edition.description) LIMIT 1) AS one") > 0
    }

    public func editionsWithDeliveries() async throws -> [String] {
        try await transaction { [logger] connection in
            try await connection.rows("SELECT DISTINCT edition FROM delivery ORDER BY edition DESC", logger: logger)
                .map { try $0.value("edition", as: String.self) }
        }
    }

    public func claimsInFlight(edition: Edition) async throws -> [ClaimsInFlight] {
        try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT claimedBy, COUNT(*) AS n, MAX(claimedUntil) AS until FROM delivery
                WHERE edition = \(edition.description) AND state = \(unescaped: DeliveryState.sending.sql)
                GROUP BY claimedBy ORDER BY claimedBy
                """, logger: logger
            ).map {
                ClaimsInFlight(
                    holder: try $0.value("claimedby", as: String?.self), rows: try $0.value("n", as: Int.self),
                    until: try $0.value("until", as: Date?.self))
            }
        }
    }

    public func problemDeliveries(edition: Edition) async throws -> [(email: String, row: DeliveryRow)] {
        let rows = try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT subscriber.email, delivery.subscriberId, delivery.state, delivery.attempts, delivery.nextAttemptAt,
                    delivery.lastCode, COALESCE(delivery.bounceDiagnostic, delivery.lastReply) AS lastreply
                FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId
                WHERE edition = \(edition.description) AND state IN (\(unescaped: DeliveryState.failed.sql),
                    \(unescaped: DeliveryState.deferred.sql), \(unescaped: DeliveryState.bounced.sql), \(unescaped: DeliveryState.complained.sql))
                ORDER BY subscriber.id
                """, logger: logger
            ).map { row in
                ProblemRow(email: try row.value("email"), row: DeliveryRow(
                    subscriberID: try row.value("subscriberid"), state: DeliveryState(rawValue: try row.value("state")) ?? .failed,
                    attempts: try row.value("attempts"), nextAttemptAt: try row.value("nextattemptat"),
                    lastCode: try row.value("lastcode"), lastReply: try row.value("lastreply")))
            }
        }
        return rows.map { ($0.email, $0.row) }
    }

    private struct ProblemRow: Sendable {
        var email: String
        var row: DeliveryRow
    }

    // MARK: Returned reports

    public func delivery(messageID: String) async throws -> DeliveryReference? {
        try await transaction { [logger] connection in
            guard let row = try await connection.rows(
                "SELECT edition, subscriberId FROM delivery WHERE messageId = \(messageID) LIMIT 1", logger: logger
            ).first, let edition = Edition(try row.value("edition", as: String.self)) else { return nil }
            return DeliveryReference(edition: edition, subscriberID: try row.value("subscriberid"))
        }
    }

    public func record(
        _ report: ReturnedReport, for delivery: DeliveryReference, diagnostic: String, now: Date
    ) async throws -> ReportEffect {
        try await transaction { [logger] connection in
            guard let row = try await connection.rows(
                """
                SELECT delivery.id, delivery.state, delivery.softBounceAt, subscriber.email
                FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId
                WHERE delivery.edition = \(delivery.edition.description) AND delivery.subscriberId = \(delivery.subscriberID)
                    AND delivery.state IN (\(unescaped: DeliveryState.sent.sql), \(unescaped: DeliveryState.bounced.sql),
                        \(unescaped: DeliveryState.complained.sql))
                FOR UPDATE OF delivery
                """, logger: logger
            ).first else { return .noDelivery }
            let id: Int64 = try row.value("id")
            let state = DeliveryState(rawValue: try row.value("state")) ?? .sent
            let email: String = try row.value("email")
            var changed = false

            func suppress(_ reason: String) async throws {
                let inserted = try await connection.count(
                    """
                    INSERT INTO suppression (emailKey, reason, createdAt) VALUES (\(email.lowercased()), \(reason), \(now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
                changed = changed || inserted > 0
            }

            switch report {
            case .hardBounce:
                if state == .sent {
                    try await connection.query(
                        """
                        UPDATE delivery SET state = \(unescaped: DeliveryState.bounced.sql), bounceDiagnostic = \(diagnostic),
                            bouncedAt = \(now), updatedAt = \(now)
                        WHERE id = \(id)
                        """, logger: logger)
                    changed = true
                }
                try await suppress("hard bounce (\(delivery.edition)): \(diagnostic)")
            case .softBounce:
                if try row.value("softbounceat", as: Date?.self) == nil {
                    try await connection.query(
                        """
                        UPDATE delivery SET softBounceAt = \(now), bounceDiagnostic = COALESCE(bounceDiagnostic, \(diagnostic)),
                            updatedAt = \(now)
                        WHERE id = \(id)
                        """, logger: logger)
                    changed = true
                }
                let recent = try await connection.rows(
                    """
                    SELECT softBounceAt FROM delivery WHERE subscriberId = \(delivery.subscriberID) AND edition <= \(delivery.edition.description)
                        AND state IN (\(unescaped: DeliveryState.sent.sql), \(unescaped: DeliveryState.bounced.sql),
                            \(unescaped: DeliveryState.complained.sql))
                    ORDER BY edition DESC LIMIT \(StorePolicy.softBouncesBeforeSuppression)
                    """, logger: logger)
                let allSoft = try recent.allSatisfy { try $0.value("softbounceat", as: Date?.self) != nil }
                if recent.count == StorePolicy.softBouncesBeforeSuppression, allSoft {
                    try await suppress(
                        "soft bounces in \(StorePolicy.softBouncesBeforeSuppression) editions in a row; last (\(delivery.edition)): \(diagnostic)")
                }
            case .complaint:
                if state != .complained {
                    try await connection.query(
                        """
                        UPDATE delivery SET state = \(unescaped: DeliveryState.complained.sql), bounceDiagnostic = \(diagnostic),
                            bouncedAt = \(now), updatedAt = \(now)
                        WHERE id = \(id)
                        """, logger: logger)
                    changed = true
                }
                let unsubscribed = try await connection.count(
                    """
                    UPDATE subscriber SET status = \(unescaped: SubscriberStatus.unsubscribed.sql), updatedAt = \(now)
                    WHERE id = \(delivery.subscriberID) AND status != \(unescaped: SubscriberStatus.unsubscribed.sql) RETURNING 1
                    """, logger: logger)
                changed = changed || unsubscribed > 0
                try await suppress("complaint (\(delivery.edition)): \(diagnostic)")
            }
            return changed ? .recorded : .alreadyRecorded
        }
    }

    public func softBounceCount(edition: Edition) async throws -> Int {
        try await scalarCount(
            "SELECT COUNT(*) AS n FROM delivery WHERE edition = \(edition.description) AND softBounceAt IS NOT NULL")
    }

    // MARK: Run history

    public func recordRun(_ run: SendRunRecord) async throws {
        try await transaction { [logger] connection in
            try await connection.query(
                """
                INSERT INTO sendRun (edition, startedAt, seconds, sent, deferred, failed, skipped)
                VALUES (\(run.edition), \(run.startedAt), \(run.seconds), \(run.sent), \(run.deferred), \(run.failed), \(run.skipped))
                """, logger: logger)
        }
    }

    public func lastRun() async throws -> SendRunRecord? {
        try await transaction { [logger] connection in
            try await connection.rows("SELECT * FROM sendRun ORDER BY startedAt DESC, id DESC LIMIT 1", logger: logger).first.map {
                SendRunRecord(
                    edition: try $0.value("edition"), startedAt: try $0.value("startedat"), seconds: try $0.value("seconds"),
                    sent: try $0.value("sent"), deferred: try $0.value("deferred"), failed: try $0.value("failed"),
                    skipped: try $0.value("skipped"))
            }
        }
    }
}

/// The error of a blocking call, handed from the task that ran it to the waiting thread.
private final class BlockingOutcome<Value: Sendable>: @unchecked Sendable {
    // Written by the task before it signals the semaphore, read by the thread after the wait returns:
    // the semaphore orders the two.
    var result: Result<Value, any Error> = .failure(CancellationError())
    func set(_ result: Result<Value, any Error>) { self.result = result }
}
