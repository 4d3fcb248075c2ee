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

/// Set when the run is asked to stop (its task is cancelled), for code on a lane's thread, which
/// `Task.isCancelled` cannot see: the lane finishes the message in hand and leaves the rest.
private final class StopFlag: Sendable {
    private let flag = Atomic(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// How far a lane got through a batch on its own thread (`Worker.sendOnLane`).
private struct LaneProgress: Sendable {
    /// Rows at the front of the batch that were sent, accepted and recorded `sent`.
    var sent = 0
    /// Why the lane stopped before the end of the batch, at row `sent`.
    var stop: LaneStop?
}

private enum LaneStop: Sendable {
    /// Nothing was sent for this row: a stop request, a lost lease, or a case the async path handles
    /// (skips, an invalid address, a build error).
    case notStarted
    /// The message went to the server, which did not accept it (or the transport failed): the outcome
    /// is recorded by the async path.
    case sent(ComposedMessage, Result<SendOutcome, MailError>)
    /// Accepted, but recording `sent` failed: the run stops.
    case recordFailed(any Error)
}

/// One connection's loop: take rows, build each message, send it on the connection's own thread and
/// record the outcome in the store right after the server's reply (so a kill resends at most the
/// messages in flight, one per connection).
///
/// The common case (build, send, accepted, record `sent`) runs for a whole batch on the lane's thread,
/// one hop there and back per batch instead of two per message; the ledger write is the store's blocking
/// `recordSentBlocking`, still one commit per message, right after the reply. Every other outcome comes
/// back to the async path (`handle(_:box:lane:counts:)`, `record`).
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
        let stop = StopFlag()
        do {
            while true {
                let tickets = try await source.next(upTo: batchSize)
                if tickets.isEmpty { break }
                let result = await withTaskCancellationHandler {
                    await handle(tickets, box: box, lane: lane, stop: stop)
                } onCancel: {
                    stop.set()
                }
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
    private func handle(
        _ tickets: [DeliveryTicket], box: SessionBox, lane: BlockingLane, stop: StopFlag
    ) async -> BatchResult {
        var result = BatchResult()
        var position = 0
        while position < tickets.count {
            let rest = Array(tickets[position...])
            let progress = await lane.run { sendOnLane(rest, session: box.session, stop: stop) }
            result.counts.sent += progress.sent
            position += progress.sent
            guard let laneStop = progress.stop else { break }
            let ticket = tickets[position]
            if case .notStarted = laneStop {
                // The async path decides this row: stop request, lease, skips, build errors, and sends.
                if Task.isCancelled {
                    result.unattempted = tickets[position...].map(\.id)
                    break
                }
                // Fencing: a run whose lease ran out (it stalled, or the process was paused) or was taken
                // over sends nothing more; another run may already be sending these rows.
                if !lease.isValid {
                    result.unattempted = tickets[position...].map(\.id)
                    result.error = StoreError.leaseLost(name: lease.name)
                    break
                }
            }
            do {
                switch laneStop {
                case .notStarted:
                    try await handle(ticket, box: box, lane: lane, counts: &result.counts)
                case .sent(let prepared, let outcome):
                    try await record(outcome, of: prepared, ticket: ticket, counts: &result.counts)
                case .recordFailed(let error):
                    throw error
                }
            } catch let nothingSent as NothingSent {
                // The transport stopped the run before this message reached anyone: it is unattempted too.
                result.error = nothingSent.error
                result.unattempted = tickets[position...].map(\.id)
                break
            } catch {
                result.error = error
                result.unattempted = tickets[(position + 1)...].map(\.id)
                break
            }
            position += 1
        }
        return result
    }

    /// Runs on the lane's thread: builds, sends and records `sent` for the rows of the batch in turn,
    /// and stops at the first row that needs anything else, which it hands back to the async path.
    private func sendOnLane(_ tickets: [DeliveryTicket], session: any MailSession, stop: StopFlag) -> LaneProgress {
        var progress = LaneProgress()
        for ticket in tickets {
            // The same checks as the async path's, which takes over the row when one fails.
            guard !stop.isSet, lease.isValid else { progress.stop = .notStarted; break }
            let subscriber = ticket.subscriber
            guard subscriber.status == .active, !suppressed.contains(subscriber.email.lowercased()),
                let prepared = try? run.factory.compose(content: content, subscriber: subscriber, date: options.now),
                !(prepared.digest.isEmpty && (options.skipEmpty || subscriber.preferences.skipEmpty))
            else {
                progress.stop = .notStarted
                break
            }
            let outcome: Result<SendOutcome, MailError>
            do throws(MailError) {
                outcome = .success(try session.send(prepared.bytes, envelope: prepared.envelope, key: prepared.key))
            } catch {
                outcome = .failure(error)
            }
            guard case .success(.accepted) = outcome else {
                progress.stop = .sent(prepared, outcome)
                break
            }
            do {
                try run.database.recordSentBlocking(deliveryID: ticket.id, messageID: prepared.head.messageID, now: Date())
            } catch {
                progress.stop = .recordFailed(error)
                break
            }
            progress.sent += 1
        }
        return progress
    }

    private func handle(
        _ ticket: DeliveryTicket, box: SessionBox, lane: BlockingLane, counts: inout Tally.Counts
    ) async throws {
        let database = run.database
        let subscriber = ticket.subscriber
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
        try await record(outcome, of: prepared, ticket: ticket, counts: &counts)
    }

    /// Records what the server said about a message it was sent (or throws `NothingSent`).
    private func record(
        _ outcome: Result<SendOutcome, MailError>, of prepared: ComposedMessage, ticket: DeliveryTicket,
        counts: inout Tally.Counts
    ) async throws {
        let database = run.database
        let subscriber = ticket.subscriber
        let logMetadata: Logger.Metadata = ["edition": "\(options.edition)", "subscriber.id": "\(subscriber.id ?? 0)"]
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
