import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Problems starting the web server; HTTP errors are mapped in the routes.
public enum WebError: Error, Sendable, CustomStringConvertible {
    /// Bound to a non-loopback address without an operator token: the previews would be public.
    case operatorTokenRequired(host: String)
    /// The address could not be bound (in use, not ours, or a privileged port).
    case cannotBind(host: String, port: Int, reason: String, advice: String)

    public var description: String {
        switch self {
        case .cannotBind(let host, let port, let reason, let advice):
            "cannot listen on \(host):\(port): \(reason); \(advice)"
        case .operatorTokenRequired(let host):
            "refusing to serve operator pages on \(host) without GAZETTE_OPERATOR_TOKEN; set it, or bind to 127.0.0.1"
        }
    }
}

extension WebError {
    /// The operator's sentence for a failure to bind, or nil for any other error.
    public static func binding(_ error: any Error, host: String, port: Int) -> WebError? {
        guard let error = error as? IOError else { return nil }
        switch error.errnoCode {
        case EADDRINUSE:
            return .cannotBind(
                host: host, port: port, reason: "the address is already in use",
                advice: "stop the other server on that port (ss -ltnp 'sport = :\(port)' shows it) or choose another with --port")
        case EACCES:
            return .cannotBind(
                host: host, port: port, reason: "permission denied",
                advice: "ports below 1024 need privileges: use a port above 1024 behind your reverse proxy")
        case EADDRNOTAVAIL:
            return .cannotBind(
                host: host, port: port, reason: "no network interface of this machine has that address",
                advice: "use 127.0.0.1, 0.0.0.0 or one of this machine's addresses with --host")
        default:
            return nil
        }
    }
}
