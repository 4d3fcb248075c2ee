import Foundation
import GazetteCore
import GazetteMail
import GazetteStore
import Logging
import Synchronization

/// The session of one connection, touched only from its own serial `BlockingLane`.
///
/// `@unchecked Sendable` is sound because every call to `session` happens inside `lane.run`, whose
/// serial queue guarantees one call at a time; the box only carries the reference there.
private final class SessionBox: @unchecked Sendable {
    let session: any MailSession
    init(_ session: any MailSession) { self.session = session }
}

/// A transport error that stops the run before the message in hand reached the server.
private struct NothingSent: Error {
    let error: MailError
}

/// One connection's loop: take rows, build each message, send it on the connection's own thread and
/// record the outcome in the store right after the server's reply (so a kill resends at most the
/// messages in flight, one per connection).
struct Worker: Sendable {
    let run: SendRun
    let options: SendOptions
    let content: EditionContent
    let source: TicketSource
    let tally: Tally
    let suppressed: Set<String>
    let lease: LeaseKeeper

    /// Rows taken from the source at a time (at most 8); see `hopSize(ready:concurrency:)`.
    let hopSize: Int

    /// Rows per take; one when pacing to `--rate`, so each message waits for its own token.
    var batchSize: Int { options.rate == nil ? hopSize : 1 }

    /// Eight rows per take make a long run cheaper, but a short run must still spread over every
    /// connection: eight messages at `--concurrency 4` went down one connection, one after the other,
    /// and a stalled server then cost eight timeouts in a row instead of two.
    static func hopSize(ready: Int, concurrency: Int) -> Int {
        min(8, max(1, ready / max(1, concurrency * 4)))
    }

    struct BatchResult: Sendable {
        var counts = Tally.Counts()
        /// Claimed rows the lane never tried (a stop, an error): they go back to the queue.
        var unattempted: [Int64] = []
        var error: (any Error)?
    }

    func work(lane index: Int) async throws {
        let lane = BlockingLane(label: "gazette.mail.\(index)")
        let transport = run.transport
        let opened = await lane.run { () -> Result<SessionBox, MailError> in
            do throws(MailError) { return .success(SessionBox(try transport.openSession())) } catch { return .failure(error) }
        }
        let box = try opened.get()
        do {
            while true {
                let tickets = try await source.next(upTo: batchSize)
                if tickets.isEmpty { break }
                let result = await handle(tickets, box: box, lane: lane)
                await tally.add(result.counts)
                // Rows go back to the queue only while the lease is ours: after a takeover they may be
                // another run's claims, and the next holder requeues whatever is left `sending` anyway.
                if !result.unattempted.isEmpty && lease.isValid {
                    do {
                        try await run.database.releaseClaims(deliveryIDs: result.unattempted, now: Date())
                    } catch {
                        run.logger.warning("could not put unsent rows back in the queue; the next run requeues them", metadata: [
                            "count": "\(result.unattempted.count)", "error": "\(error)",
                        ])
                    }
                }
                if let error = result.error { throw error }
            }
        } catch {
            await lane.run { box.session.close() }
            throw error
        }
        await lane.run { box.session.close() }
    }

    /// Sends a few claimed rows one after the other; a stop request (cancellation) lets the message in
    /// hand finish and leaves the rest unattempted.
    private func handle(_ tickets: [DeliveryTicket], box: SessionBox, lane: BlockingLane) async -> BatchResult {
        var result = BatchResult()
        for (position, ticket) in tickets.enumerated() {
            if Task.isCancelled {
                result.unattempted = tickets[position...].map(\.id)
                break
            }
            // Fencing: a run whose lease ran out (it stalled, or the process was paused) or was taken over
            // sends nothing more; another run may already be sending these rows.
            if !lease.isValid {
                result.unattempted = tickets[position...].map(\.id)
                result.error = StoreError.leaseLost(name: lease.name)
                break
            }
            do {
                try await handle(ticket, box: box, lane: lane, counts: &result.counts)
            } catch let stop as NothingSent {
                // The transport stopped the run before this message reached anyone: it is unattempted too.
                result.error = stop.error
                result.unattempted = tickets[position...].map(\.id)
                break
            } catch {
                result.error = error
                result.unattempted = tickets[(position + 1)...].map(\.id)
                break
            }
        }
        return result
    }

    private func handle(
        _ ticket: DeliveryTicket, box: SessionBox, lane: BlockingLane, counts: inout Tally.Counts
    ) async throws {
        let database = run.database
        let subscriber = ticket.subscriber
        let logMetadata: Logger.Metadata = ["edition": "\(options.edition)", "subscriber.id": "\(subscriber.id ?? 0)"]
        if subscriber.status != .active {
            try await database.recordSkipped(deliveryID: ticket.id, reason: "unsubscribed", now: Date())
            counts.skipped += 1
            return
        }
        if suppressed.contains(subscriber.email.lowercased()) {
            try await database.recordSkipped(deliveryID: ticket.id, reason: "address on the suppression list", now: Date())
            counts.skipped += 1
            return
        }
        let composed: Result<ComposedMessage, DeliveryError>
        do throws(DeliveryError) {
            composed = .success(try run.factory.compose(content: content, subscriber: subscriber, date: options.now))
        } catch {
            composed = .failure(error)
        }
        if case .failure(.invalidAddress) = composed {
            try await database.recordFailed(deliveryID: ticket.id, code: nil, reply: "invalid address", now: Date())
            counts.failed += 1
            return
        }
        let prepared = try composed.get()
        if prepared.digest.isEmpty && (options.skipEmpty || subscriber.preferences.skipEmpty) {
            try await database.recordSkipped(deliveryID: ticket.id, reason: "no matching openings", now: Date())
            counts.skipped += 1
            return
        }
        // libcurl blocks: on the connection's own thread, never on Swift's pool.
        let outcome = await lane.run { () -> Result<SendOutcome, MailError> in
            do throws(MailError) {
                return .success(try box.session.send(prepared.bytes, envelope: prepared.envelope, key: prepared.key))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            // Nothing reached the recipient: the row goes back to the queue for a later run (the caller
            // releases it with the rest of the batch).
            throw NothingSent(error: error)
        case .success(.accepted):
            try await database.recordSent(deliveryID: ticket.id, messageID: prepared.head.messageID, now: Date())
            counts.sent += 1
        case .success(.deferred(let code, let reply)):
            if ticket.attempts >= run.retry.maximumAttempts {
                try await database.recordFailed(
                    deliveryID: ticket.id, code: code, reply: "gave up after \(ticket.attempts) attempts: \(reply)",
                    now: Date())
                counts.failed += 1
            } else {
                let retryAt = options.now.addingTimeInterval(run.retry.delay(afterAttempt: ticket.attempts))
                try await database.recordDeferred(deliveryID: ticket.id, code: code, reply: reply, retryAt: retryAt, now: Date())
                counts.deferred += 1
            }
            run.logger.notice("deferred", metadata: logMetadata.merging(["smtp.code": "\(code ?? 0)"]) { $1 })
        case .success(.rejected(let code, let reply)):
            try await database.recordFailed(deliveryID: ticket.id, code: code, reply: reply, now: Date())
            counts.failed += 1
            run.logger.notice("rejected", metadata: logMetadata.merging(["smtp.code": "\(code)"]) { $1 })
            let hardFailures = try await database.hardFailureCount(subscriberID: subscriber.id!)
            if hardFailures >= run.retry.hardFailuresBeforeSuppression {
                try await database.suppress(
                    email: subscriber.email, reason: "\(hardFailures) permanent failures; last: \(reply)", now: Date())
                run.logger.warning("address suppressed after repeated permanent failures", metadata: logMetadata)
            }
        }
    }
}
