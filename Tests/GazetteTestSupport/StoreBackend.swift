import Foundation
public import GazetteStore
import GazetteStorePostgres
public import Testing

/// The two backends every store test runs against: an in-memory SQLite database, and a fresh database
/// of its own on the PostgreSQL server `scripts/with-postgres` starts.
public enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    public func makeStore() async throws -> any Store {
        switch self {
        case .sqlite:
            return try SQLiteStore.inMemory()
        case .postgres:
            let server = try #require(PostgresTestDatabase.serverURL, Comment(rawValue: PostgresTestDatabase.missing))
            let url = try PostgresTestDatabase.create(on: server)
            guard case .postgres(let address) = try DatabaseLocation(parsing: url) else {
                throw StoreError.database("not a PostgreSQL URL")
            }
            return try await PostgresStore.connect(address)
        }
    }
}
