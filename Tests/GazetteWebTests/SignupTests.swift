import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Records confirmation e-mails instead of sending them.
final class RecordingMailer: ConfirmationMailer {
    struct Sent: Sendable {
        var email: String
        var name: String
        var confirmURL: String
    }
    private let sent = Mutex<[Sent]>([])
    var all: [Sent] { sent.withLock { $0 } }

    func sendConfirmation(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws {
        sent.withLock { $0.append(Sent(email: subscriber.email, name: subscriber.name, confirmURL: confirmURL)) }
    }
}

/// A clock the test moves.
final class TestClock: Sendable {
    private let moment = Mutex(Timestamp.parse("2026-11-20T12:00:00Z")!)
    var now: Date { moment.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { moment.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

struct SignupFixture {
    let fixture: WebFixture
    let mailer = RecordingMailer()
    let clock = TestClock()
    var database: any Store { fixture.database }

    init(backend: StoreBackend = .sqlite) async throws { fixture = try await WebFixture(backend: backend) }

    func app() -> some ApplicationProtocol {
        var settings = WebSettings(host: "127.0.0.1", port: 0, operatorToken: nil, signer: fixture.signer, listName: "Backend Jobs Weekly",
            pages: fixture.pages)
        settings.baseURL = "https://news.example.com"
        settings.confirmationMailer = mailer
        let clock = self.clock
        return Application(router: WebApp.router(
            database: fixture.database, previewer: FixedPreviewer(), settings: settings, now: { clock.now }))
    }

    /// The path of a confirmation URL (`/confirm/TOKEN`).
    static func path(_ url: String) -> String { String(url.dropFirst("https://news.example.com".count)) }
}

extension TestClientProtocol {
    func form(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
        var all = headers
        all[.contentType] = "application/x-www-form-urlencoded"
        return try await execute(uri: uri, method: .post, headers: all, body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
        try await execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body)) }
    }
}

struct SignupTests {
    static let valid = "email=New%40Example.com&name=Nia+N%C3%BA%C3%B1ez&languages=Go%3BRust&levels=senior%3Blead&levels=mid"
        + "&remote_only=on&locations=Berlin&min_salary=120000&timezone=America%2FNew_York&send_day=tue&send_hour=7"

    @Test(arguments: StoreBackend.allCases)
    func formListsTimeZonesAndTheCsvFields(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            let (status, page) = try await client.page("/subscribe")
            #expect(status == .ok)
            #expect(page.contains("<select id=\"timezone\" name=\"timezone\">"))
            #expect(page.contains("value=\"Europe/Berlin\"") && page.contains("value=\"Etc/UTC\" selected"))
            for field in ["email", "name", "languages", "levels", "remote_only", "locations", "min_salary", "send_day", "send_hour"] {
                #expect(page.contains("name=\"\(field)\""), "\(field)")
            }
            #expect(!page.contains("<script"))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func signupStoresPendingAndMailsOneConfirmationThenConfirmActivates(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            let (status, page) = try await client.form("/subscribe", Self.valid)
            #expect(status == .ok && page.contains("id=\"check-inbox\""))
            let pending = try #require(try await s.database.subscriber(email: "new@example.com"))
            #expect(pending.status == .pending && pending.name == "Nia Núñez")
            #expect(pending.preferences.languages == ["Go", "Rust"])
            #expect(Set(pending.preferences.levels) == [.senior, .lead, .mid])
            #expect(pending.timeZone == "America/New_York" && pending.sendDay == .tuesday && pending.sendHour == 7)
            #expect(pending.preferences.remoteOnly && pending.preferences.minSalary == 120_000)
            let mail = try #require(s.mailer.all.first)
            #expect(s.mailer.all.count == 1 && mail.email == "New@Example.com")
            #expect(mail.confirmURL.hasPrefix("https://news.example.com/confirm/\(pending.id!).c."))

            // GET shows a button and changes nothing (link scanners).
            let path = SignupFixture.path(mail.confirmURL)
            let (shown, button) = try await client.page(path)
            #expect(shown == .ok && button.contains("id=\"confirm\"") && button.contains("method=\"post\""))
            #expect(try await s.database.subscriber(email: "new@example.com")?.status == .pending)
            // POST activates, and a replay is harmless.
            for _ in 0..<2 {
                let (confirmed, done) = try await client.form(path, "")
                #expect(confirmed == .ok && done.contains("id=\"confirmed\""))
            }
            #expect(try await s.database.subscriber(email: "new@example.com")?.status == .active)
        }
    }

    @Test(arguments: ["new", "pending", "active", "unsubscribed", "suppressed"])
    func everyAddressGetsTheSamePage(state: String) async throws {
        let s = try await SignupFixture()
        let email = "\(state)@example.com"
        switch state {
        case "pending": _ = try await s.database.requestSignup(Subscriber(email: email, name: ""), now: s.clock.now.addingTimeInterval(-3600))
        case "active": _ = try await s.database.importSubscribers([Subscriber(email: email, name: "")], now: s.clock.now)
        case "unsubscribed":
            _ = try await s.database.importSubscribers([Subscriber(email: email, name: "", status: .unsubscribed)], now: s.clock.now)
        case "suppressed": try await s.database.suppress(email: email, reason: "hard bounce", now: s.clock.now)
        default: break
        }
        try await s.app().test(.router) { client in
            let (status, page) = try await client.form("/subscribe", "email=\(state)%40example.com")
            #expect(status == .ok)
            let reference = try await client.form("/subscribe", "email=reference%40example.com").1
            #expect(page == reference)
        }
        let mailed = s.mailer.all.filter { $0.email == email }.count
        #expect(mailed == (["new", "pending", "unsubscribed"].contains(state) ? 1 : 0))
    }

    @Test(arguments: StoreBackend.allCases)
    func tenThousandSignupsForOneAddressSendOneMail(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for batch in 0..<10 {
                    group.addTask {
                        var worst = HTTPResponse.Status.ok
                        for i in 0..<1_000 {
                            let email = (batch + i) % 2 == 0 ? "flood%40example.com" : "FLOOD%40Example.COM"
                            let status = try await client.form("/subscribe", "email=\(email)&name=x").0
                            if status != .ok { worst = status }
                        }
                        return worst
                    }
                }
                for try await status in group { #expect(status == .ok) }
            }
        }
        #expect(s.mailer.all.count == 1)
        #expect(try await s.database.subscribers().filter { $0.email.lowercased() == "flood@example.com" }.count == 1)
        // Ten minutes later the person may ask again.
        s.clock.advance(601)
        try await s.app().test(.router) { client in
            _ = try await client.form("/subscribe", "email=flood%40example.com")
        }
        #expect(s.mailer.all.count == 2)
    }

    @Test(arguments: [
        ("email=", "email"),
        ("email=not-an-address", "email"),
        ("email=a%40b", "email"),
        ("email=victim%40example.com%0D%0ABcc%3A+many%40example.com", "email"),
        ("email=victim%40example.com%0ARCPT+TO%3A%3Cx%40y.z%3E", "email"),
        ("email=a%40example.com&name=Eve%0D%0ABcc%3A+many%40example.com", "name"),
        ("email=a%40example.com&name=Eve%0ASubject%3A+spam", "name"),
        ("email=a%40example.com&name=Eve%E2%80%A8Subject%3A+spam", "name"),
        ("email=a%40example.com&name=Eve%C2%85Bcc%3A+x%40y.z", "name"),
        ("email=a%40example.com&name=" + String(repeating: "n", count: 201), "name"),
        ("email=a%40example.com&timezone=Mars%2FOlympus", "timezone"),
        ("email=a%40example.com&send_hour=24", "send_hour"),
        ("email=a%40example.com&levels=wizard", "levels"),
        ("email=a%40example.com&min_salary=-5", "min_salary"),
    ])
    func fieldErrorsAnswer400WithTheFormAndStoreNothing(body: String, field: String) async throws {
        let s = try await SignupFixture()
        try await s.app().test(.router) { client in
            let (status, page) = try await client.form("/subscribe", body)
            #expect(status == .badRequest)
            #expect(page.contains("id=\"error-\(field)\""))
            #expect(page.contains("<form method=\"post\" action=\"/subscribe\">"))
        }
        #expect(try await s.database.subscribers().count == 2)  // the fixture's two
        #expect(s.mailer.all.isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func valuesComeBackEscapedInTheForm(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            let (status, page) = try await client.form("/subscribe", "email=%3Cscript%3E&name=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            #expect(status == .badRequest)
            #expect(!page.contains("<script>"))
            #expect(page.contains("&lt;script&gt;"))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func oversizedBodyIsRefused(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            let body = "email=a%40example.com&name=" + String(repeating: "x", count: 100_000)
            let (status, _) = try await client.form("/subscribe", body)
            #expect(status == .contentTooLarge)
        }
        #expect(try await s.database.subscriber(email: "a@example.com") == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func expiredTamperedAndForeignConfirmationLinks(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            _ = try await client.form("/subscribe", "email=late%40example.com")
            _ = try await client.form("/subscribe", "email=other%40example.com")
            let late = SignupFixture.path(try #require(s.mailer.all.first { $0.email == "late@example.com" }).confirmURL)
            let other = SignupFixture.path(try #require(s.mailer.all.first { $0.email == "other@example.com" }).confirmURL)
            let tampered = String(late.dropLast()) + (late.last == "A" ? "B" : "A")
            let otherID = other.split(separator: "/").last!.split(separator: ".")[0]
            // The other person's id with this person's expiry and signature.
            let lateToken: String = String(late.split(separator: "/").last!)
            let rest: [String] = lateToken.split(separator: ".", omittingEmptySubsequences: false).dropFirst().map { String($0) }
            let foreign: String = "/confirm/" + ([String(otherID)] + rest).joined(separator: ".")
            let preferences = "/confirm/" + s.fixture.token(.preferences)
            for path in [tampered, foreign, preferences, "/confirm/garbage", "/confirm/1.c..99999999999.AAAA"] {
                #expect(try await client.page(path).0 == .forbidden, "\(path)")
                #expect(try await client.form(path, "").0 == .forbidden, "\(path)")
            }
            s.clock.advance(7 * 86_400 + 1)
            let (status, page) = try await client.page(late)
            #expect(status == .gone && page.contains("href=\"/subscribe\""))
            #expect(try await client.form(late, "").0 == .gone)
        }
        #expect(try await s.database.subscriber(email: "late@example.com")?.status == .pending)
        #expect(try await s.database.subscriber(email: "other@example.com")?.status == .pending)
    }

    @Test(arguments: StoreBackend.allCases)
    func crossSiteConfirmationPostIsRefused(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            _ = try await client.form("/subscribe", "email=x%40example.com")
            let path = SignupFixture.path(try #require(s.mailer.all.first).confirmURL)
            #expect(try await client.form(path, "", headers: [HTTPFields.Element.Name("Sec-Fetch-Site")!: "cross-site"]).0 == .forbidden)
            #expect(try await client.form(path, "", headers: [.origin: "https://evil.example"]).0 == .forbidden)
            #expect(try await client.form(path, "", headers: [.origin: "https://news.example.com"]).0 == .ok)
        }
    }
}
