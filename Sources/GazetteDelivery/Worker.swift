import Foundation
import GazetteCore
import GazetteMail
import GazetteStore
import Logging

/// The session of one connection, touched only from its own serial `BlockingLane`.
///
/// `@unchecked Sendable` is sound because every call to `session` happens inside `lane.run`, whose
/// serial queue guarantees one call at a time; the box only carries the reference there.
private final class SessionBox: @unchecked Sendable {
    let session: any MailSession
    init(_ session: any MailSession) { self.session = session }
}

/// One connection's loop: take a row, build the message, send it on the lane, record the outcome.
struct Worker: Sendable {
    let run: SendRun
    let options: SendOptions
    let content: EditionContent
    let source: TicketSource
    let tally: Tally
    let suppressed: Set<String>

    func work(lane index: Int) async throws {
        let lane = BlockingLane(label: "gazette.mail.\(index)")
        let transport = run.transport
        let opened = await lane.run { () -> Result<SessionBox, MailError> in
            do throws(MailError) { return .success(SessionBox(try transport.openSession())) } catch { return .failure(error) }
        }
        let box = try opened.get()
        do {
            while let ticket = try await source.next() {
                try await handle(ticket, box: box, lane: lane)
            }
        } catch {
            await lane.run { box.session.close() }
            throw error
        }
        await lane.run { box.session.close() }
    }

    private func handle(_ ticket: DeliveryTicket, box: SessionBox, lane: BlockingLane) async throws {
        let database = run.database
        let subscriber = ticket.subscriber
        let logMetadata: Logger.Metadata = ["edition": "\(options.edition)", "subscriber.id": "\(subscriber.id ?? 0)"]
        if subscriber.status != .active {
            try database.recordSkipped(deliveryID: ticket.id, reason: "unsubscribed", now: Date())
            await tally.record { $0.skipped += 1 }
            return
        }
        if suppressed.contains(subscriber.email.lowercased()) {
            try database.recordSkipped(deliveryID: ticket.id, reason: "address on the suppression list", now: Date())
            await tally.record { $0.skipped += 1 }
            return
        }
        guard (try? EmailAddress(subscriber.email)) != nil else {
            try database.recordFailed(deliveryID: ticket.id, code: nil, reply: "invalid address", now: Date())
            await tally.record { $0.failed += 1 }
            return
        }
        let prepared = try run.factory.prepare(content: content, subscriber: subscriber, date: options.now)
        if prepared.digest.isEmpty && (options.skipEmpty || subscriber.preferences.skipEmpty) {
            try database.recordSkipped(deliveryID: ticket.id, reason: "no matching openings", now: Date())
            await tally.record { $0.skipped += 1 }
            return
        }
        let bytes = prepared.bytes
        let envelope = prepared.message.envelope
        let key = prepared.key
        let outcome = await lane.run { () -> Result<SendOutcome, MailError> in
            do throws(MailError) {
                return .success(try box.session.send(bytes, envelope: envelope, key: key))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            // Nothing reached the recipient: the row goes back to the queue for a later run.
            try? database.releaseClaims(deliveryIDs: [ticket.id], now: Date())
            throw error
        case .success(.accepted):
            try database.recordSent(deliveryID: ticket.id, messageID: prepared.message.messageID, now: Date())
            await tally.record { $0.sent += 1 }
        case .success(.deferred(let code, let reply)):
            if ticket.attempts >= run.retry.maximumAttempts {
                try database.recordFailed(
                    deliveryID: ticket.id, code: code, reply: "gave up after \(ticket.attempts) attempts: \(reply)",
                    now: Date())
                await tally.record { $0.failed += 1 }
            } else {
                let retryAt = options.now.addingTimeInterval(run.retry.delay(afterAttempt: ticket.attempts))
                try database.recordDeferred(deliveryID: ticket.id, code: code, reply: reply, retryAt: retryAt, now: Date())
                await tally.record { $0.deferred += 1 }
            }
            run.logger.notice("deferred", metadata: logMetadata.merging(["smtp.code": "\(code ?? 0)"]) { $1 })
        case .success(.rejected(let code, let reply)):
            try database.recordFailed(deliveryID: ticket.id, code: code, reply: reply, now: Date())
            await tally.record { $0.failed += 1 }
            run.logger.notice("rejected", metadata: logMetadata.merging(["smtp.code": "\(code)"]) { $1 })
            let hardFailures = try database.hardFailureCount(subscriberID: subscriber.id!)
            if hardFailures >= run.retry.hardFailuresBeforeSuppression {
                try database.suppress(
                    email: subscriber.email, reason: "\(hardFailures) permanent failures; last: \(reply)", now: Date())
                run.logger.warning("address suppressed after repeated permanent failures", metadata: logMetadata)
            }
        }
    }
}
