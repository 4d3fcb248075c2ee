import Foundation
import GazetteCore
import GazetteStore

/// Hands ledger rows to the workers: claims them from the database in small batches (so few rows
/// sit in `sending` at once) in the run's name (`ClaimKeeper`), honours `--limit` and paces to `--rate`.
actor TicketSource {
    let database: any Store
    let claims: ClaimKeeper
    let edition: Edition
    let now: Date
    let limit: Int?
    let subscriberIDs: Set<Int64>?
    let batchSize: Int
    /// Token bucket: one token per message, refilled at `rate` per second, holding at most one second's worth.
    let rate: Double?
    private var tokens: Double
    private var lastRefill = ContinuousClock.now

    private var buffer: [DeliveryTicket] = []
    private var handedOut = 0
    private var exhausted = false
    private var stopped = false
    /// The claim in flight, shared by every worker that finds the buffer empty meanwhile.
    private var claiming: Task<ClaimedBatch, any Error>?

    init(
        database: any Store, claims: ClaimKeeper, edition: Edition, now: Date, limit: Int?,
        subscriberIDs: Set<Int64>?, batchSize: Int, rate: Double?
    ) {
        self.database = database
        self.claims = claims
        self.edition = edition
        self.now = now
        self.limit = limit
        self.subscriberIDs = subscriberIDs
        self.batchSize = batchSize
        self.rate = rate
        self.tokens = min(1, rate ?? 1)
    }

    /// Up to `count` rows to send; none when there is nothing left (or the run is stopping).
    func next(upTo count: Int) async throws -> [DeliveryTicket] {
        var tickets: [DeliveryTicket] = []
        while tickets.count < count, let ticket = try await next() { tickets.append(ticket) }
        return tickets
    }

    /// The next row to send, or nil when there is nothing left (or the run is stopping).
    private func next() async throws -> DeliveryTicket? {
        if stopped || Task.isCancelled { return nil }
        if let limit, handedOut >= limit { return nil }
        while buffer.isEmpty && !exhausted {
            try await refill()
        }
        guard !buffer.isEmpty else { return nil }
        handedOut += 1
        let ticket = buffer.removeFirst()
        await pace()
        return ticket
    }

    /// Claims the next batch, or waits for the claim another worker started.
    ///
    /// The actor is reentrant across the store's `await`: without the shared claim, two workers finding the
    /// buffer empty would both claim, and the second (empty) answer would overwrite the first's rows,
    /// stranding them in `sending`. The first caller to resume takes the answer into the buffer.
    private func refill() async throws {
        let claim: Task<ClaimedBatch, any Error>
        if let inFlight = claiming {
            claim = inFlight
        } else {
            let want = limit.map { min(batchSize, $0 - handedOut - buffer.count) } ?? batchSize
            let (database, edition, now, subscriberIDs, claims) = (database, edition, now, subscriberIDs, claims)
            claim = Task {
                // A run whose claims ran out claims nothing more; a claim renews the run's other claims.
                guard claims.isValid else { throw StoreError.claimsLost(edition: edition.description) }
                let started = ContinuousClock.now
                let tickets = try await database.claim(
                    edition: edition, now: now, limit: want, subscriberIDs: subscriberIDs, claimant: claims.claimant)
                return ClaimedBatch(started: started, tickets: tickets)
            }
            claiming = claim
        }
        let result = await claim.result
        guard claiming == claim else {
            _ = try result.get()  // another caller took the rows; an error stops this caller too
            return
        }
        claiming = nil
        let batch = try result.get()
        claims.renewed(at: batch.started, claimed: true)
        buffer += batch.tickets
        if batch.tickets.isEmpty { exhausted = true }
    }

    private struct ClaimedBatch: Sendable {
        var started: ContinuousClock.Instant
        var tickets: [DeliveryTicket]
    }

    /// Stops handing out rows and returns the ids of those claimed but never handed out.
    func stop() -> [Int64] {
        stopped = true
        let ids = buffer.map(\.id)
        buffer.removeAll()
        return ids
    }

    private func pace() async {
        guard let rate, rate > 0 else { return }
        while true {
            let now = ContinuousClock.now
            let elapsed = lastRefill.duration(to: now)
            lastRefill = now
            tokens = min(max(1, rate), tokens + Double(elapsed.components.seconds) * rate
                + Double(elapsed.components.attoseconds) / 1e18 * rate)
            if tokens >= 1 {
                tokens -= 1
                return
            }
            // A stop request (cancellation) ends the wait; the caller then sends this one message.
            guard (try? await Task.sleep(for: .seconds((1 - tokens) / rate))) != nil else { return }
        }
    }
}
