/// Errors of the store, each with the sentence an operator reads.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The file was written by a newer Gazette: refusing it protects data this binary cannot understand.
    case databaseTooNew(path: String)
    /// The file is not a usable SQLite database.
    case unreadable(path: String, reason: String)
    /// An import was refused; nothing was written.
    case invalidInput([ImportIssue])
    /// Another run holds the send lease for this edition.
    case leaseHeld(edition: String, until: String)
    case unknownSubscriber(String)
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
        case .leaseHeld(let edition, let until):
            "another send run holds the lease for \(edition) (until \(until)); try again later"
        case .unknownSubscriber(let email): "no subscriber with address \(email)"
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
