import Foundation
import GazetteCore
import GazetteStore
import GazetteTemplates
import Hummingbird
import NIOCore

/// `GET /view/TOKEN`: the "View in your browser" link of every digest. The page is the e-mail's HTML part,
/// built by the same `MessageFactory` code as the message (through the previewer), for the subscriber and
/// edition the token was signed for.
struct ViewInBrowser: Sendable {
    let database: any Store
    let previewer: any DigestPreviewer
    let signer: LinkSigner
    let pages: PageRenderer
    let now: @Sendable () -> Date

    func register(on router: Router<BasicRequestContext>) {
        router.get("/view/:token") { _, context in
            let token = try context.parameters.require("token")
            guard let claim = LinkSigner.parseScoped(token), claim.purpose == .view, let edition = Edition(claim.scope),
                  let subscriber = try await database.subscriber(id: claim.subscriberID)
            else { return pages.invalidLink() }
            switch signer.verifyScoped(
                token, subscriberID: subscriber.id!, email: subscriber.email, purpose: .view, scope: claim.scope, now: now())
            {
            case .valid:
                // The e-mail's own HTML part as it is, not wrapped in a page template: it is a whole document
                // Gazette rendered (and escaped) from the digest templates, identical to what was mailed.
                let preview = try await previewer.preview(subscriber: subscriber, edition: edition)
                return Reply.html(preview.webHTML)
            case .expired:
                return pages.respond(.viewExpired, status: .gone)
            case .invalid:
                return pages.invalidLink()
            }
        }
    }
}
