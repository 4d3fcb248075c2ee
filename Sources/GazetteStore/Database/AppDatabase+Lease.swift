public import Foundation
import GRDB

/// The lease a claim is made under: the claim and the lease's renewal commit together, so rows are never
/// claimed by a run whose lease another run has taken over (fencing).
public struct LeaseClaim: Sendable {
    public var name: String
    public var holder: String
    public var duration: TimeInterval
    /// The real clock: leases protect against other processes running now, whatever `--at` says.
    public var now: @Sendable () -> Date

    public init(name: String, holder: String, duration: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.holder = holder
        self.duration = duration
        self.now = now
    }
}
import GazetteCore

extension SQLiteStore {
    /// Takes the named lease for `holder` until `now + duration`, unless another holder's lease is still valid.
    ///
    /// Leases expire so that a run killed with SIGKILL does not block the next one forever; a live run
    /// renews its lease well before expiry.
    ///
    /// - Parameter isAbandoned: tells whether another holder is known to be gone (a dead local process),
    ///   in which case its lease is taken over before it expires.
    public func acquireLease(
        name: String, holder: String, now: Date, duration: TimeInterval,
        isAbandoned: @escaping @Sendable (String) -> Bool
    ) async throws {
        try await write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT holder, expiresAt FROM runLease WHERE name = ?", arguments: [name]) {
                let owner: String = row["holder"]
                let expiresAt: Date = row["expiresAt"]
                if owner != holder && expiresAt > now && !isAbandoned(owner) {
                    throw StoreError.leaseHeld(edition: name, until: Timestamp.format(expiresAt))
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO runLease (name, holder, expiresAt) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expiresAt = excluded.expiresAt
                    """,
                arguments: [name, holder, now.addingTimeInterval(duration)])
        }
    }

    /// Extends `holder`'s own lease to `now + duration`; never takes a lease another holder has, even an
    /// expired one: a run that lost its lease must stop, not win it back while another run works.
    ///
    /// - Throws: `StoreError.leaseLost` when the lease is no longer `holder`'s.
    public func renewLease(name: String, holder: String, now: Date, duration: TimeInterval) async throws {
        try await write { db in try Self.renewLease(db, name: name, holder: holder, now: now, duration: duration) }
    }

    static func renewLease(_ db: Database, name: String, holder: String, now: Date, duration: TimeInterval) throws {
        let owner = try String.fetchOne(db, sql: "SELECT holder FROM runLease WHERE name = ?", arguments: [name])
        guard owner == holder else { throw StoreError.leaseLost(name: name) }
        try db.execute(
            sql: "UPDATE runLease SET expiresAt = ? WHERE name = ? AND holder = ?",
            arguments: [now.addingTimeInterval(duration), name, holder])
    }

    public func renewLeaseBlocking(name: String, holder: String, now: Date, duration: TimeInterval) throws {
        // GRDB's synchronous write runs on this thread (waiting for SQLite's writer), not on Swift's pool.
        do {
            try writer.write { db in try Self.renewLease(db, name: name, holder: holder, now: now, duration: duration) }
        } catch let error as DatabaseError {
            throw SQLiteStore.wrap(error)
        }
    }

    /// Gives the lease up, if `holder` still has it.
    public func releaseLease(name: String, holder: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM runLease WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }
}
