import Foundation

/// A database of its own on the throwaway PostgreSQL server that `scripts/with-postgres` starts (and
/// `scripts/test` runs the suite under), for one test.
public enum PostgresTestDatabase {
    /// The server's URL, from `GAZETTE_TEST_POSTGRES_URL`; nil when the suite runs without it.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["GAZETTE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What a test says when the server is missing: never a skip, a failure that tells how to start it.
    public static let missing = "GAZETTE_TEST_POSTGRES_URL is not set: run the tests with a PostgreSQL server, "
        + "e.g. scripts/with-postgres swift test --disable-xctest (scripts/test does this)"

    /// Creates an empty database on the server and returns its URL (the server's, with another database name).
    public static func create(on server: String) throws -> String {
        let name = "gazette_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try SmtpTestProcess.run(psql, [server, "-v", "ON_ERROR_STOP=1", "-qtAc", "CREATE DATABASE \(name)"])
        guard var components = URLComponents(string: server) else { throw SmtpTestSetupError(description: "bad server URL") }
        components.path = "/" + name
        return components.string!
    }

    /// Runs one SQL statement on a database (a test looking at rows, or changing them behind the store's back).
    @discardableResult
    public static func sql(_ statement: String, on url: String) throws -> String {
        try SmtpTestProcess.run(psql, [url, "-v", "ON_ERROR_STOP=1", "-qtAc", statement])
    }

    static var psql: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") ? "/usr/bin/psql" : "psql"
    }
}
