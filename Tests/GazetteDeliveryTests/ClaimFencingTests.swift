import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTestSupport
import Synchronization
import Testing

/// Runs sharing an edition never send one row twice when nothing is killed: a run waiting on a slow server
/// keeps its claims alive by its heartbeat, so a second run finds nothing of it to take over. (A run frozen
/// past its claims, which must stop when it resumes, is `ClaimTakeoverTests`' SIGSTOP case.)
@Suite(.serialized)
struct ClaimFencingTests {
    static let roster = (1...6).map { Subscriber(email: "r\($0)@example.com", name: "R\($0)") }

    /// Each message takes longer than a claim lasts: without a heartbeat the first run's claims would
    /// expire while it is alive, and a second run would take the rows over and send them again.
    @Test(arguments: StoreBackend.allCases)
    func aRunWaitingOnASlowServerKeepsItsClaims(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let sending = Atomic(false)
        let slow = ScriptedTransport { _ in
            sending.store(true, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 4)
            return .success(.accepted(detail: "250 ok"))
        }
        var first = harness.run(slow)
        first.claimLifetime = 3
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 2
        let running = Task { [first, options] in try await first.run(options) }
        // From its first message on (a loaded machine may take seconds to start the run at all), until past
        // the first claims' expiry, while messages are in flight.
        while !sending.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .seconds(4.5))
        let second = ScriptedTransport()
        var secondRun = harness.run(second)
        secondRun.claimLifetime = 3
        let secondSummary = try await secondRun.run(options)
        let summary = try await running.value
        #expect(summary.sent == 6 && secondSummary.sent == 0 && secondSummary.recovered == 0)
        #expect(second.recipients.isEmpty)
        #expect(Set(slow.recipients).count == 6 && slow.recipients.count == 6)
    }

    @Test func aHolderInAnotherPIDNamespaceIsNeverTakenForDead() async throws {
        let me = ClaimHolder.current
        #expect(ClaimHolder(me.description) == me)
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
        #expect(ClaimHolder("\(me.host):999999:\(UUID())") == nil)
    }
}
