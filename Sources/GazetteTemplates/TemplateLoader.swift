import Foundation
import Mustache

/// Reads a folder of Mustache templates into a library, checking what swift-mustache lets pass silently.
///
/// Templates are named by their path under the folder without `.mustache` (`partials/opening.html`).
/// Syntax errors name the file, line and column; a partial (`{{> name}}`) or parent (`{{< name}}`) that
/// does not exist is an error too, because Mustache would render it as nothing.
enum TemplateLoader {
    /// - Parameter excluding: subfolders left out (the web pages, `pages/`, are not part of a digest: a
    ///   mistake in one must not stop `send`).
    static func load(directory base: String, excluding: Set<String> = []) throws(TemplateError) -> MustacheLibrary {
        var library = MustacheLibrary()
        var sources: [(path: String, text: String)] = []
        let names = (FileManager.default.enumerator(atPath: base)?.allObjects as? [String]) ?? []
        for name in names.sorted() where name.hasSuffix(".mustache") {
            if let folder = name.split(separator: "/").first, excluding.contains(String(folder)) { continue }
            let path = "\(base)/\(name)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path: path) }
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw .syntax(
                    path: path, line: error.context.lineNumber, column: error.context.columnNumber,
                    message: String(describing: error.error))
            } catch {
                throw .syntax(path: path, line: 0, column: 0, message: String(describing: error))
            }
            sources.append((path, text))
        }
        let reference = try! NSRegularExpression(pattern: #"\{\{[<>]\s*([^}\s]+)\s*\}\}"#)
        for (path, text) in sources {
            for match in reference.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let range = Range(match.range(at: 1), in: text) else { continue }
                let name = String(text[range])
                if library.getTemplate(named: name) == nil { throw .missingPartial(name: name, usedIn: path) }
            }
        }
        return library
    }
}
