import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Edges found by a newcomer and by an attacker: bare POSTs, HEAD, auth scheme case, huge searches,
/// the pages of an unsubscribed person.
struct WebEdgeTests {
    @Test(arguments: ["", "confirm=yes", "List-Unsubscribe=Other"])
    func aPostWithoutOneClickDoesNotUnsubscribe(body: String) async throws {
        let fixture = try await WebFixture()
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/unsubscribe/\(fixture.token(.unsubscribe))", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                // The page offers the real button instead.
                #expect(String(buffer: response.body).contains("name=\"List-Unsubscribe\" value=\"One-Click\""))
            }
        }
        #expect(try await fixture.database.subscriber(email: "alice@example.com")?.status == .active)
    }

    @Test(arguments: StoreBackend.allCases)
    func headAnswersLikeGetWithoutABody(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        try await fixture.app().test(.router) { client in
            for uri in ["/healthz", "/", "/unsubscribe/\(fixture.token(.unsubscribe))"] {
                try await client.execute(uri: uri, method: .head) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes == 0, "\(uri)")
                }
            }
            try await client.execute(uri: "/no-such-page", method: .head) { #expect($0.status == .notFound) }
        }
        // HEAD never changes anything, even where POST would.
        #expect(try await fixture.database.subscriber(email: "alice@example.com")?.status == .active)
    }

    @Test(arguments: ["Bearer", "bearer", "BEARER", "bEaReR"])
    func theAuthSchemeIsCaseInsensitive(scheme: String) async throws {
        let fixture = try await WebFixture()
        let token = "an-operator-token-of-enough-length"
        try await fixture.app(operatorToken: token).test(.router) { client in
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "\(scheme) \(token)"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "\(scheme) wrong"]) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anOverlongSearchAnswers400(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        try await fixture.app().test(.router) { client in
            let query = String(repeating: "%25a", count: 50_000)
            try await client.execute(uri: "/subscribers?q=\(query)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("at most 320 characters"))
            }
            try await client.execute(uri: "/subscribers?q=\(String(repeating: "b", count: 320))", method: .get) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theUnsubscribedAreToldOnTheirPreferencesPage(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        try await fixture.database.unsubscribe(subscriberID: fixture.alice.id!, now: Date())
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/preferences/\(fixture.token(.preferences))", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("You are unsubscribed"))
            }
            try await client.execute(
                uri: "/preferences/\(fixture.token(.preferences))", method: .post,
                body: ByteBuffer(string: "timezone=Etc%2FUTC&send_day=mon&send_hour=9")
            ) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(page.contains("You stay unsubscribed") && !page.contains("The next digest follows"))
            }
        }
        #expect(try await fixture.database.subscriber(email: "alice@example.com")?.status == .unsubscribed)
    }
}
