import Foundation
import Mustache

/// The subscriber-facing web pages of `gazette serve`: Mustache templates under `pages/` of the templates
/// directory (`Templates/pages/NAME.html.mustache`), loaded and checked once at startup, rendered per request.
///
/// Every page is HTML: `{{value}}` escapes `< > & " '`, so a name or address cannot become markup. Templates
/// are named relative to `pages/` (a parent's closing tag cannot hold a `/`). The pages share `layout.html`
/// (the card, type and colours of the e-mail) through Mustache inheritance (`{{<layout.html}}…{{/layout.html}}`),
/// and the signup and preferences forms share `preference-fields.html`. An operator restyles the pages by
/// editing these files.
public struct PageTemplates: Sendable {
    /// The pages `gazette serve` shows; each must exist as `pages/RAW_VALUE.html.mustache`.
    public enum Page: String, CaseIterable, Sendable {
        case subscribe
        case tooLarge = "too-large"
        case checkInbox = "check-inbox"
        case confirm
        case confirmed
        case confirmExpired = "confirm-expired"
        case unsubscribe
        case unsubscribed
        case preferences
        case erase
        case erased
        case viewExpired = "view-expired"
        case invalidLink = "invalid-link"
        case refused

        /// The template's name in the library: its path under `pages/` without `.mustache`.
        public var templateName: String { "\(rawValue).html" }
    }

    /// Partials and parents the shipped pages use; checked like the pages, so a deleted one is a startup error.
    public static let shared = ["layout.html", "preference-fields.html"]

    let library: MustacheLibrary
    public let directory: String

    /// Loads every template under `DIRECTORY/pages/`.
    ///
    /// - Throws: `TemplateError` naming the file: a missing directory or page, a syntax error (with line and
    ///   column), or a partial/parent that does not exist. `gazette serve` reports it and does not start,
    ///   rather than answering 500 (or an empty page: Mustache renders a missing partial as nothing).
    public init(directory: String) throws(TemplateError) {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let pagesDirectory = "\(base)/pages"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: pagesDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingPagesDirectory(pagesDirectory)
        }
        let library = try TemplateLoader.load(directory: pagesDirectory)
        for name in Page.allCases.map(\.templateName) + Self.shared where library.getTemplate(named: name) == nil {
            throw .missingTemplate(path: "\(pagesDirectory)/\(name).mustache")
        }
        self.library = library
        self.directory = base
    }

    /// The page's HTML for `view`, a value with stored properties only (swift-mustache cannot see computed ones).
    public func render(_ page: Page, _ view: Any) -> String {
        // Every page was checked to exist when the templates were loaded; nil cannot happen.
        library.render(view, withTemplate: page.templateName) ?? ""
    }
}
