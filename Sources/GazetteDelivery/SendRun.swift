import Foundation
public import GazetteCore
public import GazetteMail
public import GazetteStore
public import Logging

/// One send run for one edition: enqueue who is due, claim, build, send, record.
///
/// Safe to run from cron every few minutes and to kill at any moment: every due subscriber gets a
/// ledger row first; each row is marked `sent` only after the transport accepted the message, in its
/// own transaction; rows a dead run left `sending` are sent again by the next run (at least once,
/// duplicates bounded by the number of connections). Several runs, on one machine or many, may share an
/// edition: each claims rows in its own name, and claims that are not renewed expire (`ClaimKeeper`).
public struct SendRun: Sendable {
    public let database: any Store
    public let transport: any MailTransport
    public let factory: MessageFactory
    public var schedule = SendSchedule()
    public var retry = RetryPolicy()
    public let logger: Logger
    public var progress: (@Sendable (SendProgress) -> Void)?
    /// Subscribers read per batch while enqueuing: the list is never held whole.
    public var batchSize = 1000
    /// How long this run's claims on ledger rows last without renewal; the heartbeat renews them every
    /// quarter of that.
    public var claimLifetime: Double = 120

    public init(database: any Store, transport: any MailTransport, factory: MessageFactory, logger: Logger) {
        self.database = database
        self.transport = transport
        self.factory = factory
        self.logger = logger
    }

    public func run(_ options: SendOptions) async throws(DeliveryError) -> SendSummary {
        let started = Date()
        let edition = options.edition
        let closing = schedule.closing(of: edition)
        guard options.now < closing else {
            throw .editionClosed(edition: edition.description, closedAt: Timestamp.format(closing))
        }
        do {
            var onlyID: Int64?
            if let email = options.only {
                guard let id = try await database.subscriber(email: email)?.id else { throw DeliveryError.unknownSubscriber(email) }
                onlyID = id
            }
            let content = try await database.editionContent(edition)
            var summary: SendSummary
            if options.dryRun {
                summary = try await plan(options, content: content, onlyID: onlyID)
            } else {
                summary = try await send(options, content: content, onlyID: onlyID)
            }
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        } catch {
            throw DeliveryError(error)
        }
    }

    /// A plain run (no `--week`): for each subscriber, the latest edition whose local send time has come —
    /// next week's for readers east of UTC on Sunday, last week's for readers west of it on Monday, and
    /// last week's for those a downtime made miss it, while it is open.
    ///
    /// - Returns: one summary per edition looked at, in edition order.
    public func runDue(_ base: SendOptions) async throws(DeliveryError) -> [SendSummary] {
        let current = Edition(containing: base.now)
        let finishPrevious: Bool
        do { finishPrevious = try await database.hasDeliveries(edition: current.previous) } catch { throw DeliveryError(error) }
        var summaries: [SendSummary] = []
        // The previous edition is looked at even when nobody has had it yet: readers west of UTC are due
        // for it after its week has ended in UTC (`SendSchedule.targetEdition` decides who).
        for edition in [current.previous, current, current.next] where base.now < schedule.closing(of: edition) {
            if Task.isCancelled { break }
            var options = base
            options.edition = edition
            options.selection = .latestDue(finishPrevious: finishPrevious)
            summaries.append(try await run(options))
        }
        return summaries
    }

    private func isSelected(_ subscriber: Subscriber, _ options: SendOptions) -> Bool {
        switch options.selection {
        case _ where !subscriber.receivesDigests(at: options.now): false
        case .everyone: true
        case .due: schedule.dueDate(for: subscriber, edition: options.edition) <= options.now
        case .latestDue(let finishPrevious):
            schedule.targetEdition(for: subscriber, at: options.now, finishPrevious: finishPrevious) == options.edition
        }
    }

    /// Walks the active subscribers in id order, batch by batch, keeping those the run selects.
    private func forEachDueBatch(
        _ options: SendOptions, onlyID: Int64?, _ body: ([Subscriber]) async throws -> Void
    ) async throws {
        if let onlyID {
            if let subscriber = try await database.subscriber(id: onlyID), isSelected(subscriber, options) {
                try await body([subscriber])
            }
            return
        }
        var lastID: Int64 = 0
        while true {
            let batch = try await database.activeSubscribers(afterID: lastID, limit: batchSize)
            guard let last = batch.last?.id else { return }
            lastID = last
            let due = batch.filter { isSelected($0, options) }
            if !due.isEmpty { try await body(due) }
        }
    }

    /// `--dry-run`: who would get what, with nothing written and nothing sent.
    private func plan(_ options: SendOptions, content: EditionContent, onlyID: Int64?) async throws -> SendSummary {
        var summary = SendSummary(edition: options.edition, dryRun: true)
        let suppressed = try await database.suppressedKeys()
        try await forEachDueBatch(options, onlyID: onlyID) { batch in
            let states = try await database.deliveryStates(edition: options.edition, subscriberIDs: batch.compactMap(\.id))
            for subscriber in batch {
                switch states[subscriber.id!] {
                case let state? where state.wasAccepted: summary.alreadySent += 1; continue
                case .failed?, .skipped?: continue
                default: break
                }
                if let limit = options.limit, summary.plan.count >= limit { return }
                let digest = Digest(content: content, preferences: subscriber.preferences)
                let skip = suppressed.contains(subscriber.email.lowercased())
                    || (digest.isEmpty && (options.skipEmpty || subscriber.preferences.skipEmpty))
                if skip { summary.skipped += 1 }
                summary.plan.append(SendSummary.PlannedMessage(
                    edition: options.edition, email: subscriber.email, name: subscriber.name,
                    due: schedule.dueDate(for: subscriber, edition: options.edition),
                    openings: digest.openings.count, matching: digest.matchingCount,
                    salaryChanges: digest.salaryChanges.count, certifications: digest.certifications.count, skip: skip))
            }
        }
        return summary
    }

    private func send(_ options: SendOptions, content: EditionContent, onlyID: Int64?) async throws -> SendSummary {
        let edition = options.edition
        let started = Date()
        // Unconfirmed signups do not linger (DESIGN: any send deletes pending rows older than 30 days).
        let purged = try await database.purgeStalePending(now: options.now)
        if purged > 0 { logger.info("deleted unconfirmed signups older than 30 days", metadata: ["subscribers": "\(purged)"]) }
        let claims = ClaimKeeper(database: database, edition: edition, lifetime: claimLifetime)
        // The heartbeat keeps the claims alive while messages wait on a slow server (the workers check them
        // before each message: fencing), on a thread of its own.
        let heartbeat = claims.startHeartbeat(logger: logger)
        defer { heartbeat.cancel() }
        return try await send(options, content: content, onlyID: onlyID, claims: claims, started: started)
    }

    /// The run proper, with its claims kept alive.
    private func send(
        _ options: SendOptions, content: EditionContent, onlyID: Int64?, claims: ClaimKeeper, started: Date
    ) async throws -> SendSummary {
        let edition = options.edition
        var summary = SendSummary(edition: edition)
        // Rows of a sender that died on this machine are taken back at once; those of a sender elsewhere
        // once its claims expire (a live sender's are never touched).
        summary.recovered = try await database.recoverInterrupted(edition: edition, now: Date()) { holder in
            ClaimHolder(holder)?.isDeadOnThisMachine ?? false
        }
        if summary.recovered > 0 {
            logger.warning("requeued messages left in flight by an interrupted run", metadata: [
                "edition": "\(edition)", "count": "\(summary.recovered)",
            ])
        }
        try await forEachDueBatch(options, onlyID: onlyID) { batch in
            let before = try await database.enqueue(edition: edition, subscriberIDs: batch.compactMap(\.id), now: Date())
            summary.alreadySent += before.values.filter(\.wasAccepted).count
        }
        let counts = try await database.deliveryCounts(edition: edition)
        let waiting = try await database.waitingDeferredCount(edition: edition, now: options.now)
        let ready = (counts[.queued] ?? 0) + (counts[.deferred] ?? 0) - waiting
        let total = onlyID == nil ? min(ready, options.limit ?? ready) : min(1, ready)
        logger.log(level: ready > 0 ? .info : .debug, "send run started", metadata: [
            "edition": "\(edition)", "ready": "\(ready)", "transport": "\(transport.summary)",
            "concurrency": "\(options.concurrency)",
        ])

        let source = TicketSource(
            database: database, claims: claims, edition: edition, now: options.now, limit: options.limit,
            subscriberIDs: onlyID.map { [$0] }, batchSize: max(16, options.concurrency * 8), rate: options.rate)
        let tally = Tally(total: total, progress: progress)
        let rules = LedgerRules(
            database: database, retry: retry, runTime: options.now, skipEmpty: options.skipEmpty,
            suppressed: try await database.suppressedKeys(), edition: edition, logger: logger)
        let marks = SentMarks(database: database)
        defer { marks.finish() }
        let connection = ConnectionLoop(
            options: options, content: content, factory: factory, transport: transport, source: source, tally: tally,
            rules: rules, marks: marks, claims: claims, logger: logger,
            batchSize: ConnectionLoop.batchSize(ready: total, concurrency: options.concurrency, paced: options.rate != nil))
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<max(1, options.concurrency) {
                    group.addTask { try await connection.run(index: index) }
                }
                try await group.waitForAll()
            }
        } catch {
            // Stop claiming; rows claimed but never attempted go back to the queue (those still in this run's name).
            let unattempted = await source.stop()
            do { try await database.releaseClaims(deliveryIDs: unattempted, holder: claims.holder, now: Date()) } catch {
                logger.warning("could not put unsent rows back in the queue; they are sent again once their claims expire", metadata: [
                    "count": "\(unattempted.count)", "error": "\(error)",
                ])
            }
            throw error
        }
        // Rows claimed but never handed out (a stop, a limit) go back to the queue.
        let unhanded = await source.stop()
        try await database.releaseClaims(deliveryIDs: unhanded, holder: claims.holder, now: Date())
        guard claims.isValid else { throw StoreError.claimsLost(edition: edition.description) }
        summary.interrupted = Task.isCancelled
        let counted = await tally.counts
        summary.sent = counted.sent
        summary.failed = counted.failed
        summary.skipped = counted.skipped
        summary.deferred = try await database.waitingDeferredCount(edition: edition, now: options.now)
        if summary.interrupted {
            let counts = try await database.deliveryCounts(edition: edition)
            summary.pending = (counts[.queued] ?? 0) + (counts[.deferred] ?? 0) - summary.deferred
        }
        if counted.done > 0 {
            try await database.recordRun(SendRunRecord(
                edition: edition.description, startedAt: started, seconds: Date().timeIntervalSince(started),
                sent: counted.sent, deferred: counted.deferred, failed: counted.failed, skipped: counted.skipped))
        }
        return summary
    }
}
