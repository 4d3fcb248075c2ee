public import Foundation

/// A sender claiming ledger rows: each claimed row records who holds it (`delivery.claimedBy`) and until
/// when (`delivery.claimedUntil`). Several senders share one edition this way; a sender that dies or stalls
/// stops renewing, its claims expire, and the other senders take the rows over.
///
/// Claim times use the real clock, never `--at`: they protect against other processes running now. Across
/// machines they assume clocks kept in step (NTP) far more closely than `ClaimKeeper`'s safety margin.
public struct RowClaimant: Sendable {
    /// Who claims: `ClaimHolder`'s `host:boot:pidns:pid:start:nonce` for a send run.
    public var holder: String
    /// How long a claim lasts without renewal.
    public var lifetime: TimeInterval
    public var clock: @Sendable () -> Date

    public init(holder: String, lifetime: TimeInterval = 120, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.holder = holder
        self.lifetime = lifetime
        self.clock = clock
    }

    /// Until when a claim or renewal made now lasts.
    public var expiry: Date { clock().addingTimeInterval(lifetime) }
}

/// One sender's rows in flight in an edition, as `status` shows them.
public struct ClaimsInFlight: Sendable, Equatable {
    /// The claimant's name; nil for rows a version before the row claims left `sending`.
    public var holder: String?
    public var rows: Int
    /// The latest expiry among them.
    public var until: Date?

    public init(holder: String?, rows: Int, until: Date?) {
        self.holder = holder
        self.rows = rows
        self.until = until
    }
}
