public import Foundation
public import GazetteCore
public import GazetteStore
package import Logging
package import PostgresNIO

// Subscribers, signup lifecycle, suppression, personal data: the same rules as the SQLite backend's
// `AppDatabase+Subscribers`, `+Lifecycle`, `+PersonalData` (see the comments there for why).

extension PostgresStore {
    static let subscriberColumns = """
        subscriber.id, subscriber.email, subscriber.emailKey, subscriber.name, subscriber.timeZone, subscriber.sendDay,
        subscriber.sendHour, subscriber.languages, subscriber.levels, subscriber.remoteOnly, subscriber.locations,
        subscriber.minSalary, subscriber.skipEmpty, subscriber.status, subscriber.pausedUntil
        """

    static func subscriber(_ row: PostgresRandomAccessRow) throws -> Subscriber {
        Subscriber(
            id: try row.value("id", as: Int64.self), email: try row.value("email"), name: try row.value("name"),
            timeZone: try row.value("timezone"), sendDay: Weekday(rawValue: try row.value("sendday", as: Int.self)) ?? .monday,
            sendHour: try row.value("sendhour"),
            preferences: Preferences(
                languages: try StoredList.strings(text: row.value("languages"), column: "subscriber.languages"),
                levels: try StoredList.strings(text: row.value("levels"), column: "subscriber.levels").compactMap(Level.init(rawValue:)),
                remoteOnly: try row.value("remoteonly"),
                locations: try StoredList.strings(text: row.value("locations"), column: "subscriber.locations"),
                minSalary: try row.value("minsalary", as: Int?.self), skipEmpty: try row.value("skipempty")),
            status: SubscriberStatus(rawValue: try row.value("status")) ?? .active,
            pausedUntil: try row.value("pauseduntil", as: Date?.self))
    }

    /// Serializes writers of one address (signup, confirmation, import) for the rest of the transaction,
    /// as SQLite's single writer does: two signups for one address then claim the confirmation slot once.
    ///
    /// The lock is on one of `addressLockBuckets` buckets of the address's hash, never one lock per address:
    /// PostgreSQL's lock table holds `max_locks_per_transaction` (64) × `max_connections` locks in all, and an
    /// import of 100,000 addresses taking one each overflowed it ("out of shared memory"). Two addresses in
    /// one bucket only wait for each other briefly. The two-key form keeps these locks apart from the
    /// one-key migration lock and from other applications' advisory locks.
    static func lockAddress(_ key: String, _ connection: PostgresConnection, logger: Logger) async throws {
        // `rows` reads the answer to the end: an error (a deadlock) surfaces here, not at the next statement.
        _ = try await connection.rows(
            "SELECT pg_advisory_xact_lock(\(addressLockClass), hashtext(\(key)) & \(addressLockBuckets - 1))", logger: logger)
    }

    /// Locks the buckets of all these addresses, in one order, so that two imports cannot deadlock.
    package static func lockAddresses(_ keys: [String], _ connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.rows(
            """
            SELECT pg_advisory_xact_lock(\(addressLockClass), bucket) FROM (
                SELECT DISTINCT hashtext(key) & \(addressLockBuckets - 1) AS bucket FROM unnest(\(keys)::text[]) AS key
                ORDER BY bucket) AS buckets
            """, logger: logger)
    }

    static let addressLockClass: Int32 = 0x6761_7a65  // "gaze"
    package static let addressLockBuckets: Int32 = 1024

    public func importSubscribers(_ rows: [ImportedSubscriber], now: Date, signer: LinkSigner?) async throws -> SubscriberImportSummary {
        try await transaction { [logger] connection in
            var erasedHashes: Set<String> = []
            if signer != nil {
                erasedHashes = Set(try await connection.rows("SELECT hash FROM suppressedHash", logger: logger).map {
                    try $0.value("hash", as: String.self)
                })
            }
            // Every address of the file locked at once, and the stored rows read at once: one round trip each
            // instead of two per row.
            let keys = Array(Set(rows.map { $0.subscriber.email.lowercased() })).sorted()
            try await Self.lockAddresses(keys, connection, logger: logger)
            var stored: [String: (id: Int64, status: String)] = [:]
            for existing in try await connection.rows(
                "SELECT id, emailKey, status FROM subscriber WHERE emailKey = ANY(\(keys)) FOR UPDATE", logger: logger)
            {
                stored[try existing.value("emailkey")] = (try existing.value("id"), try existing.value("status"))
            }
            var summary = SubscriberImportSummary()
            // New addresses named once in the file, without an explicit id, go in batches of one statement
            // (one round trip per row made a 100,000-row import take minutes); the others row by row. A batch
            // is written before any row-by-row statement, so ids follow the file's order as on SQLite.
            var occurrences: [String: Int] = [:]
            for row in rows { occurrences[row.subscriber.email.lowercased(), default: 0] += 1 }
            var batch: [NewSubscriberRow] = []
            func flush() async throws {
                guard !batch.isEmpty else { return }
                try await Self.insertNew(batch, now: now, connection, logger: logger)
                summary.added += batch.count
                batch.removeAll(keepingCapacity: true)
            }
            for row in rows {
                let subscriber = row.subscriber
                let key = subscriber.email.lowercased()
                var status = subscriber.status
                if let signer, !erasedHashes.isEmpty, status == .active, erasedHashes.contains(signer.addressHash(key)) {
                    status = .pending
                }
                if stored[key] == nil, occurrences[key] == 1, subscriber.id == nil {
                    batch.append(try NewSubscriberRow(subscriber, key: key, status: status, order: batch.count))
                    if batch.count == Self.importBatchSize { try await flush() }
                    continue
                }
                try await flush()
                let languages = try StoredList.json(subscriber.preferences.languages, column: "languages")
                let levels = try StoredList.json(subscriber.preferences.levels.map(\.rawValue), column: "levels")
                let locations = try StoredList.json(subscriber.preferences.locations, column: "locations")
                if let existing = stored[key] {
                    if existing.status == SubscriberStatus.unsubscribed.rawValue {
                        if status != .unsubscribed { summary.keptUnsubscribed += 1 }
                        status = .unsubscribed
                    }
                    let id = existing.id
                    let skipEmpty: Bool? = row.setsSkipEmpty ? subscriber.preferences.skipEmpty : nil
                    try await connection.query(
                        """
                        UPDATE subscriber SET email = \(subscriber.email), emailKey = \(key), name = \(subscriber.name),
                            timeZone = \(subscriber.timeZone), sendDay = \(subscriber.sendDay.rawValue), sendHour = \(subscriber.sendHour),
                            languages = \(languages), levels = \(levels), remoteOnly = \(subscriber.preferences.remoteOnly),
                            locations = \(locations), minSalary = \(subscriber.preferences.minSalary), updatedAt = \(now),
                            skipEmpty = COALESCE(\(skipEmpty), skipEmpty),
                            pausedUntil = CASE WHEN \(row.setsPausedUntil) THEN \(subscriber.pausedUntil) ELSE pausedUntil END,
                            pendingSince = CASE WHEN \(status.rawValue) = \(unescaped: SubscriberStatus.pending.sql)
                                THEN COALESCE(CASE WHEN status = \(unescaped: SubscriberStatus.pending.sql) THEN pendingSince END, \(now))
                                ELSE NULL END,
                            status = \(status.rawValue)
                        WHERE id = \(id)
                        """, logger: logger)
                    stored[key] = (id, status.rawValue)
                    summary.updated += 1
                } else {
                    let pendingSince: Date? = status == .pending ? now : nil
                    let inserted = try await connection.rows(
                        """
                        INSERT INTO subscriber (id, email, emailKey, name, timeZone, sendDay, sendHour, languages, levels,
                            remoteOnly, locations, minSalary, skipEmpty, status, pausedUntil, pendingSince, createdAt, updatedAt)
                        VALUES (COALESCE(\(subscriber.id), nextval(pg_get_serial_sequence('subscriber', 'id'))),
                            \(subscriber.email), \(key), \(subscriber.name), \(subscriber.timeZone),
                            \(subscriber.sendDay.rawValue), \(subscriber.sendHour), \(languages), \(levels),
                            \(subscriber.preferences.remoteOnly), \(locations), \(subscriber.preferences.minSalary),
                            \(subscriber.preferences.skipEmpty), \(status.rawValue), \(subscriber.pausedUntil), \(pendingSince),
                            \(now), \(now))
                        RETURNING id, status
                        """, logger: logger)
                    summary.added += 1
                    // A file may name one address twice: the second row updates the first.
                    if let inserted = inserted.first {
                        stored[key] = (try inserted.value("id"), try inserted.value("status"))
                    }
                    if subscriber.id != nil {
                        // An explicit id does not move the identity on: keep new ids above every stored one.
                        try await connection.query(
                            "SELECT setval(pg_get_serial_sequence('subscriber', 'id'), (SELECT MAX(id) FROM subscriber))",
                            logger: logger)
                    }
                }
            }
            try await flush()
            return summary
        }
    }

    static let importBatchSize = 5000

    /// Inserts new subscribers in one statement, in the batch's order (ids are assigned in it).
    static func insertNew(_ batch: [NewSubscriberRow], now: Date, _ connection: PostgresConnection, logger: Logger) async throws {
        let document = String(decoding: try JSONEncoder().encode(batch), as: UTF8.self)
        // Read to the end, so that an error surfaces here rather than at the next statement.
        _ = try await connection.rows(
            """
            INSERT INTO subscriber (email, emailKey, name, timeZone, sendDay, sendHour, languages, levels, remoteOnly,
                locations, minSalary, skipEmpty, status, pausedUntil, pendingSince, createdAt, updatedAt)
            SELECT email, emailkey, name, timezone, sendday, sendhour, languages, levels, remoteonly, locations,
                minsalary, skipempty, status,
                TIMESTAMPTZ '2000-01-01 00:00:00+00' + pauseduntil * INTERVAL '1 microsecond',
                CASE WHEN status = \(unescaped: SubscriberStatus.pending.sql) THEN \(now) END, \(now), \(now)
            FROM json_to_recordset(\(document)::json) AS row(
                n BIGINT, email TEXT, emailkey TEXT, name TEXT, timezone TEXT, sendday BIGINT, sendhour BIGINT,
                languages TEXT, levels TEXT, remoteonly BOOLEAN, locations TEXT, minsalary BIGINT, skipempty BOOLEAN,
                status TEXT, pauseduntil BIGINT)
            ORDER BY n
            """, logger: logger)
    }

    public func subscriber(email: String) async throws -> Subscriber? {
        try await transaction { [logger] connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.subscriberColumns) FROM subscriber WHERE emailKey = \(email.lowercased())", logger: logger
            ).first.map(Self.subscriber)
        }
    }

    public func subscriber(id: Int64) async throws -> Subscriber? {
        try await transaction { [logger] connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.subscriberColumns) FROM subscriber WHERE id = \(id)", logger: logger
            ).first.map(Self.subscriber)
        }
    }

    public func subscribers(status: SubscriberStatus?) async throws -> [Subscriber] {
        try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.subscriberColumns) FROM subscriber
                WHERE \(status?.rawValue)::text IS NULL OR status = \(status?.rawValue) ORDER BY id
                """, logger: logger
            ).map(Self.subscriber)
        }
    }

    public func activeSubscribers(afterID: Int64, limit: Int) async throws -> [Subscriber] {
        try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.subscriberColumns) FROM subscriber
                WHERE status = \(unescaped: SubscriberStatus.active.sql) AND id > \(afterID) ORDER BY id LIMIT \(limit)
                """, logger: logger
            ).map(Self.subscriber)
        }
    }

    public func searchSubscribers(_ text: String, limit: Int) async throws -> [Subscriber] {
        let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.subscriberColumns) FROM subscriber
                WHERE emailKey LIKE \(pattern) ESCAPE '\\' OR lower(name) LIKE \(pattern) ESCAPE '\\'
                ORDER BY id LIMIT \(limit)
                """, logger: logger
            ).map(Self.subscriber)
        }
    }

    public func updatePreferences(
        subscriberID: Int64, timeZone: String, sendDay: Weekday, sendHour: Int, preferences: Preferences, now: Date
    ) async throws {
        let languages = try StoredList.json(preferences.languages, column: "languages")
        let levels = try StoredList.json(preferences.levels.map(\.rawValue), column: "levels")
        let locations = try StoredList.json(preferences.locations, column: "locations")
        try await transaction { [logger] connection in
            let changed = try await connection.count(
                """
                UPDATE subscriber SET timeZone = \(timeZone), sendDay = \(sendDay.rawValue), sendHour = \(sendHour),
                    languages = \(languages), levels = \(levels), remoteOnly = \(preferences.remoteOnly),
                    locations = \(locations), minSalary = \(preferences.minSalary), skipEmpty = \(preferences.skipEmpty),
                    updatedAt = \(now)
                WHERE id = \(subscriberID) RETURNING 1
                """, logger: logger)
            guard changed == 1 else { throw StoreError.unknownSubscriber("#\(subscriberID)") }
        }
    }

    @discardableResult
    public func unsubscribe(email: String, now: Date) async throws -> Bool {
        try await transaction { [logger] connection in
            guard let row = try await connection.rows(
                "SELECT status FROM subscriber WHERE emailKey = \(email.lowercased()) FOR UPDATE", logger: logger
            ).first else { throw StoreError.unknownSubscriber(email) }
            guard try row.value("status", as: String.self) != SubscriberStatus.unsubscribed.rawValue else { return false }
            try await connection.query(
                """
                UPDATE subscriber SET status = \(unescaped: SubscriberStatus.unsubscribed.sql), updatedAt = \(now)
                WHERE emailKey = \(email.lowercased())
                """, logger: logger)
            return true
        }
    }

    @discardableResult
    public func unsubscribe(subscriberID: Int64, now: Date) async throws -> Bool {
        try await transaction { [logger] connection in
            guard let row = try await connection.rows(
                "SELECT status FROM subscriber WHERE id = \(subscriberID) FOR UPDATE", logger: logger
            ).first else { throw StoreError.unknownSubscriber("#\(subscriberID)") }
            guard try row.value("status", as: String.self) != SubscriberStatus.unsubscribed.rawValue else { return false }
            try await connection.query(
                "UPDATE subscriber SET status = \(unescaped: SubscriberStatus.unsubscribed.sql), updatedAt = \(now) WHERE id = \(subscriberID)",
                logger: logger)
            return true
        }
    }

    // MARK: Lifecycle

    public func requestSignup(_ subscriber: Subscriber, now: Date) async throws -> SignupOutcome {
        let key = subscriber.email.lowercased()
        let languages = try StoredList.json(subscriber.preferences.languages, column: "languages")
        let levels = try StoredList.json(subscriber.preferences.levels.map(\.rawValue), column: "levels")
        let locations = try StoredList.json(subscriber.preferences.locations, column: "locations")
        return try await transaction { [logger] connection in
            try await Self.lockAddress(key, connection, logger: logger)
            if try await !connection.rows("SELECT 1 AS one FROM suppression WHERE emailKey = \(key)", logger: logger).isEmpty {
                return .suppressed
            }
            if let existing = try await connection.rows(
                "SELECT id, status, confirmationSentAt FROM subscriber WHERE emailKey = \(key)", logger: logger
            ).first {
                if try existing.value("status", as: String.self) == SubscriberStatus.active.rawValue { return .alreadyActive }
                if let last = try existing.value("confirmationsentat", as: Date?.self), last <= now,
                   now.timeIntervalSince(last) < StorePolicy.confirmationInterval {
                    return .throttled
                }
                let id: Int64 = try existing.value("id")
                try await connection.query(
                    """
                    UPDATE subscriber SET email = \(subscriber.email), name = \(subscriber.name), timeZone = \(subscriber.timeZone),
                        sendDay = \(subscriber.sendDay.rawValue), sendHour = \(subscriber.sendHour), languages = \(languages),
                        levels = \(levels), remoteOnly = \(subscriber.preferences.remoteOnly), locations = \(locations),
                        minSalary = \(subscriber.preferences.minSalary), status = \(unescaped: SubscriberStatus.pending.sql),
                        pendingSince = CASE WHEN status = \(unescaped: SubscriberStatus.pending.sql) THEN COALESCE(pendingSince, \(now)) ELSE \(now) END,
                        confirmationSentAt = \(now), updatedAt = \(now)
                    WHERE id = \(id)
                    """, logger: logger)
                try await Self.oweConfirmation(subscriberID: id, now: now, connection, logger: logger)
                var pending = subscriber
                pending.id = id
                pending.status = .pending
                return .confirmationDue(pending)
            }
            let inserted = try await connection.rows(
                """
                INSERT INTO subscriber (email, emailKey, name, timeZone, sendDay, sendHour, languages, levels, remoteOnly,
                    locations, minSalary, skipEmpty, status, pausedUntil, pendingSince, confirmationSentAt, createdAt, updatedAt)
                VALUES (\(subscriber.email), \(key), \(subscriber.name), \(subscriber.timeZone), \(subscriber.sendDay.rawValue),
                    \(subscriber.sendHour), \(languages), \(levels), \(subscriber.preferences.remoteOnly), \(locations),
                    \(subscriber.preferences.minSalary), \(subscriber.preferences.skipEmpty), \(unescaped: SubscriberStatus.pending.sql),
                    NULL, \(now), \(now), \(now), \(now))
                RETURNING id
                """, logger: logger)
            var pending = subscriber
            pending.id = try inserted.first?.value("id", as: Int64.self)
            pending.status = .pending
            pending.pausedUntil = nil
            if let id = pending.id { try await Self.oweConfirmation(subscriberID: id, now: now, connection, logger: logger) }
            return .confirmationDue(pending)
        }
    }

    /// Records the confirmation e-mail this signup is owed, in the signup's transaction; an older one still
    /// unsent is replaced (its link is as good, and one e-mail is enough). As `SQLiteStore.oweConfirmation`.
    static func oweConfirmation(subscriberID: Int64, now: Date, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "DELETE FROM confirmationOutbox WHERE subscriberId = \(subscriberID) AND sentAt IS NULL", logger: logger)
        try await connection.query(
            "INSERT INTO confirmationOutbox (subscriberId, requestedAt) VALUES (\(subscriberID), \(now))", logger: logger)
    }

    // MARK: Confirmation outbox

    public func claimOwedConfirmations(now: Date, limit: Int) async throws -> [OwedConfirmation] {
        let oldest = now.addingTimeInterval(-StorePolicy.confirmationLinkLifetime)
        let claimedUntil = now.addingTimeInterval(StorePolicy.confirmationClaimLifetime)
        return try await transaction { [logger] connection in
            // SKIP LOCKED: replicas claiming at the same moment each take different rows instead of waiting.
            let rows = try await connection.rows(
                """
                SELECT confirmationOutbox.id AS outboxid, confirmationOutbox.requestedAt AS requestedat,
                    confirmationOutbox.attempts AS outboxattempts, \(unescaped: Self.subscriberColumns)
                FROM confirmationOutbox JOIN subscriber ON subscriber.id = confirmationOutbox.subscriberId
                WHERE confirmationOutbox.sentAt IS NULL AND confirmationOutbox.requestedAt > \(oldest)
                    AND (confirmationOutbox.claimedUntil IS NULL OR confirmationOutbox.claimedUntil <= \(now))
                    AND subscriber.status = \(unescaped: SubscriberStatus.pending.sql)
                ORDER BY confirmationOutbox.id LIMIT \(limit)
                FOR UPDATE OF confirmationOutbox SKIP LOCKED
                """, logger: logger)
            let owed = try rows.map { row in
                OwedConfirmation(
                    id: try row.value("outboxid"), subscriber: try Self.subscriber(row),
                    requestedAt: try row.value("requestedat"), attempts: Int(try row.value("outboxattempts", as: Int64.self)))
            }
            if !owed.isEmpty {
                let ids = owed.map(\.id)
                try await connection.query(
                    "UPDATE confirmationOutbox SET claimedUntil = \(claimedUntil) WHERE id = ANY(\(ids))", logger: logger)
            }
            return owed
        }
    }

    public func confirmationSent(_ id: Int64, now: Date) async throws {
        try await transaction { [logger] connection in
            try await connection.query(
                "UPDATE confirmationOutbox SET sentAt = \(now), lastError = NULL, claimedUntil = NULL WHERE id = \(id)",
                logger: logger)
        }
    }

    public func confirmationFailed(_ id: Int64, error: String, now: Date) async throws {
        let message = String(error.prefix(500))
        try await transaction { [logger] connection in
            try await connection.query(
                """
                UPDATE confirmationOutbox SET attempts = attempts + 1, lastError = \(message), lastAttemptAt = \(now),
                    claimedUntil = NULL
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func confirmSubscription(subscriberID: Int64, now: Date, signer: LinkSigner) async throws -> Subscriber? {
        try await transaction { [logger] connection in
            guard var subscriber = try await connection.rows(
                "SELECT \(unescaped: Self.subscriberColumns) FROM subscriber WHERE id = \(subscriberID) FOR UPDATE", logger: logger
            ).first.map(Self.subscriber) else { return nil }
            switch subscriber.status {
            case .active: return subscriber
            case .pending:
                try await connection.query(
                    """
                    UPDATE subscriber SET status = \(unescaped: SubscriberStatus.active.sql), updatedAt = \(now), pendingSince = NULL
                    WHERE id = \(subscriberID)
                    """, logger: logger)
                // A new confirmation is new consent: an erased person's hash no longer holds them back.
                try await connection.query(
                    "DELETE FROM suppressedHash WHERE hash = \(signer.addressHash(subscriber.email.lowercased()))", logger: logger)
                subscriber.status = .active
                return subscriber
            case .unsubscribed: return nil
            }
        }
    }

    @discardableResult
    public func purgeStalePending(now: Date) async throws -> Int {
        try await transaction { [logger] connection in
            try await connection.count(
                """
                DELETE FROM subscriber WHERE status = \(unescaped: SubscriberStatus.pending.sql) AND pendingSince IS NOT NULL
                    AND pendingSince < \(now.addingTimeInterval(-StorePolicy.pendingLifetime))
                RETURNING 1
                """, logger: logger)
        }
    }

    public func pause(subscriberID: Int64, until: Date?, now: Date) async throws {
        try await transaction { [logger] connection in
            let changed = try await connection.count(
                "UPDATE subscriber SET pausedUntil = \(until), updatedAt = \(now) WHERE id = \(subscriberID) RETURNING 1",
                logger: logger)
            guard changed == 1 else { throw StoreError.unknownSubscriber("#\(subscriberID)") }
        }
    }

    // MARK: Suppression

    public func isSuppressed(email: String) async throws -> Bool {
        try await transaction { [logger] connection in
            try await !connection.rows("SELECT 1 AS one FROM suppression WHERE emailKey = \(email.lowercased())", logger: logger).isEmpty
        }
    }

    public func isSuppressed(email: String, signer: LinkSigner) async throws -> Bool {
        try await transaction { [logger] connection in
            try await !connection.rows(
                """
                SELECT 1 AS one FROM suppression WHERE emailKey = \(email.lowercased())
                UNION ALL SELECT 1 AS one FROM suppressedHash WHERE hash = \(signer.addressHash(email))
                """, logger: logger
            ).isEmpty
        }
    }

    public func suppressedKeys() async throws -> Set<String> {
        try await transaction { [logger] connection in
            Set(try await connection.rows("SELECT emailKey FROM suppression", logger: logger).map { try $0.value("emailkey", as: String.self) })
        }
    }

    public func suppress(email: String, reason: String, now: Date) async throws {
        try await transaction { [logger] connection in
            try await connection.query(
                """
                INSERT INTO suppression (emailKey, reason, createdAt) VALUES (\(email.lowercased()), \(reason), \(now))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func installationSecret() async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let candidate = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        return try await transaction { [logger] connection in
            // Several processes may start at once: the first insert wins, and everyone reads it back.
            try await connection.query(
                "INSERT INTO setting (key, value) VALUES ('secret', \(candidate)) ON CONFLICT (key) DO NOTHING", logger: logger)
            return try await connection.rows("SELECT value FROM setting WHERE key = 'secret'", logger: logger)[0].value("value")
        }
    }

    // MARK: Personal data

    public func personalData(email: String) async throws -> PersonalData? {
        let key = email.lowercased()
        return try await transaction { [logger] connection in
            let subscriber = try await connection.query("SELECT * FROM subscriber WHERE emailKey = \(key)", logger: logger).collect().first
            let suppression = try await connection.query("SELECT * FROM suppression WHERE emailKey = \(key)", logger: logger).collect()
            guard subscriber != nil || !suppression.isEmpty else { return nil }
            var deliveries: [PostgresRow] = []
            var confirmations: [PostgresRow] = []
            if let subscriber {
                let id = try subscriber.makeRandomAccess().value("id", as: Int64.self)
                deliveries = try await connection.query(
                    "SELECT * FROM delivery WHERE subscriberId = \(id) ORDER BY edition, id", logger: logger).collect()
                confirmations = try await connection.query(
                    "SELECT * FROM confirmationOutbox WHERE subscriberId = \(id) ORDER BY id", logger: logger).collect()
            }
            return PersonalData(
                subscriber: try subscriber.map(Self.columns), deliveries: try deliveries.map(Self.columns),
                suppression: try suppression.map(Self.columns), confirmations: try confirmations.map(Self.columns))
        }
    }

    /// A row column by column, as the SQLite backend exports it: SQLite's column names, dates as the text
    /// SQLite stores, booleans as 0 and 1.
    static func columns(_ row: PostgresRow) throws -> [String: StoredValue] {
        var result: [String: StoredValue] = [:]
        for cell in row {
            let name = PostgresSchema.columnNames[cell.columnName] ?? cell.columnName
            guard cell.bytes != nil else {
                result[name] = .null
                continue
            }
            switch cell.dataType {
            case .int2, .int4, .int8: result[name] = .integer(try cell.decode(Int64.self))
            case .float4, .float8: result[name] = .real(try cell.decode(Double.self))
            case .bool: result[name] = .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .timestamptz, .timestamp: result[name] = .text(StoredDate(try cell.decode(Date.self)).text)
            default: result[name] = .text(try cell.decode(String.self))
            }
        }
        return result
    }

    @discardableResult
    public func erase(email: String, now: Date, signer: LinkSigner) async throws -> Bool {
        let key = email.lowercased()
        return try await transaction { [logger] connection in
            try await Self.lockAddress(key, connection, logger: logger)
            var found = try await connection.count("DELETE FROM suppression WHERE emailKey = \(key) RETURNING 1", logger: logger) > 0
            if let row = try await connection.rows("SELECT id FROM subscriber WHERE emailKey = \(key)", logger: logger).first {
                let id: Int64 = try row.value("id")
                try await connection.query("DELETE FROM delivery WHERE subscriberId = \(id)", logger: logger)
                try await connection.query("DELETE FROM confirmationOutbox WHERE subscriberId = \(id)", logger: logger)
                try await connection.query("DELETE FROM subscriber WHERE id = \(id)", logger: logger)
                found = true
            }
            guard found else { return false }
            try await connection.query(
                """
                INSERT INTO suppressedHash (hash, reason, createdAt) VALUES (\(signer.addressHash(key)), 'erased', \(now))
                ON CONFLICT DO NOTHING
                """, logger: logger)
            return true
        }
    }
}

/// One new subscriber of a batched import, as the JSON document `insertNew` reads with `json_to_recordset`.
struct NewSubscriberRow: Encodable {
    var n: Int
    var email: String
    var emailkey: String
    var name: String
    var timezone: String
    var sendday: Int
    var sendhour: Int
    var languages: String
    var levels: String
    var remoteonly: Bool
    var locations: String
    var minsalary: Int?
    var skipempty: Bool
    var status: String
    /// Microseconds since 2000-01-01 UTC, truncated as postgres-nio binds a `Date`: the same stored value as
    /// the row-by-row path writes.
    var pauseduntil: Int64?

    init(_ subscriber: Subscriber, key: String, status: SubscriberStatus, order: Int) throws {
        n = order
        email = subscriber.email
        emailkey = key
        name = subscriber.name
        timezone = subscriber.timeZone
        sendday = subscriber.sendDay.rawValue
        sendhour = subscriber.sendHour
        languages = try StoredList.json(subscriber.preferences.languages, column: "languages")
        levels = try StoredList.json(subscriber.preferences.levels.map(\.rawValue), column: "levels")
        remoteonly = subscriber.preferences.remoteOnly
        locations = try StoredList.json(subscriber.preferences.locations, column: "locations")
        minsalary = subscriber.preferences.minSalary
        skipempty = subscriber.preferences.skipEmpty
        self.status = status.rawValue
        pauseduntil = subscriber.pausedUntil.map { Int64($0.timeIntervalSince(Date(timeIntervalSince1970: 946_684_800)) * 1_000_000) }
    }
}
