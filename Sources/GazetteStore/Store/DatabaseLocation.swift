public import Foundation

/// Where the store lives, as `GAZETTE_DATABASE` / `--database` says: a `postgres://` or `postgresql://`
/// URL, or else the path of a SQLite file.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// - Throws: `DatabaseLocationError` for a PostgreSQL URL that cannot be used (the message never
    ///   contains the password).
    public init(parsing text: String) throws(DatabaseLocationError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresAddress(parsing: text))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// For messages and logs: a SQLite path as it is, a PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL server and database: `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE`.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    /// What `sslmode` asks for, as libpq names it. `prefer` (libpq's default) tries TLS and falls back to
    /// plain TCP; `require` refuses a server without TLS; `verify-full` also checks the certificate and
    /// the host name against the system's trust store.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var user: String
    /// Never printed: `description` leaves it out.
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    public init(user: String, password: String?, host: String, port: Int = 5432, database: String, tls: TLSMode = .prefer) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    public init(parsing text: String) throws(DatabaseLocationError) {
        // URLComponents percent-decodes user, password and path; the scheme decides nothing else.
        guard let components = URLComponents(string: text) else {
            throw DatabaseLocationError("the PostgreSQL URL is malformed (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw DatabaseLocationError("the PostgreSQL URL names no host (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw DatabaseLocationError("the PostgreSQL URL names no user (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw DatabaseLocationError("the PostgreSQL URL's port \(port) is not between 1 and 65535")
        }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.isEmpty, !database.contains("/") else {
            throw DatabaseLocationError("the PostgreSQL URL names no database (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    let choices = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw DatabaseLocationError("sslmode=\(item.value ?? "") is not one of \(choices)")
                }
                tls = mode
            default:
                throw DatabaseLocationError("the PostgreSQL URL has an unknown parameter \"\(item.name)\" (only sslmode is read)")
            }
        }
        self.init(user: user, password: components.password, host: host, port: port, database: database, tls: tls)
    }

    /// The URL with `***` for the password: what messages and logs show.
    public var description: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.host = host
        components.port = port
        components.path = "/" + database
        var text = components.string ?? "postgres://\(host):\(port)/\(database)"
        if password != nil, let at = text.range(of: "@") {
            text.replaceSubrange(at, with: ":***@")
        }
        return text + "?sslmode=\(tls.rawValue)"
    }
}

/// A `GAZETTE_DATABASE` value that cannot be used; the message never contains the password.
public struct DatabaseLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
