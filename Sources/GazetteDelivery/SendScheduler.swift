public import Foundation
public import GazetteCore
import GazetteStore
import Logging
public import ServiceLifecycle

/// The `gazette schedule` daemon: sleeps until the next subscriber is due (looking again at least once a
/// minute, so new subscribers and edits are picked up), sends what is due, and stops gracefully.
///
/// It runs the same plain send as cron-triggered `gazette send`, sharing editions row by row with any
/// other sender, so both may be deployed at once, and several replicas of either. After downtime its
/// first pass catches up on what became due meanwhile, within each edition's grace period. On graceful shutdown it stops claiming, lets the messages in flight
/// finish and be recorded, and returns.
public struct SendScheduler<C: Clock>: Service where C.Duration == Duration {
    public let sendRun: SendRun
    /// Per-run settings (concurrency, rate); the edition and the moment are filled in each time.
    public var template: SendOptions
    /// Fixed ticks instead of sleeping until the next due subscriber.
    public var cron: CronExpression?
    /// The longest sleep between two looks at the subscriber list.
    public var maximumSleep: Duration = .seconds(60)
    let clock: C
    let now: @Sendable () -> Date

    public init(sendRun: SendRun, template: SendOptions, cron: CronExpression?, clock: C, now: @escaping @Sendable () -> Date) {
        self.sendRun = sendRun
        self.template = template
        self.cron = cron
        self.clock = clock
        self.now = now
    }

    public func run() async throws {
        let logger = sendRun.logger
        logger.info("scheduler started", metadata: ["cron": "\(cron?.description ?? "off")"])
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await sendDue()
                    if Task.isCancelled { break }
                    let pause = await sleepDuration(from: now())
                    try await clock.sleep(until: clock.now.advanced(by: pause), tolerance: .seconds(1))
                }
            }
        } catch is CancellationError {
            // A graceful shutdown cancels the sleep: the normal way out.
        } catch {
            logger.error("scheduler loop ended by an error", metadata: ["error": "\(error)"])
        }
        logger.info("scheduler stopped")
    }

    /// One pass: everything due now. Failures are logged and retried on the next pass; the daemon lives on.
    public func sendDue() async {
        var options = template
        options.now = now()
        options.edition = Edition(containing: options.now)
        do {
            let summaries = try await sendRun.runDue(options)
            for summary in summaries where summary.sent + summary.deferred + summary.failed + summary.skipped > 0 {
                sendRun.logger.info("send pass", metadata: [
                    "edition": "\(summary.edition)", "sent": "\(summary.sent)", "deferred": "\(summary.deferred)",
                    "failed": "\(summary.failed)", "skipped": "\(summary.skipped)",
                ])
            }
        } catch {
            sendRun.logger.error("send pass failed; will retry", metadata: ["error": "\(error)"])
        }
    }

    /// Until the next cron tick, or the next subscriber's send time, but never longer than `maximumSleep`.
    public func sleepDuration(from moment: Date) async -> Duration {
        let next: Date?
        if let cron {
            next = cron.next(after: moment)
        } else {
            do { next = try await sendRun.nextDueDate(after: moment) } catch {
                sendRun.logger.warning("could not read the next send time; looking again soon", metadata: ["error": "\(error)"])
                next = nil
            }
        }
        guard let next else { return maximumSleep }
        let seconds = max(0, next.timeIntervalSince(moment))
        return min(maximumSleep, .milliseconds(Int64(seconds * 1000)))
    }
}

extension SendRun {
    /// The earliest send time after `moment` of any active subscriber, for last, this or next week's edition.
    public func nextDueDate(after moment: Date) async throws -> Date? {
        let current = Edition(containing: moment)
        var earliest: Date?
        var lastID: Int64 = 0
        while true {
            let batch = try await database.activeSubscribers(afterID: lastID, limit: batchSize)
            guard let last = batch.last?.id else { return earliest }
            lastID = last
            for subscriber in batch {
                for edition in [current.previous, current, current.next] {
                    let due = schedule.dueDate(for: subscriber, edition: edition)
                    if due > moment, earliest.map({ due < $0 }) ?? true { earliest = due }
                }
            }
        }
    }
}
