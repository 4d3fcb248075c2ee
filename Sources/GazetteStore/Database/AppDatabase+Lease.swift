public import Foundation
import GRDB
import GazetteCore

extension AppDatabase {
    /// Takes the named lease for `holder` until `now + duration`, unless another holder's lease is still valid.
    ///
    /// Leases expire so that a run killed with SIGKILL does not block the next one forever; a live run
    /// renews its lease well before expiry.
    ///
    /// - Parameter isAbandoned: tells whether another holder is known to be gone (a dead local process),
    ///   in which case its lease is taken over before it expires.
    public func acquireLease(
        name: String, holder: String, now: Date, duration: TimeInterval,
        isAbandoned: @Sendable (String) -> Bool = { _ in false }
    ) throws {
        try write { db in
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

    /// Gives the lease up, if `holder` still has it.
    public func releaseLease(name: String, holder: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM runLease WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }
}
