import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import Testing

struct SendRunTests {
    static let roster = [
        Subscriber(email: "early@example.com", name: "Early", timeZone: "Europe/Berlin", sendHour: 8),  // 07:00Z
        Subscriber(email: "utc@example.com", name: "Utc", timeZone: "Etc/UTC", sendHour: 9),  // 09:00Z
        Subscriber(email: "late@example.com", name: "Late", timeZone: "America/New_York", sendHour: 9),  // 14:00Z
        Subscriber(email: "gone@example.com", name: "Gone", status: .unsubscribed),
    ]

    @Test(arguments: StoreBackend.allCases)
    func sendsOnlyToDueSubscribersAndNeverTwice(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let transport = ScriptedTransport()
        let first = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z"))
        #expect(transport.recipients.sorted() == ["early@example.com", "utc@example.com"])
        #expect((first.sent, first.alreadySent, first.deferred, first.failed) == (2, 0, 0, 0))

        let again = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T10:00:00Z"))
        #expect((again.sent, again.alreadySent) == (0, 2))

        let later = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T14:00:00Z"))
        #expect((later.sent, later.alreadySent) == (1, 2))
        #expect(transport.recipients.count == 3)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 3])
    }

    @Test(arguments: StoreBackend.allCases)
    func nowIgnoresSendTimesAndLimitCapsARun(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let transport = ScriptedTransport()
        var options = DeliveryHarness.options(at: "2026-11-23T00:30:00Z", now: true)
        options.limit = 2
        #expect(try await harness.run(transport).run(options).sent == 2)
        #expect(try await harness.run(transport).run(options).sent == 1)
        #expect(try await harness.run(transport).run(options).sent == 0)
        #expect(Set(transport.recipients).count == 3 && transport.recipients.count == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func temporaryFailuresAreDeferredAndDeliveredOnceByALaterRun(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let throttled = ScriptedTransport { recipient in
            recipient == "utc@example.com" ? .success(.deferred(code: 451, reply: "451 4.7.1 try later")) : .success(.accepted(detail: "250"))
        }
        let first = try await harness.run(throttled).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect((first.sent, first.deferred) == (2, 1))
        // Before the backoff has passed, a rerun leaves it alone.
        let early = try await harness.run(throttled).run(DeliveryHarness.options(at: "2026-11-23T09:31:00Z", now: true))
        #expect((early.sent, early.deferred) == (0, 1))
        let healthy = ScriptedTransport()
        let retry = try await harness.run(healthy).run(DeliveryHarness.options(at: "2026-11-23T09:40:00Z", now: true))
        #expect((retry.sent, retry.deferred, retry.alreadySent) == (1, 0, 2))
        #expect(healthy.recipients == ["utc@example.com"])
    }

    @Test(arguments: StoreBackend.allCases)
    func permanentFailuresAreRecordedAndNeverRetried(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let rejecting = ScriptedTransport { recipient in
            recipient == "utc@example.com" ? .success(.rejected(code: 550, reply: "550 5.1.1 no such user")) : .success(.accepted(detail: "250"))
        }
        let first = try await harness.run(rejecting).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect((first.sent, first.failed, first.deferred) == (2, 1, 0))
        let healthy = ScriptedTransport()
        let again = try await harness.run(healthy).run(DeliveryHarness.options(at: "2026-11-24T09:30:00Z", now: true))
        #expect(again.sent == 0 && healthy.recipients.isEmpty)
        let problems = try await harness.database.problemDeliveries(edition: DeliveryHarness.edition)
        #expect(problems.map(\.email) == ["utc@example.com"])
        #expect(problems.first?.row.lastReply == "550 5.1.1 no such user")
    }

    @Test(arguments: StoreBackend.allCases)
    func repeatedPermanentFailuresSuppressTheAddress(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let rejecting = ScriptedTransport { recipient in
            recipient == "utc@example.com" ? .success(.rejected(code: 550, reply: "550 5.1.1 no such user")) : .success(.accepted(detail: "250"))
        }
        func send(_ edition: String, at moment: String) async throws -> SendSummary {
            var options = SendOptions(edition: Edition(edition)!, now: DeliveryHarness.at(moment))
            options.ignoreSchedule = true
            return try await harness.run(rejecting).run(options)
        }
        _ = try await send("2026-W48", at: "2026-11-23T09:30:00Z")
        #expect(try await !harness.database.isSuppressed(email: "utc@example.com"))  // one bounce can be a fluke
        _ = try await send("2026-W49", at: "2026-11-30T09:30:00Z")
        #expect(try await harness.database.isSuppressed(email: "UTC@example.com"))
        let third = try await send("2026-W50", at: "2026-12-07T09:30:00Z")
        #expect((third.sent, third.failed, third.skipped) == (2, 0, 1))
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnavailableServerStopsTheRunAndMarksNothingSent(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let down = ScriptedTransport { _ in .failure(.serverUnavailable("connection refused")) }
        await #expect(throws: DeliveryError.self) {
            _ = try await harness.run(down).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        }
        let counts = try await harness.database.deliveryCounts(edition: DeliveryHarness.edition)
        #expect(counts[.sent] == nil && counts[.sending] == nil && counts[.queued] == 3)
        let healthy = ScriptedTransport()
        #expect(try await harness.run(healthy).run(DeliveryHarness.options(at: "2026-11-23T09:35:00Z", now: true)).sent == 3)
    }

    /// Forty readers on one connection go in batches of eight rows (`ConnectionLoop.batchSize`): within a batch,
    /// accepted, refused, deferred and skipped rows follow each other, and each row ends with its own
    /// outcome, recorded once; every accepted reader got exactly one message.
    @Test(arguments: StoreBackend.allCases)
    func everyOutcomeWithinOneBatchIsRecordedForItsOwnRow(backend: StoreBackend) async throws {
        let roster = (0..<40).map { index in
            // Two readers whose digest is empty and who asked to skip empty ones.
            let empty = index == 3 || index == 17
            return Subscriber(
                email: "r\(index)@example.com", name: "R\(index)",
                preferences: empty ? Preferences(languages: ["COBOL"], skipEmpty: true) : Preferences())
        }
        let harness = try await DeliveryHarness(subscribers: roster, backend: backend)
        let script: @Sendable (Int) -> SendOutcome = { index in
            if index % 5 == 1 { return .rejected(code: 550, reply: "550 5.1.1 r\(index) no such user") }
            if index % 7 == 2 { return .deferred(code: 451, reply: "451 4.7.1 r\(index) try later") }
            return .accepted(detail: "250 ok")
        }
        let transport = ScriptedTransport { recipient in
            .success(script(Int(recipient.dropFirst().prefix { $0 != "@" })!))
        }
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 1
        let summary = try await harness.run(transport).run(options)

        let sendable = (0..<40).filter { $0 != 3 && $0 != 17 }
        let accepted = sendable.filter { if case .accepted = script($0) { true } else { false } }
        let rejected = sendable.filter { if case .rejected = script($0) { true } else { false } }
        let deferred = sendable.filter { if case .deferred = script($0) { true } else { false } }
        #expect((summary.sent, summary.failed, summary.deferred, summary.skipped)
            == (accepted.count, rejected.count, deferred.count, 2))
        #expect(transport.recipients.sorted() == accepted.map { "r\($0)@example.com" }.sorted())
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [
            .sent: accepted.count, .failed: rejected.count, .deferred: deferred.count, .skipped: 2,
        ])
        let problems = try await harness.database.problemDeliveries(edition: DeliveryHarness.edition)
        #expect(problems.count == rejected.count + deferred.count)
        for problem in problems {
            let index = Int(problem.email.dropFirst().prefix { $0 != "@" })!
            #expect(problem.row.lastReply?.contains("r\(index) ") == true, "\(problem.email): \(problem.row.lastReply ?? "")")
        }
    }

    /// The server goes away in the middle of a batch: the rows accepted before it stay `sent`, the row in
    /// hand and the rest go back to the queue (none left `sending`), and the next run sends exactly those.
    @Test(arguments: StoreBackend.allCases)
    func aServerLostMidBatchLeavesTheRestQueuedForTheNextRun(backend: StoreBackend) async throws {
        let roster = (0..<24).map { Subscriber(email: "r\($0)@example.com", name: "R\($0)") }
        let harness = try await DeliveryHarness(subscribers: roster, backend: backend)
        let failing = ScriptedTransport { recipient in
            recipient == "r9@example.com" ? .failure(.serverUnavailable("connection reset")) : .success(.accepted(detail: "250 ok"))
        }
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 1
        await #expect(throws: DeliveryError.self) { _ = try await harness.run(failing).run(options) }
        #expect(failing.recipients == (0..<9).map { "r\($0)@example.com" })
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 9, .queued: 15])

        let healthy = ScriptedTransport()
        options.now = DeliveryHarness.at("2026-11-23T09:35:00Z")
        #expect(try await harness.run(healthy).run(options).sent == 15)
        #expect(healthy.recipients == (9..<24).map { "r\($0)@example.com" })
    }

    @Test(arguments: StoreBackend.allCases)
    func rowsLeftInFlightByADeadRunAreSentAgain(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let ids = try await harness.database.subscribers(status: .active).compactMap(\.id)
        _ = try await harness.database.enqueue(edition: DeliveryHarness.edition, subscriberIDs: ids, now: Date())
        var dead = ClaimHolder.current  // a run of this machine whose process is gone
        dead.pid = 999_999
        _ = try await harness.database.claim(
            edition: DeliveryHarness.edition, now: Date(), limit: 2, subscriberIDs: nil, claimant: RowClaimant(holder: dead.description))
        let transport = ScriptedTransport()
        let summary = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect(summary.recovered == 2 && summary.sent == 3)
    }

    /// A sender elsewhere (another machine, another PID namespace) that still renews its claims keeps its
    /// rows: a run here sends the others and leaves those alone.
    @Test(arguments: StoreBackend.allCases)
    func rowsClaimedByALiveSenderElsewhereAreLeftToIt(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let ids = try await harness.database.subscribers(status: .active).compactMap(\.id)
        _ = try await harness.database.enqueue(edition: DeliveryHarness.edition, subscriberIDs: ids, now: Date())
        var elsewhere = ClaimHolder.current
        elsewhere.pidNamespace = "1"
        elsewhere.pid = 999_999
        _ = try await harness.database.claim(
            edition: DeliveryHarness.edition, now: Date(), limit: 1, subscriberIDs: nil,
            claimant: RowClaimant(holder: elsewhere.description, lifetime: 86_400))  // renewed all along, as a live sender's
        let transport = ScriptedTransport()
        let summary = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect(summary.recovered == 0 && summary.sent == 2)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 2, .sending: 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func closedEditionsAreRefused(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let transport = ScriptedTransport()
        // Week ends 2026-11-30T00:00Z; with 24 h of grace the last moment is 2026-12-01T00:00Z.
        _ = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-30T23:59:59Z", now: true))
        await #expect(throws: DeliveryError.self) {
            _ = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-12-01T00:00:00Z", now: true))
        }
    }

    /// Two runs started together on one edition share its rows (DESIGN "Scale and running on several
    /// machines"): each subscriber gets exactly one copy, and both runs do part of the work.
    @Test(arguments: StoreBackend.allCases)
    func twoRunsAtOnceShareTheEditionAndNobodyGetsTwoCopies(backend: StoreBackend) async throws {
        let roster = (1...40).map { Subscriber(email: "r\($0)@example.com", name: "R\($0)") }
        let harness = try await DeliveryHarness(subscribers: roster, backend: backend)
        let transports = (0..<2).map { _ in
            ScriptedTransport { _ in
                Thread.sleep(forTimeInterval: 0.1)  // a relay that takes its time: the runs overlap for seconds
                return .success(.accepted(detail: "250 ok"))
            }
        }
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.concurrency = 2
        let summaries = try await withThrowingTaskGroup(of: SendSummary.self) { group in
            for transport in transports {
                group.addTask { [options] in try await harness.run(transport).run(options) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let recipients = transports.flatMap(\.recipients)
        #expect(recipients.count == 40 && Set(recipients).count == 40, "\(recipients.count) sent, \(Set(recipients).count) distinct")
        #expect(transports.allSatisfy { !$0.recipients.isEmpty }, "\(transports.map(\.recipients.count))")
        #expect(summaries.map(\.sent).reduce(0, +) == 40)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition) == [.sent: 40])
    }

    @Test(arguments: StoreBackend.allCases)
    func dryRunListsWhoWouldGetWhatAndWritesNothing(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        let transport = ScriptedTransport()
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z")
        options.dryRun = true
        let summary = try await harness.run(transport).run(options)
        #expect(summary.plan.map(\.email) == ["early@example.com", "utc@example.com"])
        #expect(summary.plan.allSatisfy { $0.matching == 1 && $0.certifications == 0 })
        #expect(transport.recipients.isEmpty)
        #expect(try await harness.database.deliveryCounts(edition: DeliveryHarness.edition).isEmpty)
        #expect(summary.line.hasPrefix("2026-W48 (dry run): would send 2, already sent 0"))
    }

    @Test(arguments: StoreBackend.allCases)
    func emptyDigestsAreSkippedOnlyWhenAskedTo(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: [
            Subscriber(email: "cobol@example.com", name: "C", preferences: Preferences(languages: ["COBOL"])),
            Subscriber(email: "go@example.com", name: "G", preferences: Preferences(languages: ["Go"])),
        ], backend: backend)
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.skipEmpty = true
        let transport = ScriptedTransport()
        let summary = try await harness.run(transport).run(options)
        #expect((summary.sent, summary.skipped) == (1, 1))
        #expect(transport.recipients == ["go@example.com"])
    }

    @Test(arguments: StoreBackend.allCases)
    func subscribersWhoLeaveAfterBeingQueuedAreSkipped(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: Self.roster, backend: backend)
        var options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        options.limit = 1
        _ = try await harness.run(ScriptedTransport()).run(options)  // queues all three, sends one
        try await harness.database.unsubscribe(email: "utc@example.com", now: Date())
        let transport = ScriptedTransport()
        let summary = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T09:31:00Z", now: true))
        #expect(!transport.recipients.contains("utc@example.com"))
        #expect(summary.skipped == 1)
    }
}

struct MessageFactoryTests {
    @Test(arguments: StoreBackend.allCases)
    func previewAndSendProduceTheSameBytes(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: SendRunTests.roster, backend: backend)
        let outbox = NSTemporaryDirectory() + "gazette-outbox-\(UUID().uuidString)"
        let options = DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true)
        _ = try await harness.run(OutboxTransport(directory: outbox)).run(options)
        let subscriber = try #require(try await harness.database.subscriber(email: "utc@example.com"))
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        let preview = try harness.factory.message(content: content, subscriber: subscriber, date: options.now)
        let sent = try Data(contentsOf: URL(fileURLWithPath: "\(outbox)/\(preview.key).eml"))
        #expect(Array(sent) == preview.bytes)
        #expect(preview.messageID.hasPrefix("gazette.2026-W48.") && preview.messageID.hasSuffix("@example.com"))
        // Deterministic per (edition, subscriber): a second build gives the same Message-ID.
        #expect(try harness.factory.message(content: content, subscriber: subscriber, date: Date()).messageID == preview.messageID)
    }

    @Test(arguments: StoreBackend.allCases)
    func renderedDigestsAreSharedButNeverOutliveTheirData(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: SendRunTests.roster, backend: backend)
        let early = try #require(try await harness.database.subscriber(email: "early@example.com"))
        let utc = try #require(try await harness.database.subscriber(email: "utc@example.com"))
        let content = try await harness.database.editionContent(DeliveryHarness.edition)
        let first = try harness.factory.message(content: content, subscriber: early, date: Date())
        let second = try harness.factory.message(content: content, subscriber: utc, date: Date())
        // Same digest, each with their own greeting and links.
        #expect(first.rendered.text.contains("Hi Early,") && second.rendered.text.contains("Hi Utc,"))
        #expect(first.head.unsubscribeURIs != second.head.unsubscribeURIs)
        // The feed changes; the next computation of the edition shows it.
        var renamed = try #require(content.newOpenings.first)
        renamed.title = "Renamed Go Engineer"
        try await harness.database.upsertOpenings([renamed])
        let fresh = try harness.factory.message(
            content: try await harness.database.editionContent(DeliveryHarness.edition), subscriber: early, date: Date())
        #expect(fresh.rendered.text.contains("Renamed Go Engineer at Grid"))
    }

    /// Imports refuse such addresses, but a row written by an older version (or by hand) may hold one:
    /// it fails on its own, with the reason recorded, and the rest of the run goes on.
    @Test(arguments: StoreBackend.allCases)
    func aStoredAddressThatCannotBeSentToFailsAloneWithItsReason(backend: StoreBackend) async throws {
        let harness = try await DeliveryHarness(subscribers: [
            Subscriber(email: "bad address@example.com", name: "Bad"), Subscriber(email: "good@example.com", name: "Good"),
        ], backend: backend)
        let transport = ScriptedTransport()
        let summary = try await harness.run(transport).run(DeliveryHarness.options(at: "2026-11-23T09:30:00Z", now: true))
        #expect(summary.sent == 1 && summary.failed == 1)
        #expect(transport.recipients == ["good@example.com"])
        let problems = try await harness.database.problemDeliveries(edition: DeliveryHarness.edition)
        #expect(problems.map(\.email) == ["bad address@example.com"])
        #expect(problems.first?.row.lastReply == "invalid address")
    }
}
