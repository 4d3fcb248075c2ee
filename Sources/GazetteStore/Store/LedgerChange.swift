public import Foundation

/// What one attempt did to a ledger row that was `sending`: the four ways such a row ends besides
/// being put back in the queue unattempted (`Store.releaseClaims`). `GazetteDelivery.LedgerRules` is
/// the one place that decides which; `Store.record` is the one place that writes it.
public enum LedgerChange: Sendable, Equatable {
    /// The server accepted the message (2xx), or the outbox holds it.
    case sent(messageID: String)
    /// Not accepted now (4xx, a connection fault): tried again at `retryAt`.
    case deferred(code: Int?, reply: String, retryAt: Date)
    /// Refused for good (5xx), given up after too many deferrals, or not sendable (an invalid address).
    case failed(code: Int?, reply: String)
    /// Not sent on purpose (unsubscribed meanwhile, suppressed, nothing to say).
    case skipped(reason: String)
}

/// One ledger row's change.
public struct LedgerEntry: Sendable, Equatable {
    public var deliveryID: Int64
    public var change: LedgerChange

    public init(deliveryID: Int64, change: LedgerChange) {
        self.deliveryID = deliveryID
        self.change = change
    }

}

extension Store {
    /// One row's change, committed on its own.
    public func recordSent(deliveryID: Int64, messageID: String, now: Date) async throws {
        try await record([LedgerEntry(deliveryID: deliveryID, change: .sent(messageID: messageID))], now: now)
    }

    public func recordDeferred(deliveryID: Int64, code: Int?, reply: String, retryAt: Date, now: Date) async throws {
        try await record([LedgerEntry(deliveryID: deliveryID, change: .deferred(code: code, reply: reply, retryAt: retryAt))], now: now)
    }

    public func recordFailed(deliveryID: Int64, code: Int?, reply: String, now: Date) async throws {
        try await record([LedgerEntry(deliveryID: deliveryID, change: .failed(code: code, reply: reply))], now: now)
    }

    public func recordSkipped(deliveryID: Int64, reason: String, now: Date) async throws {
        try await record([LedgerEntry(deliveryID: deliveryID, change: .skipped(reason: reason))], now: now)
    }
}
