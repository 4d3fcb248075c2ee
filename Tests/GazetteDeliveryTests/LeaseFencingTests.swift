import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import Synchronization
import Testing

/// Two runs never send the same edition at once, even when nothing is killed: a run waiting on a slow
/// server keeps its lease alive, and a run whose lease was taken over stops before its next message.
@Suite(.serialized)
struct LeaseFencingTests {
    static let roster = (1...6).map { Subscriber(email: "r\($0)@example.com", name: "R\($0)") }

    /// Each message takes longer than the whole lease: without a heartbeat the lease would expire while
    /// the first run is alive, and a second run would take over and send the same rows again.
    @Test func aRunWaitingOnASlowServerKeepsItsLease() async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster)
        let sending = Atomic(false)
        let slow = ScriptedTransport { _ in
            sending.store(true, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 4)
            return .success(.accepted(detail: "250 ok"))
        }
        var first = harness.run(slow)
        first.leaseDuration = 3
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 2
        let running = Task { [first, options] in try await first.run(options) }
        // From its first message on (a loaded machine may take seconds to start the run at all), until past
        // the first lease's expiry, while messages are in flight.
        while !sending.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .seconds(4.5))
        let second = ScriptedTransport()
        do {
            _ = try await harness.run(second).run(options)
            Issue.record("a second run started while the first was alive")
        } catch {
            #expect(String(describing: error).contains("another send run holds the lease"), "\(error)")
        }
        let summary = try await running.value
        #expect(summary.sent == 6)
        #expect(second.recipients.isEmpty)
        #expect(Set(slow.recipients).count == 6 && slow.recipients.count == 6)
    }

    /// A run whose lease another run took over (here by force; in life after a pause past its expiry,
    /// which the CLI kill suite does with SIGSTOP) sends nothing more once its heartbeat or its next claim
    /// notices, leaves the rows to the new holder, and reports the loss.
    @Test func aRunThatLostItsLeaseStopsBeforeItsNextMessage() async throws {
        let roster = (1...20).map { Subscriber(email: "r\($0)@example.com", name: "R\($0)") }
        let harness = try await DeliveryHarness(subscribers: roster)
        let taken = Mutex(false)
        let database = harness.database
        let transport = ScriptedTransport { _ in
            // After the first message, another run takes the lease over.
            let takeOver = taken.withLock { done -> Bool in defer { done = true }; return !done }
            if takeOver {
                // The transport runs on its connection's own thread: wait there for the takeover to commit.
                let committed = DispatchSemaphore(value: 0)
                Task {
                    try? await database.acquireLease(
                        name: "send 2026-W48", holder: "another run", now: Date().addingTimeInterval(600), duration: 60)
                    committed.signal()
                }
                committed.wait()
            }
            Thread.sleep(forTimeInterval: 0.3)
            return .success(.accepted(detail: "250 ok"))
        }
        var run = harness.run(transport)
        run.leaseDuration = 2  // a heartbeat every 0.5 s
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 1
        do {
            _ = try await run.run(options)
            Issue.record("a run that lost its lease must stop with an error")
        } catch {
            #expect(String(describing: error).contains("lost its lease"), "\(error)")
        }
        // A heartbeat every 0.5 s against a message every 0.3 s: it stops after a few, long before all 20.
        #expect(transport.recipients.count <= 10, "\(transport.recipients)")
        let counts = try await harness.database.deliveryCounts(edition: DeliveryHarness.edition)
        #expect((counts[.sent] ?? 0) == transport.recipients.count)
        // Nothing was put back by the run that lost the lease: its claims are the new holder's to recover.
        #expect((counts[.sending] ?? 0) + (counts[.queued] ?? 0) == 20 - transport.recipients.count)
        // The lease stays with the run that took it over.
        await #expect(throws: StoreError.self) {
            try await harness.database.acquireLease(name: "send 2026-W48", holder: "a third run", now: Date(), duration: 60)
        }
    }

    @Test func aHolderInAnotherPIDNamespaceIsNeverTakenForDead() async throws {
        let me = LeaseHolder.current
        #expect(LeaseHolder(me.description) == me)
        #expect(!me.isDeadOnThisMachine)
        var elsewhere = me
        elsewhere.pidNamespace = "1"  // another container's namespace, same host name (host networking)
        elsewhere.pid = 999_999  // no such process here, which proves nothing about the other namespace
        #expect(!elsewhere.isDeadOnThisMachine)
        var gone = me
        gone.pid = 999_999
        #expect(gone.isDeadOnThisMachine)
        var reused = me  // our own pid, but the holder's process started at another time: pid reused
        reused.startTime = "1"
        #expect(reused.isDeadOnThisMachine)
        var otherBoot = me
        otherBoot.boot = "0123"
        otherBoot.pid = 999_999
        #expect(!otherBoot.isDeadOnThisMachine)
        // Holders written by older versions (host:pid:uuid) are never taken over before they expire.
        #expect(LeaseHolder("\(me.host):999999:\(UUID())") == nil)
    }
}
