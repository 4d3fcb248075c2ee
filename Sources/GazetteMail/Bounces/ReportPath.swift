/// What a `bounces process` argument names.
public enum ReportPath: Sendable, Equatable {
    /// One message in one file.
    case message(String)
    /// A mailbox of messages, each after a `From ` line.
    case mbox(String)
    /// A Maildir: the files in its `new/` and `cur/`.
    case maildir(String)
    /// One message on standard input (`-`).
    case standardInput
}

/// Why an argument cannot be read as reports.
public struct ReportPathError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}
