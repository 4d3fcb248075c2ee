import Foundation
import GazetteCore
import GazetteStore
import GazetteTemplates
import Hummingbird
import NIOCore

/// Pages a subscriber reaches from the links in their e-mail, authorised by the signed token alone:
/// no login and no cookie. A tampered or foreign token gets a 403 and changes nothing.
struct SubscriberPages: Sendable {
    let database: any Store
    let signer: LinkSigner
    let pages: PageRenderer
    let baseURL: String
    let now: @Sendable () -> Date
    /// Pauses the preferences page offers, in weeks.
    static let pauseWeeks = [1, 2, 4]

    func register(on router: Router<BasicRequestContext>) {
        // GET only shows a button: link scanners and prefetchers follow GET links, and must not unsubscribe anyone.
        router.get("/unsubscribe/:token") { _, context in
            try await self.withSubscriber(context, .unsubscribe) { subscriber, token in
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
            return try await self.withSubscriber(context, .unsubscribe) { subscriber, token in
                guard isOneClick else { return self.confirmationPage(subscriber, token: token, status: .badRequest) }
                try await database.unsubscribe(subscriberID: subscriber.id!, now: now())
                return self.unsubscribedPage(subscriber)
            }
        }
        router.get("/preferences/:token") { _, context in
            try await self.withSubscriber(context, .preferences) { subscriber, token in
                preferencesPage(subscriber, token: token, form: PreferencesForm(subscriber: subscriber))
            }
        }
        router.post("/preferences/:token") { request, context in
            guard SameOriginCheck.allows(request, baseURL: baseURL) else { return pages.crossSiteRefused() }
            let body = try await request.body.collect(upTo: 64 * 1024)
            let fields = FormBody.parse(String(buffer: body))
            return try await self.withSubscriber(context, .preferences) { subscriber, token in
                var form = PreferencesForm(subscriber: subscriber)
                let errors = form.apply(fields)
                guard errors.isEmpty else {
                    return preferencesPage(subscriber, token: token, form: form, errors: errors, status: .badRequest)
                }
                try await database.updatePreferences(
                    subscriberID: subscriber.id!, timeZone: form.timeZone, sendDay: form.sendDay, sendHour: form.sendHour,
                    preferences: form.preferences, now: now())
                return preferencesPage(subscriber, token: token, form: form, saved: true)
            }
        }
        router.post("/preferences/:token/pause") { request, context in
            guard SameOriginCheck.allows(request, baseURL: baseURL) else { return pages.crossSiteRefused() }
            let body = try await request.body.collect(upTo: 4 * 1024)
            let weeks = FormBody.parse(String(buffer: body)).last { $0.name == "weeks" }.flatMap { Int($0.value) }
            return try await self.withSubscriber(context, .preferences) { subscriber, token in
                guard let weeks, weeks == 0 || Self.pauseWeeks.contains(weeks) else {
                    return preferencesPage(subscriber, token: token, form: PreferencesForm(subscriber: subscriber), status: .badRequest)
                }
                var paused = subscriber
                paused.pausedUntil = weeks == 0 ? nil : now().addingTimeInterval(TimeInterval(weeks) * 7 * 86_400)
                try await database.pause(subscriberID: subscriber.id!, until: paused.pausedUntil, now: now())
                return preferencesPage(paused, token: token, form: PreferencesForm(subscriber: paused))
            }
        }
        // "Download my data": the same JSON as `gazette subscribers export`.
        router.get("/preferences/:token/data") { _, context in
            try await self.withSubscriber(context, .preferences) { subscriber, _ in
                guard let data = try await database.personalData(email: subscriber.email) else { return pages.invalidLink() }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/json; charset=utf-8",
                        HTTPFields.Element.Name("Content-Disposition")!: "attachment; filename=\"gazette-my-data.json\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try data.json())))
            }
        }
        // "Delete my data": GET asks, POST erases (scanners follow GET links).
        router.get("/preferences/:token/erase") { _, context in
            try await self.withSubscriber(context, .preferences) { subscriber, token in
                pages.respond(.erase, SubscriberPageView(listName: pages.listName, email: subscriber.email, token: token))
            }
        }
        router.post("/preferences/:token/erase") { request, context in
            guard SameOriginCheck.allows(request, baseURL: baseURL) else { return pages.crossSiteRefused() }
            return try await self.withSubscriber(context, .preferences) { subscriber, _ in
                try await database.erase(email: subscriber.email, now: now(), signer: signer)
                return pages.respond(.erased)
            }
        }
    }

    /// The preferences form, then pause, download and delete.
    private func preferencesPage(
        _ subscriber: Subscriber, token: String, form: PreferencesForm, errors: [String: String] = [:], saved: Bool = false,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var pausedUntil: String?
        if let until = subscriber.pausedUntil, until > now() {
            pausedUntil = Timestamp.formatDay(CivilDate(daysSinceEpoch: Int((until.timeIntervalSince1970 / 86_400).rounded(.down))))
        }
        let pauses = Self.pauseWeeks.map { PreferencesPageView.Pause(weeks: $0, label: "Pause for \($0) week\($0 == 1 ? "" : "s")") }
        let view = form.view(
            token: token, listName: pages.listName, errors: errors, saved: saved, pausedUntil: pausedUntil, pauses: pauses)
        return pages.respond(.preferences, view, status: status)
    }

    private func confirmationPage(_ subscriber: Subscriber, token: String, status: HTTPResponse.Status = .ok) -> Response {
        pages.respond(.unsubscribe, SubscriberPageView(listName: pages.listName, email: subscriber.email, token: token), status: status)
    }

    private func unsubscribedPage(_ subscriber: Subscriber) -> Response {
        pages.respond(.unsubscribed, SubscriberPageView(listName: pages.listName, email: subscriber.email, token: ""))
    }

    /// Resolves and verifies the token, then runs `body`; 403 for anything that does not verify.
    private func withSubscriber(
        _ context: BasicRequestContext, _ purpose: LinkSigner.Purpose, _ body: (Subscriber, String) async throws -> Response
    ) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let claim = LinkSigner.parse(token), claim.purpose == purpose,
              let subscriber = try await database.subscriber(id: claim.subscriberID),
              signer.verify(token, subscriberID: claim.subscriberID, email: subscriber.email, purpose: purpose)
        else {
            return pages.invalidLink()
        }
        return try await body(subscriber, token)
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
