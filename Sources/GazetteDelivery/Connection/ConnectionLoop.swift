import Foundation
import GazetteCore
import GazetteMail
import GazetteStore
import Logging
import Synchronization

/// One connection's loop: take a few claimed rows, build their messages, send them on the connection's
/// own thread, record what happened.
///
/// One subscriber's way through it, in order:
/// 1. `TicketSource.next` hands out a claimed ledger row (`DeliveryTicket`);
/// 2. `LedgerRules.changeBeforeBuilding` skips it if the subscriber left or is suppressed;
/// 3. `MessageFactory.message` builds the e-mail (`Message/`), on Swift's pool;
/// 4. the batch's messages go to the connection's `BlockingLane` in one hand-off, where libcurl sends
///    each one; an acceptance is committed there at once through `SentMarks` (grouped with the other
///    connections'), before the next message on this connection;
/// 5. every other outcome comes back with the batch, and `LedgerRules` turns it into its ledger change
///    and records the batch in one transaction.
struct ConnectionLoop: Sendable {
    let options: SendOptions
    let content: EditionContent
    let factory: MessageFactory
    let transport: any MailTransport
    let source: TicketSource
    let tally: Tally
    let rules: LedgerRules
    let marks: SentMarks
    let claims: ClaimKeeper
    let logger: Logger

    /// Rows taken from the source at a time (at most 8); see `batchSize(ready:concurrency:paced:)`.
    let batchSize: Int

    /// How long one batch should keep its connection busy: long enough that the hand-offs and the
    /// batch's ledger transaction cost little per message into a relay that answers at once, short
    /// enough that into a distant relay (each message waiting out four or five round trips) the
    /// connections run out of work together at the end of the run, instead of some still holding eight.
    static let batchDuration: Duration = .milliseconds(10)

    /// The rows to take next, from how long this connection's last messages took each.
    static func batchSize(upTo limit: Int, sendingTakes perMessage: Duration?) -> Int {
        guard let perMessage, perMessage > .zero else { return limit }
        return max(1, min(limit, Int(batchDuration / perMessage)))
    }

    /// Eight rows per take make a long run cheaper (one hand-off to the connection's thread and one
    /// ledger transaction per batch), but a short run must still spread over every connection: eight
    /// messages at `--concurrency 4` went down one connection, one after the other, and a stalled server
    /// then cost eight timeouts in a row instead of two. One when pacing to `--rate`, so that each
    /// message waits for its own token.
    static func batchSize(ready: Int, concurrency: Int, paced: Bool) -> Int {
        paced ? 1 : min(8, max(1, ready / max(1, concurrency * 4)))
    }

    func run(index: Int) async throws {
        let lane = BlockingLane(label: "gazette.mail.\(index)")
        let transport = self.transport
        let opened = await lane.run { () -> Result<SessionBox, MailError> in
            do throws(MailError) { return .success(SessionBox(try transport.openSession())) } catch { return .failure(error) }
        }
        let connection = try opened.get()
        do {
            // The next batch is claimed and built on Swift's pool while this one goes out on the
            // connection's thread: the connection never waits for its messages to be built.
            var next = try await prepareNextBatch(upTo: batchSize)
            var size = batchSize
            while let batch = next {
                let take = size
                async let following = prepareNextBatch(upTo: take)
                do {
                    let perMessage = try await finish(batch, on: connection, lane: lane)
                    size = Self.batchSize(upTo: batchSize, sendingTakes: perMessage)
                } catch {
                    // The batch built meanwhile was claimed in this run's name: it goes back to the queue.
                    if let built = try? await following { await release(built.tickets) }
                    throw error
                }
                next = try await following
            }
        } catch {
            await lane.run { connection.session.close() }
            throw error
        }
        await lane.run { connection.session.close() }
    }

    /// A batch of claimed rows with their messages built, and the changes already decided.
    struct PreparedBatch: Sendable {
        var tickets: [DeliveryTicket]
        var changes: [LedgerRules.Decision] = []
        var outgoing: [Outgoing] = []
        /// Rows after a build error, never tried.
        var unbuilt: [DeliveryTicket] = []
        var stop: (any Error)?
    }

    /// Claims the next few rows and builds their messages; nil when there is nothing left (or the run is
    /// stopping).
    private func prepareNextBatch(upTo count: Int) async throws -> PreparedBatch? {
        let tickets = try await source.next(upTo: count)
        if tickets.isEmpty { return nil }
        var batch = PreparedBatch(tickets: tickets)
        for (position, ticket) in tickets.enumerated() {
            if let change = rules.changeBeforeBuilding(ticket) {
                batch.changes.append((ticket, change, nil))
                continue
            }
            do throws(DeliveryError) {
                let message = try factory.message(content: content, subscriber: ticket.subscriber, date: options.now)
                if let change = rules.changeBeforeSending(message, for: ticket) {
                    batch.changes.append((ticket, change, nil))
                } else {
                    batch.outgoing.append(Outgoing(ticket: ticket, message: message))
                }
            } catch .invalidAddress {
                batch.changes.append((ticket, rules.changeForInvalidAddress(), nil))
            } catch {
                // A template or signing error: no message of this run can be built; nothing of the rest is tried.
                batch.stop = error
                batch.unbuilt = Array(tickets[position...])
                break
            }
        }
        return batch
    }

    /// Sends a built batch and records what happened. Rows never tried (a stop, an error, claims that ran
    /// out) go back to the queue; the error, if any, is thrown once the rest is recorded.
    /// - Returns: how long each message took to send, on average (nil when none was).
    private func finish(_ batch: PreparedBatch, on connection: SessionBox, lane: BlockingLane) async throws -> Duration? {
        var changes = batch.changes
        let outgoing = batch.outgoing
        var unattempted = batch.unbuilt
        var stop = batch.stop
        let sent = await send(outgoing, on: connection, lane: lane)
        var counts = Tally.Counts()
        counts.sent = sent.accepted
        for (index, outcome) in sent.refusals {
            let item = outgoing[index]
            changes.append((item.ticket, rules.change(for: outcome, ticket: item.ticket, messageID: item.message.messageID), outcome))
        }
        unattempted += outgoing[sent.attempted...].map(\.ticket)
        if stop == nil { stop = sent.stop }

        do {
            try await rules.record(changes)
        } catch {
            await tally.add(counts)
            throw error
        }
        for (_, change, _) in changes {
            switch change {
            case .sent: break
            case .deferred: counts.deferred += 1
            case .failed: counts.failed += 1
            case .skipped: counts.skipped += 1
            }
        }
        await tally.add(counts)
        await release(unattempted)
        if let stop { throw stop }
        return sent.attempted > 0 ? sent.elapsed / sent.attempted : nil
    }

    /// Puts rows never tried back in the queue. Only rows still claimed in this run's name go back (the
    /// store checks): after their claims ran out, some may be another sender's.
    private func release(_ tickets: [DeliveryTicket]) async {
        guard !tickets.isEmpty else { return }
        do {
            try await rules.database.releaseClaims(deliveryIDs: tickets.map(\.id), holder: claims.holder, now: Date())
        } catch {
            logger.warning("could not put unsent rows back in the queue; the next run requeues them", metadata: [
                "count": "\(tickets.count)", "error": "\(error)",
            ])
        }
    }
}

extension ConnectionLoop {
    /// A claimed row and its message, on the way to the connection's thread.
    struct Outgoing: Sendable {
        let ticket: DeliveryTicket
        let message: DigestMessage
    }

    /// What the connection's thread did with a batch.
    struct LaneResult: Sendable {
        /// Messages tried, from the first: the rest were not (a stop, claims that ran out, a dead server).
        var attempted = 0
        /// Acceptances, each committed through `SentMarks` before the next message.
        var accepted = 0
        /// Every other answer, by position in the batch.
        var refusals: [(index: Int, outcome: SendOutcome)] = []
        var stop: (any Error)?
        /// From the first message handed to the server to the last answer (and sent mark).
        var elapsed: Duration = .zero
    }

    /// Sends the batch on the connection's own thread (libcurl blocks; never on Swift's pool): one hand-off
    /// there and one back for the whole batch.
    private func send(_ outgoing: [Outgoing], on connection: SessionBox, lane: BlockingLane) async -> LaneResult {
        guard !outgoing.isEmpty else { return LaneResult() }
        let stopping = StopRequest()
        let (marks, claims, edition) = (marks, claims, options.edition.description)
        return await withTaskCancellationHandler {
            await lane.run {
                var result = LaneResult()
                let waiter = SentMarks.Waiter()
                let started = ContinuousClock.now
                for (index, item) in outgoing.enumerated() {
                    // A stop request (cancellation) lets the message in hand finish and leaves the rest unattempted.
                    if stopping.isRequested { break }
                    // Fencing: a run whose claims ran out (it stalled, or the process was paused) sends nothing
                    // more; another sender may already be sending these rows.
                    guard claims.isValid else {
                        result.stop = StoreError.claimsLost(edition: edition)
                        break
                    }
                    let outcome: SendOutcome
                    do throws(MailError) {
                        outcome = try connection.session.send(item.message.bytes, envelope: item.message.envelope, key: item.message.key)
                    } catch {
                        // The transport stopped the run before this message reached anyone: it is unattempted too.
                        result.stop = error
                        break
                    }
                    result.attempted = index + 1
                    guard case .accepted = outcome else {
                        result.refusals.append((index, outcome))
                        continue
                    }
                    do {
                        try marks.commit(deliveryID: item.ticket.id, messageID: item.message.messageID, waiter: waiter)
                        result.accepted += 1
                    } catch {
                        // Sent but not recorded: the row stays in flight and is sent again once its claim expires.
                        result.stop = error
                        break
                    }
                }
                result.elapsed = started.duration(to: .now)
                return result
            }
        } onCancel: {
            stopping.request()
        }
    }
}

/// The session of one connection, touched only from its own serial `BlockingLane`.
///
/// `@unchecked Sendable` is sound because every call to `session` happens inside `lane.run`, whose
/// serial queue guarantees one call at a time; the box only carries the reference there.
final class SessionBox: @unchecked Sendable {
    let session: any MailSession
    init(_ session: any MailSession) { self.session = session }
}

/// A stop request (the task's cancellation) seen from the connection's thread, which is not in the task.
private final class StopRequest: Sendable {
    private let requested = Atomic(false)
    var isRequested: Bool { requested.load(ordering: .relaxed) }
    func request() { requested.store(true, ordering: .relaxed) }
}
