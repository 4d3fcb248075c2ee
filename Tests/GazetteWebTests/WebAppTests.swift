import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteTemplates
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A previewer for the routes' sake; that previews equal sent messages is tested where both are built.
struct FixedPreviewer: DigestPreviewer {
    func preview(subscriber: Subscriber, edition: Edition) async throws -> DigestPreview {
        DigestPreview(
            subject: "Backend Jobs Weekly \(edition): 1 new opening for you",
            text: "Hi \(subscriber.name),\n- Senior Go Engineer at Grid\n",
            html: "<html><body><h1>Senior Go Engineer</h1><script>alert(1)</script></body></html>",
            eml: Array("Subject: test\r\n\r\nbody\r\n".utf8), fileName: "\(edition)-\(subscriber.id!).eml")
    }
}

struct WebFixture {
    let database: any Store
    let signer = LinkSigner(secret: "web-secret")
    let alice: Subscriber
    /// The page templates Gazette ships (`Templates/pages/`).
    let pages: PageTemplates

    /// The repository's `Templates` folder (this file is `Tests/GazetteWebTests/WebAppTests.swift`).
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Templates").path

    init(backend: StoreBackend = .sqlite) async throws {
        pages = try PageTemplates(directory: Self.templates)
        database = try await backend.makeStore()
        _ = try await database.importSubscribers(
            [
                Subscriber(email: "alice@example.com", name: "Alice <b>Bold</b>", timeZone: "Europe/Berlin", sendHour: 8),
                Subscriber(email: "bob@example.com", name: "Bob"),
            ], now: Date())
        alice = try #require(try await database.subscriber(email: "alice@example.com"))
    }

    func token(_ purpose: LinkSigner.Purpose, for subscriber: Subscriber? = nil) -> String {
        let s = subscriber ?? alice
        return signer.token(subscriberID: s.id!, email: s.email, purpose: purpose)
    }

    func app(operatorToken: String? = nil, host: String = "127.0.0.1") -> some ApplicationProtocol {
        Application(router: WebApp.router(
            database: database, previewer: FixedPreviewer(),
            settings: WebSettings(
                host: host, port: 0, operatorToken: operatorToken, signer: signer, listName: "Backend Jobs Weekly", pages: pages)))
    }
}

struct UnsubscribeTests {
    @Test(arguments: StoreBackend.allCases)
    func getShowsAConfirmationButtonAndChangesNothing(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/unsubscribe/\(fixture.token(.unsubscribe))", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("<button type=\"submit\" id=\"unsubscribe\">Unsubscribe</button>"))
                #expect(page.contains("method=\"post\""))
            }
        }
        #expect(try await fixture.database.subscriber(email: "alice@example.com")?.status == .active)
    }

    @Test(arguments: StoreBackend.allCases)
    func oneClickPostUnsubscribesAtOnceWithoutRedirectAndIsIdempotent(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        try await fixture.app().test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/unsubscribe/\(fixture.token(.unsubscribe))", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "List-Unsubscribe=One-Click")
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.location] == nil)
                    #expect(response.headers[.setCookie] == nil)
                    #expect(String(buffer: response.body).contains("You are unsubscribed"))
                }
            }
        }
        #expect(try await fixture.database.subscriber(email: "alice@example.com")?.status == .unsubscribed)
        #expect(try await fixture.database.subscriber(email: "bob@example.com")?.status == .active)
    }

    @Test(arguments: ["tampered", "foreign", "wrong purpose", "garbage"])
    func invalidTokensGet403AndChangeNothing(kind: String) async throws {
        let fixture = try await WebFixture()
        let bob = try #require(try await fixture.database.subscriber(email: "bob@example.com"))
        let valid = fixture.token(.unsubscribe)
        let token: String
        switch kind {
        case "tampered": token = String(valid.dropLast()) + (valid.last == "A" ? "B" : "A")
        case "foreign":  // Bob's signature with Alice's id
            token = "\(fixture.alice.id!).u." + fixture.token(.unsubscribe, for: bob).split(separator: ".")[2]
        case "wrong purpose": token = fixture.token(.preferences)
        default: token = "not-a-token"
        }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/unsubscribe/\(token)", method: .post, body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(try await fixture.database.subscribers(status: .unsubscribed).isEmpty)
    }
}

struct PreferencesPageTests {
    @Test(arguments: StoreBackend.allCases)
    func savesValidChoices(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let body = "languages=Go%2C+Python&levels=senior&levels=lead&remote_only=on&locations=Berlin&min_salary=150000&timezone=Asia%2FKolkata&send_day=fri&send_hour=7"
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/preferences/\(fixture.token(.preferences))", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("For alice@example.com.") && page.contains("value=\"Europe/Berlin\""))
            }
            try await client.execute(
                uri: "/preferences/\(fixture.token(.preferences))", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("id=\"saved\""))
            }
        }
        let saved = try #require(try await fixture.database.subscriber(email: "alice@example.com"))
        #expect(saved.preferences.languages == ["Go", "Python"])
        #expect(saved.preferences.levels == [.senior, .lead])
        #expect(saved.preferences.remoteOnly && saved.preferences.minSalary == 150_000)
        #expect(saved.preferences.locations == ["Berlin"])
        #expect(saved.timeZone == "Asia/Kolkata" && saved.sendDay == .friday && saved.sendHour == 7)
    }

    @Test(arguments: StoreBackend.allCases)
    func refusesInvalidChoicesWithClearMessagesAndSavesNothing(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let body = "languages=Go&timezone=Mars%2FOlympus&send_day=someday&send_hour=25&min_salary=lots&levels=wizard"
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/preferences/\(fixture.token(.preferences))", method: .post, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let page = String(buffer: response.body)
                for field in ["timezone", "send_day", "send_hour", "min_salary", "levels"] {
                    #expect(page.contains("id=\"error-\(field)\""), "\(field)")
                }
                #expect(page.contains("Unknown time zone Mars/Olympus"))
            }
        }
        let unchanged = try #require(try await fixture.database.subscriber(email: "alice@example.com"))
        #expect(unchanged == fixture.alice)
    }
}

struct OperatorPagesTests {
    @Test(arguments: StoreBackend.allCases)
    func previewFramesTheDigestInASandbox(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let id = fixture.alice.id!
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/preview/2026-W48/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("<iframe sandbox=\"\" title=\"HTML part\" src=\"/preview/2026-W48/\(id)/html\">"))
                #expect(page.contains("Alice &lt;b&gt;Bold&lt;/b&gt;"))
                #expect(!page.contains("<b>Bold</b>"))
            }
            try await client.execute(uri: "/preview/2026-W48/\(id)/html", method: .get) { response in
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("sandbox;") == true)
            }
            try await client.execute(uri: "/preview/2026-W48/\(id)/eml", method: .get) { response in
                #expect(response.headers[.contentType] == "message/rfc822")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"2026-W48-\(id).eml\"")
                #expect(String(buffer: response.body) == "Subject: test\r\n\r\nbody\r\n")
            }
            try await client.execute(uri: "/preview/2025-W53/\(id)", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/subscribers?q=BOB", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("bob@example.com") && !page.contains("alice@example.com"))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func operatorTokenGuardsOperatorPagesButNotSubscriberPages(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let basic = "Basic " + Data("operator:s3cret".utf8).base64EncodedString()
        try await fixture.app(operatorToken: "s3cret").test(.router) { client in
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer wrong"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: basic]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer s3cret"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/unsubscribe/\(fixture.token(.unsubscribe))", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func refusesToServeOperatorPagesBeyondLoopbackWithoutAToken(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let settings = WebSettings(host: "0.0.0.0", port: 8080, operatorToken: nil, signer: fixture.signer, listName: "x", pages: fixture.pages)
        #expect(throws: WebError.self) {
            _ = try WebApp.application(database: fixture.database, previewer: FixedPreviewer(), settings: settings, logger: Logger(label: "t"))
        }
    }
}

struct HealthAndMetricsTests {
    @Test(arguments: StoreBackend.allCases)
    func metricsReportLedgerTotalsAndTheLastRun(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let edition = Edition("2026-W48")!
        let ids = try await fixture.database.subscribers().compactMap(\.id)
        _ = try await fixture.database.enqueue(edition: edition, subscriberIDs: ids, now: Date())
        let tickets = try await fixture.database.claim(edition: edition, now: Date(), limit: 2)
        try await fixture.database.recordSent(deliveryID: tickets[0].id, messageID: "m", now: Date())
        try await fixture.database.recordFailed(deliveryID: tickets[1].id, code: 550, reply: "no", now: Date())
        try await fixture.database.recordRun(SendRunRecord(edition: "2026-W48", startedAt: Date(timeIntervalSince1970: 1_795_000_000), seconds: 1.5, sent: 1, deferred: 0, failed: 1, skipped: 0))
        try await fixture.app().test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("gazette_messages_sent_total 1\n"))
                #expect(text.contains("gazette_messages_failed_total 1\n"))
                #expect(text.contains("gazette_messages_deferred_total 0\n"))
                #expect(text.contains("gazette_last_run_timestamp_seconds 1795000000.0\n"))
                #expect(text.contains("gazette_last_run_duration_seconds 1.5\n"))
                #expect(text.contains("gazette_active_subscribers 2.0\n"))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func metricsCountBouncedAndComplainedMessagesAmongTheSentOnes(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let edition = Edition("2026-W48")!
        let ids = try await fixture.database.subscribers().compactMap(\.id)
        _ = try await fixture.database.enqueue(edition: edition, subscriberIDs: ids, now: Date())
        for ticket in try await fixture.database.claim(edition: edition, now: Date(), limit: 2) {
            try await fixture.database.recordSent(deliveryID: ticket.id, messageID: "m\(ticket.id)", now: Date())
        }
        _ = try await fixture.database.record(
            .hardBounce, for: DeliveryReference(edition: edition, subscriberID: ids[0]), diagnostic: "5.1.1", now: Date())
        _ = try await fixture.database.record(
            .complaint, for: DeliveryReference(edition: edition, subscriberID: ids[1]), diagnostic: "abuse", now: Date())
        try await fixture.app().test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                // Accepted messages stay counted as sent after a report comes back.
                #expect(text.contains("gazette_messages_sent_total 2\n"), "\(text)")
                #expect(text.contains("gazette_messages_bounced_total 1\n"), "\(text)")
                #expect(text.contains("gazette_messages_complained_total 1\n"), "\(text)")
            }
        }
    }
}
