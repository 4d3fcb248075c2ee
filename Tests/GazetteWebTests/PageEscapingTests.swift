import Foundation
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every subscriber page is a Mustache template now: hostile values must come out as text, in element
/// content and in attributes, on every page that shows them.
struct PageEscapingTests {
    static let hostile = "<script>alert(1)</script>\"'&"
    /// `hostile` as the templates must write it.
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
    /// A valid address whose `'` and `&` must be escaped on the page.
    static let address = "o'brien&co@example.com"
    static let escapedAddress = "o&#39;brien&amp;co@example.com"

    /// The signup fixture's routes, with a list name an operator could never mean as markup.
    static func app(_ s: SignupFixture) -> some ApplicationProtocol {
        var settings = WebSettings(
            host: "127.0.0.1", port: 0, operatorToken: nil, signer: s.fixture.signer, listName: "Jobs \(hostile)",
            pages: s.fixture.pages)
        settings.baseURL = "https://news.example.com"
        settings.confirmationMailer = s.mailer
        let clock = s.clock
        return Application(router: WebApp.router(
            database: s.fixture.database, previewer: FixedPreviewer(), settings: settings, now: { clock.now }))
    }

    static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        return fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }

    /// No markup from data anywhere on the page, and the page looks like ours.
    static func expectInert(_ page: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!page.lowercased().contains("<script"), "\(name): raw <script>", sourceLocation: sourceLocation)
        #expect(!page.contains("o'brien&co"), "\(name): raw address", sourceLocation: sourceLocation)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("</main>"), "\(name): not the layout", sourceLocation: sourceLocation)
    }

    @Test func everyPageEscapesHostileValues() async throws {
        let s = try await SignupFixture()
        let listName = "Jobs \(Self.escaped)"
        try await Self.app(s).test(.router) { client in
            var (status, page) = try await client.page("/subscribe")
            Self.expectInert(page, "subscribe")
            #expect(status == .ok && page.contains("<h1>Subscribe to \(listName)</h1>"))

            // The form comes back with what was typed, in attributes and error messages.
            (status, page) = try await client.form("/subscribe", Self.form([
                ("email", "\"><script>alert(1)</script>@example.com"), ("name", Self.hostile), ("languages", Self.hostile),
                ("locations", Self.hostile), ("timezone", Self.hostile), ("send_hour", "99"),
            ]))
            Self.expectInert(page, "subscribe with errors")
            #expect(status == .badRequest)
            #expect(page.contains("id=\"name\" name=\"name\" maxlength=\"200\" value=\"\(Self.escaped)\""))
            #expect(page.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com\""))
            #expect(page.contains("id=\"languages\" name=\"languages\" value=\"\(Self.escaped)\""))
            #expect(page.contains("id=\"locations\" name=\"locations\" value=\"\(Self.escaped)\""))
            #expect(page.contains("<p class=\"error\" id=\"error-timezone\">Unknown time zone \(Self.escaped). Use a name such as Europe/Berlin.</p>"))
            #expect(page.contains("id=\"error-email\">This is not an e-mail address: it contains &#39;&quot;&#39;.</p>"))
            // The unknown zone is not offered as an option either.
            #expect(!page.contains("<option value=\"\(Self.escaped)\""))

            (status, page) = try await client.form("/subscribe", String(repeating: "x", count: 20_000))
            Self.expectInert(page, "too large")
            #expect(status == .contentTooLarge)

            (status, page) = try await client.form("/subscribe", Self.form([("email", Self.address), ("name", Self.hostile)]))
            Self.expectInert(page, "check your inbox")
            #expect(status == .ok && page.contains("If this address can receive \(listName), an e-mail"))

            let confirm = SignupFixture.path(try #require(s.mailer.all.first).confirmURL)
            (status, page) = try await client.page(confirm)
            Self.expectInert(page, "confirm")
            #expect(status == .ok && page.contains("<p>Send \(listName) to \(Self.escapedAddress) every week?</p>"))
            (status, page) = try await client.form(confirm, "")
            Self.expectInert(page, "confirmed")
            #expect(status == .ok && page.contains("Your first \(listName) arrives"))

            let person = try #require(try await s.database.subscriber(email: Self.address))
            #expect(person.name == Self.hostile)
            func token(_ purpose: LinkSigner.Purpose) -> String {
                s.fixture.signer.token(subscriberID: person.id!, email: person.email, purpose: purpose)
            }
            let preferences = "/preferences/\(token(.preferences))"
            (status, page) = try await client.form(preferences, Self.form([
                ("languages", Self.hostile), ("locations", Self.hostile), ("timezone", "Etc/UTC"), ("send_day", "mon"), ("send_hour", "9"),
            ]))
            Self.expectInert(page, "preferences saved")
            #expect(status == .ok && page.contains("id=\"saved\""))
            #expect(page.contains("<h1>Your \(listName) preferences</h1>") && page.contains("<p>For \(Self.escapedAddress).</p>"))
            #expect(page.contains("id=\"languages\" name=\"languages\" value=\"\(Self.escaped)\""))
            (status, page) = try await client.form(preferences, Self.form([("timezone", Self.hostile)]))
            Self.expectInert(page, "preferences with errors")
            #expect(status == .badRequest && page.contains("id=\"error-timezone\">Unknown time zone \(Self.escaped)."))
            (status, page) = try await client.form("\(preferences)/pause", "weeks=2")
            Self.expectInert(page, "paused")
            #expect(status == .ok && page.contains("id=\"paused\""))

            (status, page) = try await client.page("/unsubscribe/\(token(.unsubscribe))")
            Self.expectInert(page, "unsubscribe")
            #expect(status == .ok && page.contains("<h1>Unsubscribe from \(listName)?</h1>"))
            #expect(page.contains("<p>\(Self.escapedAddress) will get no more digests.</p>"))
            (status, page) = try await client.form("/unsubscribe/\(token(.unsubscribe))", "List-Unsubscribe=One-Click")
            Self.expectInert(page, "unsubscribed")
            #expect(status == .ok && page.contains("<p>\(Self.escapedAddress) will get no more \(listName) digests.</p>"))

            (status, page) = try await client.page("\(preferences)/erase")
            Self.expectInert(page, "erase")
            #expect(status == .ok && page.contains("This deletes \(Self.escapedAddress), your preferences"))
            #expect(page.contains("You get no more e-mail from \(listName)."))
            (status, page) = try await client.form("\(preferences)/erase", "", headers: [.origin: "https://evil.example"])
            Self.expectInert(page, "refused")
            #expect(status == .forbidden && page.contains("Request refused"))
            (status, page) = try await client.form("\(preferences)/erase", "")
            Self.expectInert(page, "erased")
            #expect(status == .ok && page.contains("id=\"erased\""))
            (status, page) = try await client.page(preferences)
            Self.expectInert(page, "invalid link")
            #expect(status == .forbidden && page.contains("This link is not valid"))

            s.clock.advance(8 * 86_400)
            (status, page) = try await client.form("/subscribe", Self.form([("email", "later@example.com")]))
            let late = SignupFixture.path(try #require(s.mailer.all.last).confirmURL)
            s.clock.advance(8 * 86_400)
            (status, page) = try await client.page(late)
            Self.expectInert(page, "confirmation expired")
            #expect(status == .gone && page.contains("Links are valid for 7 days."))
        }
    }
}
