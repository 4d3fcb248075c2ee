import Foundation
import GazetteCore
import GazetteStore
import GRDB
import Testing

struct LifecycleTests {
    let signer = LinkSigner(secret: "lifecycle-test-secret")
    let now = Timestamp.parse("2026-11-20T12:00:00Z")!

    /// Named migrations run in order and are never renamed: a database migrated by an earlier binary
    /// must find each of them under the same name.
    @Test func migrationsAreRegisteredInOrderUnderTheirAgreedNames() async throws {
        let database = try AppDatabase.inMemory()
        let names = try await database.writer.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(names == [
            "v1: feeds, subscribers, ledger", "v2: send run history", "v3: indexes for claims and per-subscriber failures",
            "v4: subscriber lifecycle", "v5: bounces and complaints", "v6: confirmation outbox", "v7: row claims",
        ])
    }

    /// The confirmation a signup is owed is stored with the signup: nothing held in memory can lose it.
    @Test func aSignupOwesExactlyOneStoredConfirmationUntilItIsSent() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.requestSignup(Subscriber(email: "owed@example.com", name: "Owed"), now: now)
        for second in 1...20 {  // throttled: no more owed
            _ = try await database.requestSignup(Subscriber(email: "owed@example.com", name: "Owed"), now: now.addingTimeInterval(Double(second)))
        }
        var owed = try await database.claimOwedConfirmations(now: now.addingTimeInterval(30))
        #expect(owed.count == 1 && owed.first?.subscriber.email == "owed@example.com")
        #expect(owed.first?.requestedAt == now && owed.first?.expires == now.addingTimeInterval(7 * 86_400))
        let first = try #require(owed.first)

        // A failed send keeps it owed and counts the attempt.
        try await database.confirmationFailed(first.id, error: "relay down", now: now.addingTimeInterval(40))
        owed = try await database.claimOwedConfirmations(now: now.addingTimeInterval(50))
        #expect(owed.map(\.id) == [first.id] && owed.first?.attempts == 1)

        // A signup after the 10 minutes, still unsent: one e-mail, for the newer request.
        _ = try await database.requestSignup(Subscriber(email: "owed@example.com", name: "Owed"), now: now.addingTimeInterval(601))
        owed = try await database.claimOwedConfirmations(now: now.addingTimeInterval(602))
        #expect(owed.count == 1 && owed.first?.requestedAt == now.addingTimeInterval(601))

        try await database.confirmationSent(try #require(owed.first).id, now: now.addingTimeInterval(603))
        #expect(try await database.claimOwedConfirmations(now: now.addingTimeInterval(604)).isEmpty)
        // The person's data export shows it (the replaced request is gone).
        let exported = try #require(try await database.personalData(email: "owed@example.com")).confirmations
        #expect(exported.count == 1 && exported.first?["sentAt"] != .null && exported.first?["lastError"] == .null)

        // Owed, then the link would have expired: given up. Owed, then erased: gone with the person.
        _ = try await database.requestSignup(Subscriber(email: "late@example.com", name: ""), now: now)
        #expect(try await database.claimOwedConfirmations(now: now.addingTimeInterval(7 * 86_400 + 1)).isEmpty)
        _ = try await database.requestSignup(Subscriber(email: "gone@example.com", name: ""), now: now)
        #expect(try await database.erase(email: "gone@example.com", now: now, signer: signer))
        #expect(try await database.claimOwedConfirmations(now: now).map(\.subscriber.email) == ["late@example.com"])
        // Confirmed (e.g. by an earlier e-mail's link): no longer owed.
        let late = try #require(try await database.subscriber(email: "late@example.com"))
        _ = try await database.confirmSubscription(subscriberID: late.id!, now: now, signer: signer)
        #expect(try await database.claimOwedConfirmations(now: now).isEmpty)
    }

    @Test func signupMakesOnePendingRowAndOneConfirmationPerTenMinutes() async throws {
        let database = try AppDatabase.inMemory()
        let person = Subscriber(email: "New@Example.com", name: "New")
        guard case .confirmationDue(let pending) = try await database.requestSignup(person, now: now) else {
            Issue.record("first signup owes a confirmation"); return
        }
        #expect(pending.status == .pending && pending.id != nil)
        // 10,000 signups for one address within the window: no further mail.
        for second in 1...10_000 {
            let outcome = try await database.requestSignup(
                Subscriber(email: "new@example.COM", name: "New"), now: now.addingTimeInterval(Double(second) / 20))
            if outcome != .throttled { Issue.record("signup \(second) got \(outcome)"); return }
        }
        #expect(try await database.subscribers().count == 1)
        guard case .confirmationDue = try await database.requestSignup(person, now: now.addingTimeInterval(601)) else {
            Issue.record("after 10 minutes a new confirmation may go out"); return
        }
    }

    @Test func activeAndSuppressedAddressesGetNoConfirmation() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers([Subscriber(email: "on@example.com", name: "On")], now: now)
        try await database.suppress(email: "Bounced@example.com", reason: "hard bounce", now: now)
        #expect(try await database.requestSignup(Subscriber(email: "ON@example.com", name: "Mallory"), now: now) == .alreadyActive)
        #expect(try await database.subscriber(email: "on@example.com")?.name == "On")
        #expect(try await database.requestSignup(Subscriber(email: "bounced@example.com", name: "B"), now: now) == .suppressed)
        #expect(try await database.subscriber(email: "bounced@example.com") == nil)
    }

    @Test func unsubscribedPersonBecomesPendingAndKeepsTheirHistory() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers([Subscriber(email: "back@example.com", name: "Back")], now: now)
        let id = try #require(try await database.subscriber(email: "back@example.com")?.id)
        try await database.unsubscribe(email: "back@example.com", now: now)
        guard case .confirmationDue(let pending) = try await database.requestSignup(
            Subscriber(email: "back@example.com", name: "Back again", sendHour: 7), now: now)
        else { Issue.record("an unsubscribed address may sign up again"); return }
        #expect(pending.id == id)
        let stored = try #require(try await database.subscriber(id: id))
        #expect(stored.status == .pending && stored.name == "Back again" && stored.sendHour == 7)
    }

    @Test func confirmationActivatesOnceAndIsIdempotent() async throws {
        let database = try AppDatabase.inMemory()
        guard case .confirmationDue(let pending) = try await database.requestSignup(Subscriber(email: "c@example.com", name: "C"), now: now)
        else { Issue.record("expected a confirmation"); return }
        let id = try #require(pending.id)
        #expect(try await database.confirmSubscription(subscriberID: id, now: now, signer: signer)?.status == .active)
        #expect(try await database.confirmSubscription(subscriberID: id, now: now, signer: signer)?.status == .active)
        try await database.unsubscribe(subscriberID: id, now: now)
        // A replayed confirmation link does not undo a later unsubscribe.
        #expect(try await database.confirmSubscription(subscriberID: id, now: now, signer: signer) == nil)
        #expect(try await database.subscriber(id: id)?.status == .unsubscribed)
        #expect(try await database.confirmSubscription(subscriberID: 999, now: now, signer: signer) == nil)
    }

    @Test func sendPurgeDeletesOnlyPendingRowsOlderThanThirtyDays() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.requestSignup(Subscriber(email: "old@example.com", name: "Old"), now: now)
        _ = try await database.requestSignup(Subscriber(email: "young@example.com", name: "Young"), now: now.addingTimeInterval(86_400))
        _ = try await database.importSubscribers([Subscriber(email: "active@example.com", name: "A")], now: now)
        let later = now.addingTimeInterval(30 * 86_400 + 60)
        #expect(try await database.purgeStalePending(now: later) == 1)
        #expect(try await database.subscribers().map(\.email).sorted() == ["active@example.com", "young@example.com"])
    }

    @Test func pausedAndPendingSubscribersReceiveNoDigests() async throws {
        let paused = Subscriber(email: "p@example.com", name: "P", pausedUntil: now.addingTimeInterval(60))
        #expect(!paused.receivesDigests(at: now))
        #expect(paused.receivesDigests(at: now.addingTimeInterval(60)))
        #expect(!Subscriber(email: "q@example.com", name: "Q", status: .pending).receivesDigests(at: now))
        #expect(Subscriber(email: "r@example.com", name: "R").receivesDigests(at: now))
    }

    @Test func pauseIsStoredAndImportWithoutTheColumnKeepsIt() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers([Subscriber(email: "p@example.com", name: "P")], now: now)
        let id = try #require(try await database.subscriber(email: "p@example.com")?.id)
        let until = now.addingTimeInterval(14 * 86_400)
        try await database.pause(subscriberID: id, until: until, now: now)
        _ = try await database.importSubscribers([Subscriber(email: "p@example.com", name: "P2")], now: now)
        #expect(try await database.subscriber(id: id)?.pausedUntil == until)
        await #expect(throws: StoreError.self) { try await database.pause(subscriberID: 404, until: until, now: now) }
    }

    @Test func csvPausedUntilAndPendingStatusAreRead() async throws {
        let dir = try TemporaryDirectory()
        let header = "email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status,paused_until\n"
        let path = try dir.file("s.csv", header + """
            a@example.com,A,,,,,,,,,pending,
            b@example.com,B,,,,,,,,,,2026-12-24
            c@example.com,C,,,,,,,,,paused,2026-12-32

            """)
        let (rows, issues) = FeedParser.subscribers(path: path)
        #expect(issues.map(\.description).joined().contains("must be active, pending or unsubscribed"))
        #expect(issues.map(\.description).joined().contains("paused_until"))
        #expect(rows.count == 2)
        #expect(rows[0].subscriber.status == .pending && rows[0].setsPausedUntil)
        #expect(rows[1].subscriber.pausedUntil == Timestamp.parse("2026-12-24T00:00:00Z"))
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers(rows, now: now)
        #expect(try await database.subscriber(email: "b@example.com")?.pausedUntil == Timestamp.parse("2026-12-24"))
        // The operator's own list may confirm a pending address.
        _ = try await database.importSubscribers([Subscriber(email: "a@example.com", name: "A")], now: now)
        #expect(try await database.subscriber(email: "a@example.com")?.status == .active)
    }

    @Test func exportHoldsTheSubscriberRowAndEveryLedgerRow() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers([Subscriber(email: "x@example.com", name: "X")], now: now)
        let id = try #require(try await database.subscriber(email: "x@example.com")?.id)
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO delivery (edition, subscriberId, state, attempts, lastCode, lastReply, createdAt, updatedAt)
                VALUES ('2026-W47', ?, 'failed', 1, 550, '550 5.1.1 no such user', '2026-11-16 09:00:00.000', '2026-11-16 09:00:01.000')
                """, arguments: [id])
        }
        let data = try #require(try await database.personalData(email: "X@EXAMPLE.com"))
        #expect(data.subscriber?["email"] == .text("x@example.com"))
        #expect(data.subscriber?["name"] == .text("X"))
        #expect(data.deliveries.count == 1)
        #expect(data.deliveries.first?["lastReply"] == .text("550 5.1.1 no such user"))
        #expect(try await database.personalData(email: "nobody@example.com") == nil)
        // An address only the suppression list still names is exported too.
        try await database.suppress(email: "Bounced@example.com", reason: "hard bounce", now: now)
        let bounced = try #require(try await database.personalData(email: "bounced@example.com"))
        #expect(bounced.subscriber == nil && bounced.suppression.first?["reason"] == .text("hard bounce"))
    }

    @Test func eraseLeavesOnlyTheKeyedHashAndImportsComeBackPending() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.importSubscribers([Subscriber(email: "gone@example.com", name: "Gone")], now: now)
        let id = try #require(try await database.subscriber(email: "gone@example.com")?.id)
        try await database.suppress(email: "gone@example.com", reason: "complaint", now: now)
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO delivery (edition, subscriberId, state, createdAt, updatedAt)
                VALUES ('2026-W47', ?, 'sent', '2026-11-16 09:00:00.000', '2026-11-16 09:00:00.000')
                """, arguments: [id])
        }
        #expect(try await database.erase(email: "GONE@example.com", now: now, signer: signer))
        let dump = try await database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description)
            }.joined(separator: "\n")
        }
        #expect(!dump.lowercased().contains("gone@example.com"))
        #expect(try await database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM delivery") } == 0)
        #expect(try await database.isSuppressed(email: "Gone@Example.com", signer: signer))
        #expect(try await !database.isSuppressed(email: "other@example.com", signer: signer))
        #expect(try await !database.erase(email: "gone@example.com", now: now, signer: signer))
        // A later import of the operator's old list brings them back pending: never mailed before they confirm.
        _ = try await database.importSubscribers([Subscriber(email: "gone@example.com", name: "Gone")], now: now, signer: signer)
        let back = try #require(try await database.subscriber(email: "gone@example.com"))
        #expect(back.status == .pending)
        // Confirming a new signup is new consent and lifts the hash.
        #expect(try await database.confirmSubscription(subscriberID: back.id!, now: now, signer: signer)?.status == .active)
        #expect(try await !database.isSuppressed(email: "gone@example.com", signer: signer))
    }
}
