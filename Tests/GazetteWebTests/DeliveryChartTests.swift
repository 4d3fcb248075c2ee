import Foundation
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The operator index's chart of each edition's sent, deferred, failed, bounced and complained rows.
struct DeliveryChartTests {
    @Test func indexDrawsEachEditionsLedgerCountsAsSVG() async throws {
        let fixture = try await WebFixture()
        let bob = try #require(try await fixture.database.subscriber(email: "bob@example.com"))
        let now = Date()
        let w47 = Edition("2026-W47")!, w48 = Edition("2026-W48")!
        _ = try await fixture.database.enqueue(edition: w47, subscriberIDs: [fixture.alice.id!, bob.id!], now: now)
        let tickets = try await fixture.database.claim(edition: w47, now: now, limit: 10)
        try await fixture.database.recordSent(deliveryID: tickets[0].id, messageID: "<a@example.com>", now: now)
        try await fixture.database.recordFailed(deliveryID: tickets[1].id, code: 550, reply: "no such user", now: now)
        _ = try await fixture.database.enqueue(edition: w48, subscriberIDs: [fixture.alice.id!], now: now)
        let deferred = try await fixture.database.claim(edition: w48, now: now, limit: 10)
        try await fixture.database.recordDeferred(deliveryID: deferred[0].id, code: 451, reply: "later", retryAt: now + 600, now: now)

        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                let svg = try #require(page.components(separatedBy: "<svg ").dropFirst().first, "no chart on the index")
                #expect(svg.contains("id=\"delivery-chart\" role=\"img\""))
                #expect(svg.contains("<title>2026-W47 sent: 1</title>"))
                #expect(svg.contains("<title>2026-W47 failed: 1</title>"))
                #expect(svg.contains("<title>2026-W48 deferred: 1</title>"))
                #expect(svg.contains("aria-label=\"Deliveries per edition. "))
                // Each bar ends with its total.
                #expect(svg.contains(" font-size=\"12\">2</text>") && svg.contains(" font-size=\"12\">1</text>"))
                #expect(svg.contains("2026-W47: 1 sent, 0 deferred, 1 failed, 0 bounced, 0 complained"))
                for state in ["sent", "deferred", "failed", "bounced", "complained"] {
                    #expect(svg.contains(">\(state)</text>"), "legend: \(state)")
                }
                #expect(!page.contains("<script"))
                // The chart sits above the table with the same numbers.
                #expect(page.range(of: "<svg ")!.lowerBound < page.range(of: "<table>")!.lowerBound)
            }
        }
    }

    @Test func noLedgerRowsNoChart() async throws {
        let fixture = try await WebFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!page.contains("<svg"))
                #expect(page.contains("<h2>Editions</h2>"))
            }
        }
    }
}
