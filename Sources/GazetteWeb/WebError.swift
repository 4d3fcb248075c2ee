/// Problems starting the web server; HTTP errors are mapped in the routes.
public enum WebError: Error, Sendable, CustomStringConvertible {
    /// Bound to a non-loopback address without an operator token: the previews would be public.
    case operatorTokenRequired(host: String)

    public var description: String {
        switch self {
        case .operatorTokenRequired(let host):
            "refusing to serve operator pages on \(host) without GAZETTE_OPERATOR_TOKEN; set it, or bind to 127.0.0.1"
        }
    }
}
