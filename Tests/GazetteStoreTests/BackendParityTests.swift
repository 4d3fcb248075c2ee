import Foundation
import GazetteCore
import GazetteStore
import GazetteStorePostgres
import GazetteTestSupport
import Testing

/// What must be the same on SQLite and PostgreSQL, and what PostgreSQL must do that one SQLite file gets
/// for free (several processes on one database).
struct BackendParityTests {
    let edition = Edition("2026-W48")!
    let now = Timestamp.parse("2026-11-23T10:00:00Z")!
    let signer = LinkSigner(secret: "parity-secret")

    @Test(arguments: StoreBackend.allCases)
    func bothBackendsRecordTheSameNamedMigrations(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        #expect(try await store.appliedMigrations() == [
            "v1: feeds, subscribers, ledger", "v2: send run history", "v3: indexes for claims and per-subscriber failures",
            "v4: subscriber lifecycle", "v5: bounces and complaints", "v6: confirmation outbox",
        ])
    }

    /// A person's export is byte for byte the same whichever backend holds them: same columns, same
    /// dates as text, booleans as 0 and 1.
    @Test func personalDataExportsAreIdenticalOnBothBackends() async throws {
        var exports: [String] = []
        for backend in StoreBackend.allCases {
            let store = try await backend.makeStore()
            _ = try await store.importSubscribers(
                [Subscriber(email: "Ada@Example.com", name: "Ada", preferences: Preferences(languages: ["Go"], remoteOnly: true))],
                now: now)
            let id = try #require(try await store.subscriber(email: "ada@example.com")?.id)
            _ = try await store.enqueue(edition: edition, subscriberIDs: [id], now: now)
            let ticket = try #require(try await store.claim(edition: edition, now: now, limit: 5).first)
            try await store.recordSent(deliveryID: ticket.id, messageID: "<m1@example.com>", now: now + 1.5)
            _ = try await store.record(
                .hardBounce, for: DeliveryReference(edition: edition, subscriberID: id), diagnostic: "5.1.1 unknown", now: now + 60)
            let data = try #require(try await store.personalData(email: "ADA@example.com"))
            exports.append(String(decoding: try data.json(), as: UTF8.self))
        }
        #expect(exports[0] == exports[1])
        #expect(exports[0].contains("\"remoteOnly\" : 1") && exports[0].contains("\"sentAt\" : \"2026-11-23 10:00:01.500\""), "\(exports[0])")
    }

    /// Ten parallel claims of three rows each on twenty rows: every row is claimed exactly once. On
    /// PostgreSQL each claim comes from a store of its own (another process, in life), and rows another
    /// transaction is claiming are skipped, not handed out twice.
    @Test(arguments: StoreBackend.allCases)
    func parallelClaimsNeverHandOutARowTwice(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        _ = try await store.importSubscribers((1...20).map { Subscriber(email: "p\($0)@example.com", name: "P") }, now: now)
        let ids = try await store.subscribers().compactMap(\.id)
        _ = try await store.enqueue(edition: edition, subscriberIDs: ids, now: now)
        let stores: [any Store] = [store] + (backend == .postgres ? try await Self.sameDatabase(as: store, count: 3) : [])
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for index in 0..<10 {
                let claimer = stores[index % stores.count]
                group.addTask { [edition, now] in
                    var mine: [Int64] = []
                    while true {
                        let tickets = try await claimer.claim(edition: edition, now: now, limit: 3)
                        if tickets.isEmpty { return mine }
                        mine += tickets.compactMap(\.subscriber.id)
                    }
                }
            }
            var all: [Int64] = []
            for try await some in group { all += some }
            return all
        }
        #expect(claimed.sorted() == ids.sorted())
        #expect(try await store.deliveryCounts(edition: edition) == [.sending: 20])
    }

    /// Thirty signups for one address at once send one confirmation e-mail.
    @Test(arguments: StoreBackend.allCases)
    func concurrentSignupsClaimTheConfirmationSlotOnce(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let outcomes = try await withThrowingTaskGroup(of: SignupOutcome.self) { group in
            for _ in 0..<30 {
                group.addTask { [now] in try await store.requestSignup(Subscriber(email: "new@example.com", name: "New"), now: now) }
            }
            var all: [SignupOutcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let due = outcomes.filter { if case .confirmationDue = $0 { true } else { false } }
        #expect(due.count == 1)
        #expect(outcomes.filter { $0 == .throttled }.count == 29)
        let pending = try #require(try await store.subscriber(email: "new@example.com"))
        #expect(pending.status == .pending)
        #expect(try await store.confirmSubscription(subscriberID: pending.id!, now: now, signer: signer)?.status == .active)
        #expect(try await store.requestSignup(Subscriber(email: "NEW@example.com", name: "New"), now: now + 3600) == .alreadyActive)
    }

    /// Several `serve` replicas sending owed confirmations at once: each e-mail goes to exactly one of them;
    /// a claim that was never settled (its replica died) comes back once it expires, a failed one at once.
    @Test(arguments: StoreBackend.allCases)
    func owedConfirmationsAreClaimedByOneSenderAtATime(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        for index in 1...30 { _ = try await store.requestSignup(Subscriber(email: "c\(index)@example.com", name: "C"), now: now) }
        let stores: [any Store] = [store] + (backend == .postgres ? try await Self.sameDatabase(as: store, count: 3) : [])
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for index in 0..<8 {
                let sender = stores[index % stores.count]
                group.addTask { [now] in
                    var mine: [Int64] = []
                    while true {
                        let owed = try await sender.claimOwedConfirmations(now: now + 1, limit: 2)
                        if owed.isEmpty { return mine }
                        mine += owed.map(\.id)
                    }
                }
            }
            var all: [Int64] = []
            for try await some in group { all += some }
            return all
        }
        #expect(claimed.count == 30 && Set(claimed).count == 30, "\(claimed.sorted())")
        #expect(try await store.claimOwedConfirmations(now: now + 30).isEmpty, "claimed rows are not handed out again")

        let first = claimed.sorted()[0], second = claimed.sorted()[1]
        try await store.confirmationSent(first, now: now + 2)
        try await store.confirmationFailed(second, error: "relay down", now: now + 2)
        #expect(try await store.claimOwedConfirmations(now: now + 3).map(\.id) == [second], "a failed send is owed again at once")
        let expired = try await store.claimOwedConfirmations(now: now + 1 + StorePolicy.confirmationClaimLifetime)
        #expect(expired.count == 28 && !expired.map(\.id).contains(first), "unsettled claims expire; a sent one never returns")
    }

    /// A re-import updates by address ignoring case, keeps an unsubscribed person unsubscribed, keeps
    /// the date they joined, and counts what it did.
    @Test(arguments: StoreBackend.allCases)
    func reimportsUpdateByAddressAndNeverResubscribe(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let first = try await store.importSubscribers(
            [Subscriber(email: "a@example.com", name: "A"), Subscriber(email: "b@example.com", name: "B")], now: now)
        #expect(first == SubscriberImportSummary(added: 2))
        #expect(try await store.unsubscribe(email: "B@example.com", now: now))
        let again = try await store.importSubscribers(
            [Subscriber(email: "A@EXAMPLE.com", name: "Ann", sendHour: 7), Subscriber(email: "b@example.com", name: "Bea"),
             Subscriber(email: "c@example.com", name: "C")], now: now + 60)
        #expect(again == SubscriberImportSummary(added: 1, updated: 2, keptUnsubscribed: 1))
        let all = try await store.subscribers()
        #expect(all.map(\.email) == ["A@EXAMPLE.com", "b@example.com", "c@example.com"])
        #expect(all.map(\.status) == [.active, .unsubscribed, .active])
        #expect(all[0].name == "Ann" && all[0].sendHour == 7 && all[0].id == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func theInstallationSecretIsMadeOnceAndKept(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        let first = try await store.installationSecret()
        #expect(first.count == 64)
        #expect(try await store.installationSecret() == first)
    }

    @Test(arguments: StoreBackend.allCases)
    func erasureLeavesOnlyTheKeyedHash(backend: StoreBackend) async throws {
        let store = try await backend.makeStore()
        _ = try await store.importSubscribers([Subscriber(email: "gone@example.com", name: "Gone")], now: now)
        let id = try #require(try await store.subscriber(email: "gone@example.com")?.id)
        _ = try await store.enqueue(edition: edition, subscriberIDs: [id], now: now)
        #expect(try await store.erase(email: "GONE@example.com", now: now, signer: signer))
        #expect(try await store.subscriber(email: "gone@example.com") == nil)
        #expect(try await store.personalData(email: "gone@example.com") == nil)
        #expect(try await store.isSuppressed(email: "gone@example.com", signer: signer))
        #expect(try await !store.erase(email: "gone@example.com", now: now, signer: signer))
        // An import brings them back pending, never active, until they confirm a new signup.
        let summary = try await store.importSubscribers([ImportedSubscriber(Subscriber(email: "gone@example.com", name: "G"))], now: now, signer: signer)
        #expect(summary.added == 1)
        #expect(try await store.subscriber(email: "gone@example.com")?.status == .pending)
    }

    /// A database migrated by a newer Gazette is refused before anything is written, with a message that
    /// names the database but never its password.
    @Test func aPostgresDatabaseFromANewerGazetteIsRefused() async throws {
        let server = try #require(PostgresTestDatabase.serverURL, Comment(rawValue: PostgresTestDatabase.missing))
        let url = try PostgresTestDatabase.create(on: server)
        guard case .postgres(let address) = try DatabaseLocation(parsing: url) else { Issue.record("not postgres"); return }
        _ = try await PostgresStore.connect(address)
        try PostgresTestDatabase.sql("INSERT INTO gazette_migrations VALUES ('v99: from the future', now())", on: url)
        do {
            _ = try await PostgresStore.connect(address)
            Issue.record("a newer database was opened")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("written by a newer version of Gazette"), "\(text)")
            #expect(text.contains("127.0.0.1") && text.contains(":***@"), "\(text)")
            #expect(!text.contains(try #require(address.password)), "\(text)")
        }
    }

    /// A wrong password is refused with PostgreSQL's reason, and neither password is repeated.
    @Test func aWrongPasswordIsReportedWithoutAnyPassword() async throws {
        let server = try #require(PostgresTestDatabase.serverURL, Comment(rawValue: PostgresTestDatabase.missing))
        guard case .postgres(var address) = try DatabaseLocation(parsing: server) else { Issue.record("not postgres"); return }
        address.password = "wrong-password-\(UUID().uuidString)"
        do {
            _ = try await PostgresStore.connect(address)
            Issue.record("connected with a wrong password")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("password authentication failed"), "\(text)")
            #expect(!text.contains(address.password!) && text.contains(":***@"), "\(text)")
        }
    }

    /// Other stores on the same PostgreSQL database, as other processes would open it.
    static func sameDatabase(as store: any Store, count: Int) async throws -> [any Store] {
        let store = try #require(store as? PostgresStore)
        var stores: [any Store] = []
        for _ in 0..<count { stores.append(try await PostgresStore.connect(store.address)) }
        return stores
    }
}

/// `GAZETTE_DATABASE` values: a PostgreSQL URL is read field by field, anything else is a SQLite path.
struct DatabaseLocationTests {
    @Test func postgresURLsAreReadFieldByField() throws {
        let location = try DatabaseLocation(parsing: "postgresql://gazette:s%40cret%3Apass@db.example.com:6543/news?sslmode=verify-full")
        guard case .postgres(let address) = location else { Issue.record("\(location)"); return }
        #expect(address == PostgresAddress(
            user: "gazette", password: "s@cret:pass", host: "db.example.com", port: 6543, database: "news", tls: .verifyFull))
        #expect(location.description == "postgres://gazette:***@db.example.com:6543/news?sslmode=verify-full")
        #expect(try DatabaseLocation(parsing: "postgres://u@localhost/db") == .postgres(
            PostgresAddress(user: "u", password: nil, host: "localhost", port: 5432, database: "db", tls: .prefer)))
        #expect(try DatabaseLocation(parsing: "./gazette.sqlite") == .sqlite(path: "./gazette.sqlite"))
        #expect(try DatabaseLocation(parsing: "/data/postgres://odd name") == .sqlite(path: "/data/postgres://odd name"))
    }

    @Test(arguments: [
        ("postgres://", "names no host"),
        ("postgres://db.example.com/news", "names no user"),
        ("postgres://u:topsecret@db.example.com", "names no database"),
        ("postgres://u:topsecret@db.example.com/", "names no database"),
        ("postgres://u:topsecret@db.example.com/a/b", "names no database"),
        ("postgres://u:topsecret@db.example.com:0/news", "not between 1 and 65535"),
        ("postgres://u:topsecret@db.example.com/news?sslmode=sometimes", "sslmode=sometimes is not one of disable, prefer, require, verify-full"),
        ("postgres://u:topsecret@db.example.com/news?password=x", "unknown parameter \"password\""),
        ("postgres://u:top secret@db example/news", "malformed"),
    ])
    func badURLsAreRefusedWithoutThePassword(url: String, message: String) {
        #expect {
            _ = try DatabaseLocation(parsing: url)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(message) && !text.contains("topsecret") && !text.contains("top secret")
        }
    }
}
