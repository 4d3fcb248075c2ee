import Foundation
import GazetteStore

/// Holds the run lease of one edition, renewed as the run claims work.
///
/// Lease times use the real clock, never `--at`: they protect against another process running now.
final class LeaseKeeper: Sendable {
    let database: AppDatabase
    let name: String
    let holder = UUID().uuidString
    /// Long enough to survive a slow batch, short enough that a killed run blocks the next for little time.
    let duration: TimeInterval = 120

    init(database: AppDatabase, name: String) {
        self.database = database
        self.name = name
    }

    func acquire() throws {
        try database.acquireLease(name: name, holder: holder, now: Date(), duration: duration)
    }

    func release() {
        try? database.releaseLease(name: name, holder: holder)
    }
}
