/// Failures that stop a send run: no later message of this run could succeed.
public enum MailError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The outbox directory cannot be created or written (full disk, permissions).
    case outboxUnwritable(path: String, reason: String)
    /// Nobody answers at the configured server.
    case serverUnavailable(String)
    /// The server refused our credentials or our sender address: a configuration problem.
    case configuration(String)

    public var description: String {
        switch self {
        case .outboxUnwritable(let path, let reason): "cannot write to the outbox \(path): \(reason)"
        case .serverUnavailable(let detail): "SMTP server unavailable: \(detail)"
        case .configuration(let detail): "SMTP configuration problem: \(detail)"
        }
    }
}
