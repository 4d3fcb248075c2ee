import Foundation
import GazetteCore
import Mustache

/// What a digest e-mail says, before MIME.
public struct RenderedDigest: Sendable, Equatable {
    public var subject: String
    public var text: String
    public var html: String
}

/// The Mustache templates of `Templates/`, loaded and checked once, rendered many times.
///
/// Required: `subject.txt`, `digest.txt` and `digest.html` (files named `NAME.mustache`); partials live
/// under `partials/`. Text templates must start with `{{% CONTENT_TYPE: TEXT}}` so nothing is HTML-escaped
/// in plain text; HTML templates escape every `{{value}}`.
public struct DigestTemplates: Sendable {
    public static let required = ["subject.txt", "digest.txt", "digest.html"]

    let library: MustacheLibrary
    public let directory: String

    /// Loads every template under `directory` (except `pages/`) and checks that the required ones and every
    /// partial they use exist.
    public init(directory: String) async throws(TemplateError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(directory)
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for name in DigestTemplates.required where !FileManager.default.fileExists(atPath: "\(base)/\(name).mustache") {
            throw .missingTemplate(path: "\(base)/\(name).mustache")
        }
        // The subscriber pages (`pages/`) are `PageTemplates`' own: a broken page must not stop `send`.
        self.library = try TemplateLoader.load(directory: base, excluding: ["pages"])
        self.directory = base
    }

    /// Renders the three parts; the text part is wrapped at 72 columns.
    public func render(_ view: DigestView) throws(TemplateError) -> RenderedDigest {
        let (subject, text, html) = try renderRaw(view)
        return DigestTemplates.finish(subject: subject, text: text, html: html)
    }

    /// Renders the parts everyone with this digest shares once; `fill` then adds each subscriber.
    public func renderShell(_ view: DigestView) throws(TemplateError) -> DigestShell {
        let (subject, text, html) = try renderRaw(view.with(DigestShell.markers))
        return DigestShell(subject: subject, text: text, html: html)
    }

    private func renderRaw(_ view: DigestView) throws(TemplateError) -> (String, String, String) {
        guard let subject = library.render(view, withTemplate: "subject.txt") else { throw .renderFailed(name: "subject.txt") }
        guard let text = library.render(view, withTemplate: "digest.txt") else { throw .renderFailed(name: "digest.txt") }
        guard let html = library.render(view, withTemplate: "digest.html") else { throw .renderFailed(name: "digest.html") }
        return (subject, text, html)
    }

    /// The subject on one line, the text wrapped at 72 columns and ending in one line break.
    static func finish(subject: String, text: String, html: String) -> RenderedDigest {
        RenderedDigest(
            subject: finishSubject(subject),
            text: TextWrapper.wrap(text, width: TextWrapper.digestWidth).trimmingTrailingNewlines() + "\n",
            html: html)
    }

    static func finishSubject(_ subject: String) -> String {
        subject.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while result.hasSuffix("\n") { result.removeLast() }
        return result
    }
}
