import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Pause, "download my data" and "delete my data" on the preferences page, and the CSRF guard in front of them.
struct PreferencesLifecycleTests {
    @Test(arguments: [1, 2, 4])
    func pauseForWeeksThenResume(weeks: Int) async throws {
        let s = try await SignupFixture()
        let token = s.fixture.token(.preferences)
        try await s.app().test(.router) { client in
            let (shown, page) = try await client.page("/preferences/\(token)")
            #expect(shown == .ok && page.contains("id=\"pause-\(weeks)\""))
            let (status, paused) = try await client.form("/preferences/\(token)/pause", "weeks=\(weeks)")
            #expect(status == .ok && paused.contains("id=\"paused\"") && paused.contains("id=\"resume\""))
            #expect(try await s.database.subscriber(email: "alice@example.com")?.pausedUntil
                == s.clock.now.addingTimeInterval(TimeInterval(weeks * 7 * 86_400)))
            _ = try await client.form("/preferences/\(token)/pause", "weeks=0")
            #expect(try await s.database.subscriber(email: "alice@example.com")?.pausedUntil == nil)
        }
    }

    @Test(arguments: ["weeks=3", "weeks=-1", "weeks=abc", "", "weeks=100000000000000000000"])
    func otherPausesAreRefused(body: String) async throws {
        let s = try await SignupFixture()
        try await s.app().test(.router) { client in
            let (status, _) = try await client.form("/preferences/\(s.fixture.token(.preferences))/pause", body)
            #expect(status == .badRequest)
        }
        #expect(try await s.database.subscriber(email: "alice@example.com")?.pausedUntil == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func downloadGivesTheExportAsAnAttachment(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await s.app().test(.router) { client in
            try await client.execute(uri: "/preferences/\(s.fixture.token(.preferences))/data", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPFields.Element.Name("Content-Disposition")!]?.hasPrefix("attachment") == true)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                let subscriber = try #require(json["subscriber"] as? [String: Any])
                #expect(subscriber["email"] as? String == "alice@example.com")
                #expect(json["deliveries"] is [Any])
            }
            #expect(try await client.page("/preferences/\(s.fixture.token(.unsubscribe))/data").0 == .forbidden)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func eraseAsksFirstThenDeletesAndTheLinkStopsWorking(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        let token = s.fixture.token(.preferences)
        try await s.app().test(.router) { client in
            let (asked, page) = try await client.page("/preferences/\(token)/erase")
            #expect(asked == .ok && page.contains("id=\"erase\"") && page.contains("method=\"post\""))
            #expect(try await s.database.subscriber(email: "alice@example.com") != nil)
            let (status, done) = try await client.form("/preferences/\(token)/erase", "", headers: [HTTPFields.Element.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(status == .ok && done.contains("id=\"erased\""))
            #expect(try await client.page("/preferences/\(token)").0 == .forbidden)
        }
        #expect(try await s.database.subscriber(email: "alice@example.com") == nil)
        #expect(try await s.database.isSuppressed(email: "alice@example.com", signer: s.fixture.signer))
    }

    /// A page on another site that posts to the forms (CSRF) is refused by the browser's own headers.
    @Test(arguments: [
        [("Sec-Fetch-Site", "cross-site")], [("Sec-Fetch-Site", "same-site")], [("Origin", "https://evil.example")],
        [("Origin", "null")], [("Origin", "https://news.example.com.evil.example")],
    ])
    func crossSitePostsAreRefused(headers: [(String, String)]) async throws {
        let s = try await SignupFixture()
        let token = s.fixture.token(.preferences)
        let fields: HTTPFields = {
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPFields.Element.Name(name)!] = value }
            return fields
        }()
        try await s.app().test(.router) { client in
            for path in ["/preferences/\(token)/erase", "/preferences/\(token)/pause", "/preferences/\(token)"] {
                let (status, page) = try await client.form(path, "weeks=1&timezone=Etc%2FUTC&send_day=mon&send_hour=3", headers: fields)
                #expect(status == .forbidden && page.contains("Request refused"), "\(path)")
            }
        }
        let alice = try #require(try await s.database.subscriber(email: "alice@example.com"))
        #expect(alice.pausedUntil == nil && alice.sendHour == 8)
    }

    @Test(arguments: StoreBackend.allCases)
    func sameOriginPostsAreAccepted(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        let token = s.fixture.token(.preferences)
        try await s.app().test(.router) { client in
            let variants: [HTTPFields] = [
                [HTTPFields.Element.Name("Sec-Fetch-Site")!: "same-origin"], [.origin: "https://news.example.com"], [:],
            ]
            for headers in variants {
                let (status, _) = try await client.form("/preferences/\(token)/pause", "weeks=1", headers: headers)
                #expect(status == .ok)
            }
        }
    }
}

struct ViewInBrowserTests {
    @Test(arguments: StoreBackend.allCases)
    func viewLinkShowsTheDigestOfItsEditionAndRefusesOthers(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        let alice = s.fixture.alice
        let edition = try #require(Edition("2026-W48"))
        let links = SubscriberLinks(
            baseURL: "https://news.example.com", mailbox: "digest@example.com", signer: s.fixture.signer,
            subscriberID: alice.id!, email: alice.email, edition: edition)
        let path = SignupFixture.path(links.view)
        #expect(path.hasPrefix("/view/\(alice.id!).v.2026-W48."))
        try await s.app().test(.router) { client in
            let (status, page) = try await client.page(path)
            #expect(status == .ok && page.contains("<h1>Senior Go Engineer</h1>"))
            let otherWeek = path.replacingOccurrences(of: "2026-W48", with: "2026-W49")
            #expect(try await client.page(otherWeek).0 == .forbidden)
            let bob = try #require(try await s.database.subscriber(email: "bob@example.com"))
            let foreign = path.replacingOccurrences(of: "/view/\(alice.id!).", with: "/view/\(bob.id!).")
            #expect(try await client.page(foreign).0 == .forbidden)
            #expect(try await client.page("/view/\(s.fixture.token(.preferences))").0 == .forbidden)
            s.clock.advance(SubscriberLinks.viewLifetime + 7 * 86_400)
            #expect(try await client.page(path).0 == .gone)
        }
    }
}
