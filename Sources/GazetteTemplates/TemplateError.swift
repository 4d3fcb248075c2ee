/// Problems with the templates directory, each naming the file to fix.
public enum TemplateError: Error, Sendable, CustomStringConvertible {
    case missingDirectory(String)
    case missingTemplate(path: String)
    /// `TEMPLATES/pages` is missing: a templates folder from before the web pages became templates.
    case missingPagesDirectory(String)
    case unreadable(path: String)
    case missingPartial(name: String, usedIn: String)
    case syntax(path: String, line: Int, column: Int, message: String)
    case renderFailed(name: String)

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            "templates directory \(path) does not exist (set GAZETTE_TEMPLATES to the folder holding digest.html.mustache)"
        case .missingTemplate(let path): "missing template \(path)"
        case .missingPagesDirectory(let path):
            "page templates directory \(path) does not exist (copy Templates/pages from Gazette into your GAZETTE_TEMPLATES folder)"
        case .unreadable(let path): "cannot read template \(path) as UTF-8 text"
        case .missingPartial(let name, let usedIn): "\(usedIn): uses partial \(name.debugDescription), which does not exist"
        case .syntax(let path, let line, let column, let message): "\(path):\(line):\(column): template error: \(message)"
        case .renderFailed(let name): "template \(name) could not be rendered"
        }
    }
}
