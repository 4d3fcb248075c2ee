/// Errors of the store, each with the sentence an operator reads.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The file was written by a newer Gazette: refusing it protects data this binary cannot understand.
    case databaseTooNew(path: String)
    /// The file is not a usable SQLite database.
    case unreadable(path: String, reason: String)
    /// An import was refused; nothing was written.
    case invalidInput([ImportIssue])
    /// This sender's claims on the edition's rows ran out (it stalled or was paused past their expiry), so
    /// another sender may be sending them: this one stops.
    case claimsLost(edition: String)
    case unknownSubscriber(String)
    /// A command that only reads found no database at the path: it is never created by reading.
    case noDatabase(path: String)
    /// Another process held a write lock for longer than the busy timeout: try again later.
    case busy(String)
    /// Any other database failure, wrapped at the module boundary.
    case database(String)

    public var description: String {
        switch self {
        case .databaseTooNew(let path):
            "\(path) was written by a newer version of Gazette; upgrade gazette to use it (nothing was changed)"
        case .unreadable(let path, let reason): "cannot open the database \(path): \(reason)"
        case .invalidInput(let issues):
            issues.map(\.description).joined(separator: "\n")
                + "\n\(issues.count) error\(issues.count == 1 ? "" : "s"); nothing was imported"
        case .claimsLost(let edition):
            "this run's claims on \(edition) expired (it was stalled or paused past GAZETTE_LEASE_SECONDS) and it stopped "
                + "before sending anything more; the other senders, or the next run, send the rest"
        case .unknownSubscriber(let email): "no subscriber with address \(email)"
        case .noDatabase(let path):
            "no database at \(path): check --database or GAZETTE_DATABASE, or create one with `gazette import`, "
                + "`gazette subscribers import` or `gazette migrate` (nothing was created)"
        case .busy(let detail): "\(detail); try again later"
        case .database(let detail): "database error: \(detail)"
        }
    }
}

/// One problem found in an input file, reported as `FILE:LINE: field: what is wrong`.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String?
    public var message: String

    public init(file: String, line: Int, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `FILE:LINE: field: message`; a problem with the file as a whole (line 0) has no line number.
    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        if let field { return "\(place): \(field): \(message)" } else { return "\(place): \(message)" }
    }
}
