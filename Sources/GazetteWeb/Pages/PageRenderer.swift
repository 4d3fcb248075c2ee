import GazetteTemplates
import Hummingbird

/// Answers with a subscriber page rendered from the templates (`Templates/pages/`), given its view model.
struct PageRenderer: Sendable {
    let templates: PageTemplates
    let listName: String

    /// - Parameter view: one of the views in `PageViews.swift` (the template's variables).
    func respond(_ page: PageTemplates.Page, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        Reply.html(templates.render(page, view), status: status)
    }

    /// A page that shows nothing but the list's name.
    func respond(_ page: PageTemplates.Page, status: HTTPResponse.Status = .ok) -> Response {
        respond(page, ListPageView(listName: listName), status: status)
    }

    /// A token that does not verify (altered, foreign, or its subscriber is gone): 403, nothing changed.
    func invalidLink() -> Response { respond(.invalidLink, status: .forbidden) }

    /// A form post from another site (see `SameOriginCheck`): 403, nothing changed.
    func crossSiteRefused() -> Response { respond(.refused, status: .forbidden) }
}
