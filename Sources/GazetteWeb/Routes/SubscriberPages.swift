import Foundation
import GazetteCore
import GazetteStore
import Hummingbird

/// Pages a subscriber reaches from the links in their e-mail, authorised by the signed token alone:
/// no login and no cookie. A tampered or foreign token gets a 403 and changes nothing.
struct SubscriberPages: Sendable {
    let database: AppDatabase
    let signer: LinkSigner
    let listName: String
    let now: @Sendable () -> Date

    func register(on router: Router<BasicRequestContext>) {
        // GET only shows a button: link scanners and prefetchers follow GET links, and must not unsubscribe anyone.
        router.get("/unsubscribe/:token") { _, context in
            try self.withSubscriber(context, .unsubscribe) { subscriber, token in
                if subscriber.status == .unsubscribed { return self.unsubscribedPage(subscriber) }
                return self.confirmationPage(subscriber, token: token)
            }
        }
        // RFC 8058 one-click: a POST with List-Unsubscribe=One-Click from the mail provider, or the button above.
        // 200 at once, no redirect, idempotent.
        // A bare POST (no body, or another form) is not an unsubscribe request: it gets the page with the
        // button, and changes nothing.
        router.post("/unsubscribe/:token") { request, context in
            let body = (try? await request.body.collect(upTo: 16 * 1024)).map { String(buffer: $0) } ?? ""
            let isOneClick = FormBody.parse(body).contains { $0.name == "List-Unsubscribe" && $0.value == "One-Click" }
            return try self.withSubscriber(context, .unsubscribe) { subscriber, token in
                guard isOneClick else { return self.confirmationPage(subscriber, token: token, status: .badRequest) }
                try database.unsubscribe(subscriberID: subscriber.id!, now: now())
                return self.unsubscribedPage(subscriber)
            }
        }
        router.get("/preferences/:token") { _, context in
            try self.withSubscriber(context, .preferences) { subscriber, token in
                Reply.page("Your preferences", PreferencesForm(subscriber: subscriber).page(token: token, listName: listName))
            }
        }
        router.post("/preferences/:token") { request, context in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let fields = FormBody.parse(String(buffer: body))
            return try self.withSubscriber(context, .preferences) { subscriber, token in
                var form = PreferencesForm(subscriber: subscriber)
                let errors = form.apply(fields)
                guard errors.isEmpty else {
                    return Reply.page("Your preferences", form.page(token: token, listName: listName, errors: errors), status: .badRequest)
                }
                try database.updatePreferences(
                    subscriberID: subscriber.id!, timeZone: form.timeZone, sendDay: form.sendDay, sendHour: form.sendHour,
                    preferences: form.preferences, now: now())
                return Reply.page("Your preferences", form.page(token: token, listName: listName, saved: true))
            }
        }
    }

    private func confirmationPage(_ subscriber: Subscriber, token: String, status: HTTPResponse.Status = .ok) -> Response {
        Reply.page("Unsubscribe", """
            <h1>Unsubscribe from \(HTML.escape(listName))?</h1>
            <p>\(HTML.escape(subscriber.email)) will get no more digests.</p>
            <form method="post" action="/unsubscribe/\(HTML.escape(token))">
            <input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit" id="unsubscribe">Unsubscribe</button>
            </form>
            """, status: status)
    }

    private func unsubscribedPage(_ subscriber: Subscriber) -> Response {
        Reply.page("Unsubscribed", """
            <h1 class="ok">You are unsubscribed</h1>
            <p>\(HTML.escape(subscriber.email)) will get no more \(HTML.escape(listName)) digests.</p>
            """)
    }

    /// Resolves and verifies the token, then runs `body`; 403 for anything that does not verify.
    private func withSubscriber(
        _ context: BasicRequestContext, _ purpose: LinkSigner.Purpose, _ body: (Subscriber, String) throws -> Response
    ) throws -> Response {
        let token = try context.parameters.require("token")
        guard let claim = LinkSigner.parse(token), claim.purpose == purpose,
              let subscriber = try database.subscriber(id: claim.subscriberID),
              signer.verify(token, subscriberID: claim.subscriberID, email: subscriber.email, purpose: purpose)
        else {
            return Reply.page("Link not valid", "<h1 class=\"error\">This link is not valid</h1><p>Nothing was changed. Use the link from your latest e-mail.</p>", status: .forbidden)
        }
        return try body(subscriber, token)
    }
}

/// `application/x-www-form-urlencoded` bodies, keeping repeated fields (checkboxes) in order.
enum FormBody {
    static func parse(_ body: String) -> [(name: String, value: String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            guard let name = parts.first else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
