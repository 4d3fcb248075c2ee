import Foundation
import GazetteCore
import GazetteMail
import GazetteStore
import Logging

/// Turns what happened to one claimed row into its ledger change, and writes it: the one place the
/// send path's ledger rules live (`Store.record` is the one place they reach the database).
///
/// - Before building: a subscriber who left meanwhile or is suppressed is skipped.
/// - After building: an address that cannot be sent to fails; an empty digest is skipped when asked.
/// - After sending: 2xx → sent; 4xx and connection faults → deferred with backoff, failed once the
///   attempts are used up; 5xx → failed, and an address refused for good too often is suppressed.
struct LedgerRules: Sendable {
    /// A row's change as decided, with the server's answer when it was a refusal (to log, and to count
    /// towards suppression).
    typealias Decision = (ticket: DeliveryTicket, change: LedgerChange, refusal: SendOutcome?)

    let database: any Store
    let retry: RetryPolicy
    /// The run's clock for backoff (`--at` in tests); the rows' `updatedAt` use the wall clock.
    let runTime: Date
    /// `--skip-empty`: every subscriber's empty digest is skipped, not only of those who asked.
    let skipEmpty: Bool
    /// Addresses on the suppression list when the run started (lower-cased).
    let suppressed: Set<String>
    let edition: Edition
    let logger: Logger

    /// Why this row must not be sent at all, or nil.
    func changeBeforeBuilding(_ ticket: DeliveryTicket) -> LedgerChange? {
        let subscriber = ticket.subscriber
        if subscriber.status != .active { return .skipped(reason: "unsubscribed") }
        if suppressed.contains(subscriber.email.lowercased()) { return .skipped(reason: "address on the suppression list") }
        return nil
    }

    /// Why this built message is not sent, or nil.
    func changeBeforeSending(_ message: DigestMessage, for ticket: DeliveryTicket) -> LedgerChange? {
        if message.digest.isEmpty && (skipEmpty || ticket.subscriber.preferences.skipEmpty) {
            return .skipped(reason: "no matching openings")
        }
        return nil
    }

    /// A message that could not be built because of its address.
    func changeForInvalidAddress() -> LedgerChange { .failed(code: nil, reply: "invalid address") }

    /// What the server's answer means for the row.
    func change(for outcome: SendOutcome, ticket: DeliveryTicket, messageID: String) -> LedgerChange {
        switch outcome {
        case .accepted:
            return .sent(messageID: messageID)
        case .deferred(let code, let reply):
            if ticket.attempts >= retry.maximumAttempts {
                return .failed(code: code, reply: "gave up after \(ticket.attempts) attempts: \(reply)")
            }
            return .deferred(code: code, reply: reply, retryAt: runTime.addingTimeInterval(retry.delay(afterAttempt: ticket.attempts)))
        case .rejected(let code, let reply):
            return .failed(code: code, reply: reply)
        }
    }

    /// Writes a batch's changes in one transaction, then logs what an operator should see and suppresses
    /// addresses refused for good too often.
    func record(_ entries: [Decision]) async throws {
        guard !entries.isEmpty else { return }
        try await database.record(entries.map { LedgerEntry(deliveryID: $0.ticket.id, change: $0.change) }, now: Date())
        for entry in entries {
            guard let refusal = entry.refusal else { continue }
            let subscriber = entry.ticket.subscriber
            let metadata: Logger.Metadata = ["edition": "\(edition)", "subscriber.id": "\(subscriber.id ?? 0)"]
            switch refusal {
            case .accepted:
                continue
            case .deferred(let code, _):
                logger.notice("deferred", metadata: metadata.merging(["smtp.code": "\(code ?? 0)"]) { $1 })
            case .rejected(let code, let reply):
                logger.notice("rejected", metadata: metadata.merging(["smtp.code": "\(code)"]) { $1 })
                let hardFailures = try await database.hardFailureCount(subscriberID: subscriber.id!)
                if hardFailures >= retry.hardFailuresBeforeSuppression {
                    try await database.suppress(
                        email: subscriber.email, reason: "\(hardFailures) permanent failures; last: \(reply)", now: Date())
                    logger.warning("address suppressed after repeated permanent failures", metadata: metadata)
                }
            }
        }
    }
}
