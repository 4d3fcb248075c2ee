import Foundation
import GazetteCore
public import GazetteStore
public import Logging
import NIOSSL
package import PostgresNIO

/// The PostgreSQL backend of `Store`, for several processes on several machines sharing one database.
///
/// Same logical schema and the same guarantees as `SQLiteStore`: every invariant is kept by one method in
/// one transaction. Where SQLite serializes writers by itself, this backend locks what it reads and then
/// changes (`FOR UPDATE`, advisory locks per address), so concurrent processes get the same answers.
/// Identifiers are unquoted (PostgreSQL folds them to lower case); `PostgresSchema.columnNames` gives the
/// SQLite spelling back where a name is shown (the personal-data export).
public final class PostgresStore: Store {
    let client: PostgresClient
    /// Where this store connects (its `description` leaves the password out).
    public let address: PostgresAddress
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connects (the pool opens connections as needed), migrates under an advisory lock, and returns the
    /// store. - Throws: `StoreError.unreadable` when the server cannot be reached or refuses the login,
    ///   `StoreError.databaseTooNew` for a database migrated by a newer Gazette.
    public static func connect(_ address: PostgresAddress, logger: Logger = Logger(label: "gazette.postgres")) async throws -> PostgresStore {
        let store = PostgresStore(address: address, logger: logger)
        do {
            try await store.migrate()
        } catch {
            store.close()
            throw error
        }
        return store
    }

    init(address: PostgresAddress, logger: Logger) {
        self.address = address
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: Self.tls(address.tls))
        configuration.options.connectTimeout = .seconds(10)
        // A handful per process: senders hold one per claim or record, briefly.
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration)
        self.client = client
        running = Task { await client.run() }
    }

    deinit { running.cancel() }

    /// Closes the pool's connections (the process may also just exit).
    public func close() { running.cancel() }

    /// libpq's `sslmode` in postgres-nio's terms: `prefer` and `require` encrypt without checking the
    /// certificate, as libpq does without a root certificate; `verify-full` checks it and the host name.
    static func tls(_ mode: PostgresAddress.TLSMode) -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unverified)
        case .require: return .require(unverified)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    /// The same for a single connection, which takes a ready SSL context.
    static func connectionTLS(_ mode: PostgresAddress.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: unverified))
        case .require: return .require(try NIOSSLContext(configuration: unverified))
        case .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    // MARK: Running queries

    /// Runs `body` in one transaction on one connection of the pool.
    ///
    /// Not cancellable once started, like the SQLite backend: a run that is stopping must still record
    /// what its messages did. The task only waits.
    @discardableResult
    package func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client
        let logger = logger
        let address = address
        return try await Task {
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                throw PostgresStore.wrap(error, address: address)
            }
        }.value
    }

    /// Runs one statement on a connection of the pool, in the transaction PostgreSQL gives every statement of
    /// its own: one round trip where `transaction` needs three more (BEGIN, COMMIT).
    func statement<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = client
        let address = address
        return try await Task {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch {
                throw PostgresStore.wrap(error, address: address)
            }
        }.value
    }

    /// The store's errors for postgres-nio's: the server's message (which never holds the password), or
    /// why no connection could be made.
    static func wrap(_ error: any Error, address: PostgresAddress) -> any Error {
        if error is StoreError { return error }
        guard let error = error as? PSQLError else { return StoreError.database(String(describing: error)) }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState] ?? ""
            // Serialization failures and lock timeouts are temporary: the caller retries later (exit 75).
            if state == "40001" || state == "40P01" || state == "55P03" { return StoreError.busy(message) }
            if state == "28P01" || state == "28000" || state == "3D000" {
                return StoreError.unreadable(path: address.description, reason: message)
            }
            return StoreError.database(message)
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .sslUnsupported, .failedToAddSSLHandler, .unexpectedBackendMessage:
            let cause = error.underlying.map { String(describing: $0) } ?? "\(error.code)"
            return StoreError.unreadable(path: address.description, reason: "cannot connect: \(cause)")
        default:
            return StoreError.database("\(error.code)")
        }
    }
}

/// Reading cells by column name (PostgreSQL's lower-case spelling).
extension PostgresRandomAccessRow {
    package func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

extension PostgresConnection {
    /// All rows of a query.
    package func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// How many rows a statement with `RETURNING 1` touched.
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}
