import Foundation
import GazetteCore
import GazetteStore
import GazetteTestSupport
import GRDB
import Testing

struct LedgerTests {
    let edition = Edition("2026-W48")!
    let now = Timestamp.parse("2026-11-23T10:00:00Z")!

    func databaseWithSubscribers(_ count: Int, _ backend: StoreBackend) async throws -> (any Store, [Int64]) {
        let database = try await backend.makeStore()
        _ = try await database.importSubscribers((1...count).map { Subscriber(email: "s\($0)@example.com", name: "S\($0)") }, now: now)
        return (database, try await database.subscribers().compactMap(\.id))
    }

    @Test(arguments: StoreBackend.allCases)
    func enqueueIsIdempotentAndReportsEarlierStates(backend: StoreBackend) async throws {
        let (database, ids) = try await databaseWithSubscribers(3, backend)
        #expect(try await database.enqueue(edition: edition, subscriberIDs: ids, now: now).isEmpty)
        let tickets = try await database.claim(edition: edition, now: now, limit: 1)
        try await database.recordSent(deliveryID: tickets[0].id, messageID: "m", now: now)
        let before = try await database.enqueue(edition: edition, subscriberIDs: ids, now: now)
        #expect(before[ids[0]] == .sent && before[ids[1]] == .queued)
        #expect(try await database.deliveryCounts(edition: edition) == [.sent: 1, .queued: 2])
    }

    @Test(arguments: StoreBackend.allCases)
    func claimsQueuedAndDueDeferredRowsOnly(backend: StoreBackend) async throws {
        let (database, ids) = try await databaseWithSubscribers(3, backend)
        _ = try await database.enqueue(edition: edition, subscriberIDs: ids, now: now)
        let first = try await database.claim(edition: edition, now: now, limit: 10)
        #expect(first.map(\.subscriber.id) == ids && first.allSatisfy { $0.attempts == 1 })
        try await database.recordDeferred(deliveryID: first[0].id, code: 451, reply: "try later", retryAt: now + 600, now: now)
        try await database.recordFailed(deliveryID: first[1].id, code: 550, reply: "no such user", now: now)
        #expect(try await database.claim(edition: edition, now: now, limit: 10).isEmpty)  // the third is still `sending`
        #expect(try await database.waitingDeferredCount(edition: edition, now: now) == 1)
        let retry = try await database.claim(edition: edition, now: now + 601, limit: 10)
        #expect(retry.map(\.subscriber.id) == [ids[0]] && retry[0].attempts == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func rowsLeftSendingByADeadOrExpiredSenderAreRequeued(backend: StoreBackend) async throws {
        let (database, ids) = try await databaseWithSubscribers(3, backend)
        _ = try await database.enqueue(edition: edition, subscriberIDs: ids, now: now)
        let clock = Date()
        _ = try await database.claim(
            edition: edition, now: now, limit: 1, subscriberIDs: [ids[0]], claimant: RowClaimant(holder: "dead", clock: { clock }))
        _ = try await database.claim(
            edition: edition, now: now, limit: 1, subscriberIDs: [ids[1]], claimant: RowClaimant(holder: "live", lifetime: 86_400, clock: { clock }))
        _ = try await database.claim(
            edition: edition, now: now, limit: 1, subscriberIDs: [ids[2]],
            claimant: RowClaimant(holder: "stalled", lifetime: 60, clock: { clock - 61 }))
        // The dead holder's rows at once, the stalled one's because its claim expired; the live one's stay.
        #expect(try await database.recoverInterrupted(edition: edition, now: clock) { $0 == "dead" } == 2)
        #expect(try await database.claim(edition: edition, now: now, limit: 10).map(\.subscriber.id) == [ids[0], ids[2]])
    }

    /// Several senders share an edition through claims on its rows: a row claimed by one is not claimed by
    /// another while the claim lasts, renewals extend it, and an expired claim is taken over.
    @Test(arguments: StoreBackend.allCases)
    func claimedRowsAreTheirSendersUntilTheClaimExpires(backend: StoreBackend) async throws {
        let (database, ids) = try await databaseWithSubscribers(3, backend)
        _ = try await database.enqueue(edition: edition, subscriberIDs: ids, now: now)
        let t0 = Date()
        func sender(_ name: String, at seconds: TimeInterval) -> RowClaimant {
            RowClaimant(holder: name, lifetime: 60, clock: { t0 + seconds })
        }
        let a = try await database.claim(edition: edition, now: now, limit: 2, subscriberIDs: nil, claimant: sender("a", at: 0))
        #expect(a.map(\.subscriber.id) == [ids[0], ids[1]])
        let b = try await database.claim(edition: edition, now: now, limit: 10, subscriberIDs: nil, claimant: sender("b", at: 1))
        #expect(b.map(\.subscriber.id) == [ids[2]])
        // a renews at 50 s: its rows last until 110 s.
        #expect(try await database.renewClaims(edition: edition, claimant: sender("a", at: 50)) == 2)
        #expect(try await database.claim(edition: edition, now: now, limit: 10, subscriberIDs: nil, claimant: sender("b", at: 100)).isEmpty)
        try await database.recordSent(deliveryID: a[0].id, messageID: "m0", now: now)
        // At 111 s a's remaining claim has expired (b's own renewed with its last claim at 100 s): b takes it over.
        let takenOver = try await database.claim(edition: edition, now: now, limit: 10, subscriberIDs: nil, claimant: sender("b", at: 111))
        #expect(takenOver.map(\.subscriber.id) == [ids[1]] && takenOver[0].attempts == 2)
        // a, stalled past its claims, cannot renew or release what is b's now.
        #expect(try await database.renewClaims(edition: edition, claimant: sender("a", at: 112)) == 0)
        try await database.releaseClaims(deliveryIDs: [a[1].id], holder: "a", now: now)
        #expect(try await database.deliveryCounts(edition: edition) == [.sent: 1, .sending: 2])
        #expect(try await database.renewClaims(edition: edition, claimant: sender("b", at: 113)) == 2)
        let inFlight = try await database.claimsInFlight(edition: edition)
        #expect(inFlight.map(\.holder) == ["b"] && inFlight.map(\.rows) == [2])
        #expect(inFlight.first?.until.map { abs($0.timeIntervalSince(t0 + 173)) < 0.01 } == true, "\(inFlight)")
        try await database.releaseClaims(deliveryIDs: [b[0].id, takenOver[0].id], holder: "b", now: now)
        #expect(try await database.deliveryCounts(edition: edition) == [.sent: 1, .queued: 2])
    }
}

struct StoredDateTests {
    /// The ledger writes dates without GRDB's formatter; they must be the very text GRDB writes, or
    /// SQL comparisons (`nextAttemptAt <= ?`) between the two would go wrong.
    @Test func writesExactlyWhatGRDBWritesForADate() {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_000_000.123),
            Date(timeIntervalSince1970: 1_764_000_000.9995), Date(timeIntervalSince1970: 1_798_761_599.999),
            Date(timeIntervalSince1970: 951_782_400.5),  // 2000-02-29
            Date(timeIntervalSince1970: -1.5),
        ]
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)))
        }
        for date in dates {
            #expect(StoredDate(date).databaseValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }
}

struct SubscriberRowTests {
    /// Preference lists are read from their JSON text by hand when they are simple: every odd value
    /// must still come back as it went in.
    @Test(arguments: [
        [String](), ["Go"], ["Go", "Python"], ["a,b", "C++"], ["x\"y"], ["ü", "日本"], [""], ["a/b", "back\\slash"], ["[", "]", "\",\""],
    ])
    func preferenceListsComeBackAsTheyWentIn(languages: [String]) async throws {
        for backend in StoreBackend.allCases {
            let database = try await backend.makeStore()
            let subscriber = Subscriber(
                email: "a@example.com", name: "A", preferences: Preferences(languages: languages, locations: languages.reversed()))
            _ = try await database.importSubscribers([subscriber], now: Date())
            let stored = try #require(try await database.subscriber(email: "a@example.com"))
            #expect(stored.preferences.languages == languages, "\(backend)")
            #expect(stored.preferences.locations == languages.reversed(), "\(backend)")
        }
    }
}
