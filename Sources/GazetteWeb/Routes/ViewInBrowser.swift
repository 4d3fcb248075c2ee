import Foundation
import GazetteCore
import GazetteStore
import Hummingbird
import NIOCore

/// `GET /view/TOKEN`: the "View in your browser" link of every digest. The page is the e-mail's HTML part,
/// built by the same `MessageFactory` code as the message (through the previewer), for the subscriber and
/// edition the token was signed for.
struct ViewInBrowser: Sendable {
    let database: AppDatabase
    let previewer: any DigestPreviewer
    let signer: LinkSigner
    let now: @Sendable () -> Date

    func register(on router: Router<BasicRequestContext>) {
        router.get("/view/:token") { _, context in
            let token = try context.parameters.require("token")
            guard let claim = LinkSigner.parseScoped(token), claim.purpose == .view, let edition = Edition(claim.scope),
                  let subscriber = try database.subscriber(id: claim.subscriberID)
            else { return Reply.invalidLink() }
            switch signer.verifyScoped(
                token, subscriberID: subscriber.id!, email: subscriber.email, purpose: .view, scope: claim.scope, now: now())
            {
            case .valid:
                let preview = try await previewer.preview(subscriber: subscriber, edition: edition)
                return Reply.html(preview.webHTML)
            case .expired:
                return Reply.page("Link expired", "<h1 class=\"error\">This digest is no longer online</h1><p>View links work for about a year.</p>", status: .gone)
            case .invalid:
                return Reply.invalidLink()
            }
        }
    }
}
