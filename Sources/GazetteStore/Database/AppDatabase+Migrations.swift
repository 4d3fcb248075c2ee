import GRDB

extension SQLiteStore {
    /// Named migrations; never edit one that has landed, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: feeds, subscribers, ledger") { db in
            try db.execute(sql: """
                CREATE TABLE opening (
                    source TEXT NOT NULL,
                    id TEXT NOT NULL,
                    company TEXT NOT NULL,
                    title TEXT NOT NULL,
                    level TEXT NOT NULL,
                    stack TEXT NOT NULL,           -- JSON array of strings
                    location TEXT NOT NULL,
                    remote BOOLEAN NOT NULL,
                    salaryMin INTEGER,
                    salaryMax INTEGER,
                    currency TEXT NOT NULL,
                    url TEXT NOT NULL,
                    postedAt DATETIME NOT NULL,
                    closedAt DATETIME,
                    PRIMARY KEY (source, id)
                );
                CREATE INDEX opening_postedAt ON opening(postedAt);

                CREATE TABLE salaryObservation (
                    id INTEGER PRIMARY KEY,
                    observedOn TEXT NOT NULL,       -- YYYY-MM-DD
                    level TEXT NOT NULL,
                    stack TEXT NOT NULL,
                    region TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    source TEXT NOT NULL,
                    -- Feeds carry no ids: an identical row is the same observation imported again.
                    UNIQUE (observedOn, level, stack, region, amount, currency, source)
                );
                CREATE INDEX salaryObservation_observedOn ON salaryObservation(observedOn);

                CREATE TABLE certification (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    issuer TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    url TEXT NOT NULL,
                    featuredFrom TEXT,
                    featuredUntil TEXT
                );

                CREATE TABLE subscriber (
                    -- AUTOINCREMENT: ids appear in signed links and Message-IDs, so never reuse one.
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL,
                    emailKey TEXT NOT NULL UNIQUE,  -- lower-cased e-mail: identity ignores case
                    name TEXT NOT NULL,
                    timeZone TEXT NOT NULL,
                    sendDay INTEGER NOT NULL,
                    sendHour INTEGER NOT NULL,
                    languages TEXT NOT NULL,        -- JSON arrays
                    levels TEXT NOT NULL,
                    remoteOnly BOOLEAN NOT NULL,
                    locations TEXT NOT NULL,
                    minSalary INTEGER,
                    skipEmpty BOOLEAN NOT NULL DEFAULT 0,
                    status TEXT NOT NULL,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL
                );
                CREATE INDEX subscriber_status ON subscriber(status);

                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY,
                    edition TEXT NOT NULL,
                    subscriberId INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,            -- queued, sending, sent, deferred, failed, skipped
                    attempts INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt DATETIME,
                    lastCode INTEGER,
                    lastReply TEXT,
                    messageId TEXT,
                    createdAt DATETIME NOT NULL,
                    updatedAt DATETIME NOT NULL,
                    sentAt DATETIME,
                    UNIQUE (edition, subscriberId)
                );
                CREATE INDEX delivery_edition_state ON delivery(edition, state);

                CREATE TABLE suppression (
                    emailKey TEXT PRIMARY KEY,
                    reason TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );

                CREATE TABLE runLease (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    expiresAt DATETIME NOT NULL
                );

                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: send run history") { db in
            try db.execute(sql: """
                CREATE TABLE sendRun (
                    id INTEGER PRIMARY KEY,
                    edition TEXT NOT NULL,
                    startedAt DATETIME NOT NULL,
                    seconds DOUBLE NOT NULL,
                    sent INTEGER NOT NULL,
                    deferred INTEGER NOT NULL,
                    failed INTEGER NOT NULL,
                    skipped INTEGER NOT NULL
                );
                CREATE INDEX sendRun_startedAt ON sendRun(startedAt);
                """)
        }
        // Claims walked the edition's rows in subscriber order past every row already sent (the plan
        // chose the unique index for the ORDER BY): a 100,000-subscriber run slowed as it went. Queued
        // rows are now found in subscriber order straight from an index, and a subscriber's own rows
        // (the suppression check after a permanent failure) no longer need a full scan.
        migrator.registerMigration("v3: indexes for claims and per-subscriber failures") { db in
            try db.execute(sql: """
                CREATE INDEX delivery_claim ON delivery(edition, state, subscriberId);
                DROP INDEX delivery_edition_state;
                CREATE INDEX delivery_subscriber_state ON delivery(subscriberId, state);
                """)
        }
        // Signup with double opt-in, pause, and erasure (DESIGN "Subscriber lifecycle"). The bookkeeping
        // columns live on the subscriber row so that erasing the row erases them too.
        migrator.registerMigration("v4: subscriber lifecycle") { db in
            try db.execute(sql: """
                ALTER TABLE subscriber ADD COLUMN pausedUntil DATETIME;
                -- When the row became pending: unconfirmed signups are purged after 30 days.
                ALTER TABLE subscriber ADD COLUMN pendingSince DATETIME;
                -- The last confirmation e-mail: at most one per address per 10 minutes.
                ALTER TABLE subscriber ADD COLUMN confirmationSentAt DATETIME;
                CREATE INDEX subscriber_pending ON subscriber(status, pendingSince);

                -- Erased people: only a keyed hash of the address (HMAC with the link secret), so the
                -- list recognises them when they come back without keeping who they were.
                CREATE TABLE suppressedHash (
                    hash TEXT PRIMARY KEY,
                    reason TEXT NOT NULL,
                    createdAt DATETIME NOT NULL
                );
                """)
        }
        // Bounces and complaints come back by e-mail after the relay accepted a message (issue 14): a
        // `sent` row may become `bounced` or `complained`, a soft bounce is stamped on its row (three
        // editions in a row suppress the address), and reports are matched by their returned Message-ID.
        // Named v5 and registered last: a "v4: …" may land from another branch.
        migrator.registerMigration("v5: bounces and complaints") { db in
            try db.execute(sql: """
                ALTER TABLE delivery ADD COLUMN bounceDiagnostic TEXT;
                ALTER TABLE delivery ADD COLUMN bouncedAt DATETIME;
                ALTER TABLE delivery ADD COLUMN softBounceAt DATETIME;
                CREATE INDEX delivery_messageId ON delivery(messageId);
                """)
        }
        // Confirmations owed to signups, written with the signup: a serve stopped before the e-mail went out
        // sends it when it starts again. Rows go with their subscriber (erase, purge of stale signups).
        migrator.registerMigration("v6: confirmation outbox") { db in
            try db.execute(
                sql: """
                CREATE TABLE confirmationOutbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    subscriberId INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                    requestedAt DATETIME NOT NULL,
                    sentAt DATETIME,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    lastAttemptAt DATETIME,
                    lastError TEXT,
                    -- A sender (one of several serve replicas) working on it until then; NULL when nobody is.
                    claimedUntil DATETIME
                );
                CREATE INDEX confirmationOutbox_unsent ON confirmationOutbox(sentAt, id);
                CREATE INDEX confirmationOutbox_subscriber ON confirmationOutbox(subscriberId);
                """)
        }
        // Several senders share an edition through claims on its rows that expire (DESIGN "Scale and running
        // on several machines"), instead of an edition-wide lease: each `sending` row names its holder and
        // until when the claim lasts. Rows are found through `delivery_claim` (edition, state): only the
        // rows in flight are ever `sending`, so no index of their own is needed.
        migrator.registerMigration("v7: row claims") { db in
            try db.execute(sql: """
                ALTER TABLE delivery ADD COLUMN claimedBy TEXT;
                ALTER TABLE delivery ADD COLUMN claimedUntil DATETIME;
                DROP TABLE runLease;
                """)
        }
        return migrator
    }
}
