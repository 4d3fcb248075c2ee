import Foundation
import GazetteCore
import GazetteStore
import Hummingbird
import Logging
import NIOCore

/// Signup with double opt-in: `/subscribe` and `/confirm/TOKEN`.
///
/// Nobody can learn from these pages who is on the list: a new, pending, active, unsubscribed or suppressed
/// address gets the same "check your inbox" page. Only the mail differs, and only the address's owner sees it.
struct SignupPages: Sendable {
    /// The confirmation link works this long.
    static let confirmationLifetime: TimeInterval = 7 * 86_400
    /// Form bodies are small; anything larger is refused before it is read whole.
    static let maximumBody = 16 * 1024

    let database: any Store
    let signer: LinkSigner
    let listName: String
    let baseURL: String
    let mailer: (any ConfirmationMailer)?
    let now: @Sendable () -> Date

    func register(on router: Router<BasicRequestContext>) {
        router.get("/subscribe") { _, _ in
            Reply.page("Subscribe", SignupForm().page(listName: listName))
        }
        router.post("/subscribe") { request, context in
            guard let body = try? await request.body.collect(upTo: Self.maximumBody) else {
                return Reply.page("Too large", "<h1 class=\"error\">This form is too large</h1><p><a href=\"/subscribe\">Back to the form</a></p>", status: .contentTooLarge)
            }
            var form = SignupForm()
            let errors = form.apply(FormBody.parse(String(buffer: body)))
            guard errors.isEmpty else {
                return Reply.page("Subscribe", form.page(listName: listName, errors: errors), status: .badRequest)
            }
            try await signUp(form.subscriber, context: context)
            return checkInboxPage()
        }
        // GET only shows the button: mail scanners and link previews follow links, and must not confirm anyone.
        router.get("/confirm/:token") { _, context in
            try await withConfirmation(context) { subscriber, token in
                if subscriber.status == .active { return confirmedPage() }
                return Reply.page("Confirm your subscription", """
                    <h1>Confirm your subscription</h1>
                    <p>Send \(HTML.escape(listName)) to \(HTML.escape(subscriber.email)) every week?</p>
                    <form method="post" action="/confirm/\(HTML.escape(token))">
                    <button type="submit" id="confirm">Yes, subscribe me</button>
                    </form>
                    """)
            }
        }
        router.post("/confirm/:token") { request, context in
            guard SameOriginCheck.allows(request, baseURL: baseURL) else { return Reply.crossSiteRefused() }
            return try await withConfirmation(context) { subscriber, _ in
                guard try await database.confirmSubscription(subscriberID: subscriber.id!, now: now(), signer: signer) != nil else {
                    return Reply.invalidLink()
                }
                return confirmedPage()
            }
        }
    }

    /// Records the signup and sends the confirmation it owes, if any. A transport failure is logged, not
    /// shown: the page must not differ by address, and the person can try again in ten minutes.
    func signUp(_ subscriber: Subscriber, context: BasicRequestContext) async throws {
        let moment = now()
        guard case .confirmationDue(let pending) = try await database.requestSignup(subscriber, now: moment), let id = pending.id else {
            return
        }
        guard let mailer else {
            context.logger.error("a signup owes a confirmation e-mail but gazette serve has no mail transport")
            return
        }
        let expires = moment.addingTimeInterval(Self.confirmationLifetime)
        let token = signer.token(subscriberID: id, email: pending.email, purpose: .confirm, expires: expires)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        do {
            try await mailer.sendConfirmation(to: pending, confirmURL: "\(base)/confirm/\(token)", expires: expires)
        } catch {
            context.logger.error("confirmation e-mail not sent", metadata: ["subscriber.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Verifies a confirmation token: 403 for anything not signed by us for this person, 410 when it expired.
    private func withConfirmation(
        _ context: BasicRequestContext, _ body: (Subscriber, String) async throws -> Response
    ) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let claim = LinkSigner.parseScoped(token), claim.purpose == .confirm,
              let subscriber = try await database.subscriber(id: claim.subscriberID)
        else { return Reply.invalidLink() }
        switch signer.verifyScoped(token, subscriberID: claim.subscriberID, email: subscriber.email, purpose: .confirm, now: now()) {
        case .valid: return try await body(subscriber, token)
        case .expired:
            if subscriber.status == .active { return confirmedPage() }
            return Reply.page("Link expired", """
                <h1 class="error">This confirmation link has expired</h1>
                <p>Links are valid for 7 days. <a href="/subscribe" id="resubscribe">Sign up again</a> and we send you a new one.</p>
                """, status: .gone)
        case .invalid: return Reply.invalidLink()
        }
    }

    private func checkInboxPage() -> Response {
        Reply.page("Check your inbox", """
            <h1 class="ok" id="check-inbox">Check your inbox</h1>
            <p>If this address can receive \(HTML.escape(listName)), an e-mail with a confirmation link is on its way.
            Nothing is sent to it before the link is used. No e-mail? Look in the spam folder, or try again in ten minutes.</p>
            """)
    }

    private func confirmedPage() -> Response {
        Reply.page("Subscribed", """
            <h1 class="ok" id="confirmed">You are subscribed</h1>
            <p>Your first \(HTML.escape(listName)) arrives at the day and hour you chose. Every e-mail has links to change your preferences, pause or unsubscribe.</p>
            """)
    }
}
