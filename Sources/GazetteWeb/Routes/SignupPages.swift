import Foundation
import GazetteCore
import GazetteStore
import GazetteTemplates
import Hummingbird
import Logging
import NIOCore

/// Signup with double opt-in: `/subscribe` and `/confirm/TOKEN`.
///
/// Nobody can learn from these pages who is on the list: a new, pending, active, unsubscribed or suppressed
/// address gets the same "check your inbox" page. Only the mail differs, and only the address's owner sees it.
struct SignupPages: Sendable {
    /// The confirmation link works this long.
    static let confirmationLifetime = StorePolicy.confirmationLinkLifetime
    /// Form bodies are small; anything larger is refused before it is read whole.
    static let maximumBody = 16 * 1024

    let database: any Store
    let signer: LinkSigner
    let pages: PageRenderer
    let baseURL: String
    let mailer: (any ConfirmationMailer)?
    let now: @Sendable () -> Date

    func register(on router: Router<BasicRequestContext>) {
        router.get("/subscribe") { _, _ in
            pages.respond(.subscribe, SignupForm().view(listName: pages.listName))
        }
        router.post("/subscribe") { request, context in
            guard let body = try? await request.body.collect(upTo: Self.maximumBody) else {
                return pages.respond(.tooLarge, status: .contentTooLarge)
            }
            var form = SignupForm()
            let errors = form.apply(FormBody.parse(String(buffer: body)))
            guard errors.isEmpty else {
                return pages.respond(.subscribe, form.view(listName: pages.listName, errors: errors), status: .badRequest)
            }
            try await signUp(form.subscriber, context: context)
            return pages.respond(.checkInbox)
        }
        // GET only shows the button: mail scanners and link previews follow links, and must not confirm anyone.
        router.get("/confirm/:token") { _, context in
            try await withConfirmation(context) { subscriber, token in
                if subscriber.status == .active { return pages.respond(.confirmed) }
                return pages.respond(.confirm, SubscriberPageView(listName: pages.listName, email: subscriber.email, token: token))
            }
        }
        router.post("/confirm/:token") { request, context in
            guard SameOriginCheck.allows(request, baseURL: baseURL) else { return pages.crossSiteRefused() }
            return try await withConfirmation(context) { subscriber, _ in
                guard try await database.confirmSubscription(subscriberID: subscriber.id!, now: now(), signer: signer) != nil else {
                    return pages.invalidLink()
                }
                return pages.respond(.confirmed)
            }
        }
    }

    /// Records the signup (with the confirmation it owes, if any, in the same transaction) and hands the
    /// confirmation to the mailer. A mailer failure is logged, not shown: the page must not differ by address.
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
        let url = ConfirmationLink.url(baseURL: baseURL, signer: signer, subscriberID: id, email: pending.email, expires: expires)
        do {
            try await mailer.sendConfirmation(to: pending, confirmURL: url, expires: expires)
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
        else { return pages.invalidLink() }
        switch signer.verifyScoped(token, subscriberID: claim.subscriberID, email: subscriber.email, purpose: .confirm, now: now()) {
        case .valid: return try await body(subscriber, token)
        case .expired:
            if subscriber.status == .active { return pages.respond(.confirmed) }
            return pages.respond(
                .confirmExpired,
                ExpiredConfirmationView(listName: pages.listName, lifetimeDays: Int(Self.confirmationLifetime / 86_400)),
                status: .gone)
        case .invalid: return pages.invalidLink()
        }
    }
}
