import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

struct SendSchedulerTests {
    /// A clock for the scheduler's sleeps that the test advances by hand.
    final class ManualClock: Clock, @unchecked Sendable {
        // Guarded by `lock`; sleepers are resumed when `advance` passes their deadline.
        struct Instant: InstantProtocol {
            var offset: Duration
            func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
            func duration(to other: Instant) -> Duration { other.offset - offset }
            static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
        }
        private let lock = NSLock()
        private var current = Instant(offset: .zero)
        private var sleepers: [(deadline: Instant, continuation: CheckedContinuation<Void, any Error>)] = []

        var now: Instant { lock.withLock { current } }
        var minimumResolution: Duration { .zero }
        var sleeperCount: Int { lock.withLock { sleepers.count } }

        func sleep(until deadline: Instant, tolerance: Duration?) async throws {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    lock.withLock { sleepers.append((deadline, continuation)) }
                }
            } onCancel: {
                let cancelled = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
                    defer { sleepers.removeAll() }
                    return sleepers.map(\.continuation)
                }
                cancelled.forEach { $0.resume(throwing: CancellationError()) }
            }
        }

        func advance(by duration: Duration) {
            let due = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
                current = current.advanced(by: duration)
                let ready = sleepers.filter { $0.deadline <= current }
                sleepers.removeAll { $0.deadline <= current }
                return ready.map(\.continuation)
            }
            due.forEach { $0.resume() }
        }
    }

    @Test func sendsWhatIsDueEachPassAndStopsGracefully() async throws {
        let harness = try await DeliveryHarness(subscribers: [
            Subscriber(email: "nine@example.com", name: "Nine", sendHour: 9),
            Subscriber(email: "ten@example.com", name: "Ten", sendHour: 10),
        ])
        let transport = ScriptedTransport()
        let moment = Mutex(DeliveryHarness.at("2026-11-23T09:30:00Z"))
        let clock = ManualClock()
        let scheduler = SendScheduler(
            sendRun: harness.run(transport),
            template: DeliveryHarness.options(at: "2026-11-23T09:30:00Z"),
            cron: nil, clock: clock, now: { moment.withLock { $0 } })

        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                try await waitUntil { clock.sleeperCount == 1 }
                #expect(transport.recipients == ["nine@example.com"])
                // The next due subscriber is at 10:00: the scheduler sleeps half an hour at most… capped at a minute.
                #expect(await scheduler.sleepDuration(from: moment.withLock { $0 }) == .seconds(60))
                moment.withLock { $0 = DeliveryHarness.at("2026-11-23T10:00:30Z") }
                clock.advance(by: .seconds(60))
                try await waitUntil { transport.recipients.count == 2 }
                try await waitUntil { clock.sleeperCount == 1 }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(transport.recipients == ["nine@example.com", "ten@example.com"])
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 2])
    }

    @Test func sleepsUntilTheNextDueSubscriberOrTheNextCronTick() async throws {
        let harness = try await DeliveryHarness(subscribers: [Subscriber(email: "a@example.com", name: "A", sendHour: 9)])
        let run = harness.run(ScriptedTransport())
        let options = DeliveryHarness.options(at: "2026-11-23T08:59:20Z")
        let moment = DeliveryHarness.at("2026-11-23T08:59:20Z")
        let byDue = SendScheduler(sendRun: run, template: options, cron: nil, clock: ContinuousClock(), now: { moment })
        #expect(await byDue.sleepDuration(from: moment) == .seconds(40))
        #expect(try await run.nextDueDate(after: moment) == DeliveryHarness.at("2026-11-23T09:00:00Z"))
        let byCron = SendScheduler(sendRun: run, template: options, cron: try CronExpression("*/10 * * * *"), clock: ContinuousClock(), now: { moment })
        #expect(await byCron.sleepDuration(from: DeliveryHarness.at("2026-11-23T08:55:30Z")) == .seconds(60))
        #expect(await byCron.sleepDuration(from: DeliveryHarness.at("2026-11-23T08:59:50Z")) == .seconds(10))
    }

    /// Polls a condition the scheduler's task will make true; gives up after five seconds.
    func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("condition not met in time")
    }
}
