import Foundation
import GazetteStore
#if canImport(Glibc)
import Glibc
#endif

/// Holds the run lease of one edition, renewed as the run claims work.
///
/// Lease times use the real clock, never `--at`: they protect against another process running now.
final class LeaseKeeper: Sendable {
    let database: AppDatabase
    let name: String
    /// `host:pid:uuid`: lets a run on the same machine see that a holder died (SIGKILL, OOM) and take over
    /// at once instead of waiting for the lease to expire.
    let holder = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString)"
    /// Long enough to survive a slow batch, short enough that a killed run blocks the next for little time.
    let duration: TimeInterval = 120

    init(database: AppDatabase, name: String) {
        self.database = database
        self.name = name
    }

    func acquire() throws {
        try database.acquireLease(name: name, holder: holder, now: Date(), duration: duration) { other in
            LeaseKeeper.isDeadLocalHolder(other)
        }
    }

    /// Whether `holder` was a process on this machine that no longer exists.
    static func isDeadLocalHolder(_ holder: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count == 3, parts[0] == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]), pid > 0 else {
            return false
        }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    func release() {
        try? database.releaseLease(name: name, holder: holder)
    }
}
