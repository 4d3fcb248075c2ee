public import GRDB
import Foundation

/// The SQLite backend of `Store`: one file (WAL) shared by `send`, `schedule` and `serve` on one machine.
///
/// Every invariant is kept inside one `write {}`; migrations run when the database is opened. Methods use
/// GRDB's async `read`/`write`, which wait for SQLite on GRDB's own queues rather than on Swift's pool.
public struct SQLiteStore: Store {
    /// The connection pool, for this module and for tests that look at rows directly; other modules see
    /// only `Store`.
    package let writer: any DatabaseWriter

    /// Wraps an opened database and migrates it.
    ///
    /// - Throws: `StoreError.databaseTooNew` when the file has migrations this binary does not know.
    public init(_ writer: any DatabaseWriter, path: String = ":memory:") throws {
        self.writer = writer
        let migrator = SQLiteStore.migrator
        do {
            if try writer.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError.databaseTooNew(path: path)
            }
            try migrator.migrate(writer)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            if SQLiteStore.isBusy(error) { throw StoreError.busy("cannot open the database \(path): \(SQLiteStore.explain(error))") }
            throw StoreError.unreadable(path: path, reason: SQLiteStore.explain(error))
        }
    }

    /// Opens (creating if needed, unless `mustExist`) the database file at `path`, readable by its owner only.
    ///
    /// - Parameter mustExist: for commands that only read: a missing file is `StoreError.noDatabase`,
    ///   so a mistyped path is reported instead of silently creating an empty database there.
    public static func open(path: String, mustExist: Bool = false) throws -> SQLiteStore {
        if mustExist && !FileManager.default.fileExists(atPath: path) { throw StoreError.noDatabase(path: path) }
        var config = GRDB.Configuration()
        // The CLI, the daemon and the web server open the same file: wait for each other's writes.
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        // WAL with synchronous=NORMAL: every commit survives a crash or SIGKILL of the process (the kill
        // suite checks it) without an fsync per message; only a power loss may undo the last commits, which
        // then resends (never skips) those messages. FULL would fsync on every ledger row.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            if !existed { chmod(path, 0o600) }
            return try SQLiteStore(pool, path: path)
        } catch let error as DatabaseError {
            if isBusy(error) { throw StoreError.busy("cannot open the database \(path): \(explain(error))") }
            throw StoreError.unreadable(path: path, reason: explain(error))
        }
    }

    /// The migrations this database has, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try SQLiteStore.migrator.appliedIdentifiers(db).sorted() }
    }

    /// An empty database in memory, for tests.
    public static func inMemory() throws -> SQLiteStore {
        var config = GRDB.Configuration()
        config.foreignKeysEnabled = true
        return try SQLiteStore(DatabaseQueue(configuration: config))
    }

    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: "the file is not a Gazette database or is damaged"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is busy (another process holds a write lock)"
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: "the file cannot be opened for writing"
        case .SQLITE_FULL: "the disk is full"
        default: error.message ?? String(describing: error)
        }
    }

    /// Whether another connection's lock outlasted the busy timeout (a temporary condition, exit 75).
    static func isBusy(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    /// GRDB's error as the store's: busy apart, since callers retry it later.
    static func wrap(_ error: DatabaseError) -> StoreError {
        isBusy(error) ? .busy(explain(error)) : .database(explain(error))
    }

    // GRDB's callback API rather than its `async` one: the latter throws `CancellationError` in a
    // cancelled task, and a run that is stopping (SIGTERM cancels it) must still record what its messages
    // did and put its unsent claims back. The work runs on GRDB's queues; the task only waits.

    /// Runs a write transaction, turning GRDB's errors into `StoreError`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            writer.asyncWrite(body) { _, result in continuation.resume(returning: result) }
        }
        return try Self.unwrap(result)
    }

    /// Runs one statement on its own: SQLite commits it alone (autocommit), so it is as durable as a
    /// transaction, without the BEGIN and COMMIT statements around it.
    func writeOneStatement<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            writer.asyncWriteWithoutTransaction { db in continuation.resume(returning: Result { try body(db) }) }
        }
        return try Self.unwrap(result)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            writer.asyncRead { database in continuation.resume(returning: Result { try body(database.get()) }) }
        }
        return try Self.unwrap(result)
    }

    private static func unwrap<T>(_ result: Result<T, any Error>) throws -> T {
        do { return try result.get() } catch let error as DatabaseError { throw wrap(error) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite backend's name before `Store` existed; kept so that branches written against it still merge.
public typealias AppDatabase = SQLiteStore
