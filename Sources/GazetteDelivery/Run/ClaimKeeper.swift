import Foundation
import GazetteCore
import GazetteStore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Keeps one send run's claims on the rows of one edition alive: a heartbeat of its own renews them while
/// the run lives, whatever its messages are doing, and every claim renews them too. Before every message the
/// run checks that its claims are still fresh by a monotonic clock (which counts time the process was
/// stopped): a run that stalled or was paused past their expiry may find its rows taken over by another
/// sender, so it stops for good instead of sending them (fencing).
///
/// Claim times use the real clock, never `--at`: they protect against other processes running now.
final class ClaimKeeper: Sendable {
    let database: any Store
    let edition: Edition
    /// This run's identity: the process's, with a nonce of its own (a daemon runs many passes).
    let holder = ClaimHolder.forThisProcess().description
    /// Long enough to ride out a busy database, short enough that the rows of a killed sender wait little
    /// for the others (a dead sender on this machine is recognised at once; see `ClaimHolder`).
    let lifetime: TimeInterval
    /// The heartbeat renews this often: three renewals may fail before the claims run out.
    var renewalInterval: TimeInterval { lifetime / 4 }
    /// Claims count as ours until this long before their expiry, so that clock drift between machines and
    /// the moment between a check and a transaction cannot let two senders send one row at once.
    var safetyMargin: TimeInterval { lifetime / 8 }

    private struct State {
        /// Monotonic (includes time the process was stopped or the machine suspended).
        var validUntil: ContinuousClock.Instant
        /// Set for good once the claims ran out while the run held some.
        var lost = false
        /// Until the first claim there is nothing another sender could take over.
        var hasClaimed = false
    }
    private let state: Mutex<State>

    init(database: any Store, edition: Edition, lifetime: TimeInterval = 120) {
        self.database = database
        self.edition = edition
        self.lifetime = lifetime
        state = Mutex(State(validUntil: ContinuousClock.now.advanced(by: .seconds(lifetime - lifetime / 8))))
    }

    /// Whether this run may send another of its claimed rows: its claims were renewed recently enough.
    /// Cheap; called before every message. Once false, false for good.
    var isValid: Bool {
        state.withLock { state in
            if state.lost { return false }
            if ContinuousClock.now < state.validUntil || !state.hasClaimed { return true }
            state.lost = true
            return false
        }
    }

    /// What the store records as the holder of this run's claims.
    var claimant: RowClaimant { RowClaimant(holder: holder, lifetime: lifetime) }

    /// Records a successful renewal (or a claim, which renews) that started at `started`.
    ///
    /// Only ever extends: a claim that started before a heartbeat's renewal may finish after it (its task
    /// waits for a free thread), and must not shorten the validity the heartbeat has just established. A run
    /// whose claims already ran out stays stopped: some of its rows may be another sender's by now.
    func renewed(at started: ContinuousClock.Instant, claimed: Bool = false) {
        let until = started.advanced(by: .seconds(lifetime - safetyMargin))
        state.withLock { state in
            guard !state.lost else { return }
            if state.hasClaimed && ContinuousClock.now >= state.validUntil {
                state.lost = true
                return
            }
            state.validUntil = max(state.validUntil, until)
            if claimed { state.hasClaimed = true }
        }
    }

    /// Renews the claims now, blocking this thread (the heartbeat's own).
    func renew() throws {
        let started = ContinuousClock.now
        _ = try database.renewClaimsBlocking(edition: edition, claimant: claimant)
        renewed(at: started)
    }

    /// Starts renewing every `renewalInterval` on a timer thread of its own, so the heartbeat beats even
    /// when every thread of Swift's pool is busy. A failed renewal (a busy database) is retried at the next
    /// beat; the claims then simply run out locally, and the run stops before its next message.
    /// - Returns: the heartbeat; cancel it when the run ends.
    func startHeartbeat(logger: Logger) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "gazette.claims-heartbeat"))
        let interval = DispatchTimeInterval.milliseconds(Int(renewalInterval * 1000))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        let reported = Mutex(false)
        timer.setEventHandler { [self] in
            guard isValid else {
                if !reported.withLock({ done in defer { done = true }; return done }) {
                    logger.error("this run's claims expired; stopping before the next message", metadata: ["edition": "\(edition)"])
                }
                return
            }
            do {
                try renew()
            } catch {
                logger.warning("could not renew this run's claims; will retry", metadata: ["edition": "\(edition)", "error": "\(error)"])
            }
        }
        timer.resume()
        return timer
    }
}

/// Who holds claims: `host:boot:pidns:pid:start:uuid`.
///
/// A run on the same machine may take over at once the rows of a holder that died (SIGKILL, OOM) instead of
/// waiting for its claims to expire, but only when it can be sure: the same host name is not enough (a
/// container with host networking shares it), nor is a pid (another PID namespace numbers its own, and
/// pids are reused). So the holder names the boot, the PID namespace, and its process's start time.
package struct ClaimHolder: CustomStringConvertible, Equatable {
    package var host: String
    package var boot: String
    package var pidNamespace: String
    package var pid: Int32
    package var startTime: String
    package var nonce: String

    /// This process (its nonce is the process's first; `forThisProcess()` makes a fresh one).
    package static let current = ClaimHolder(
        host: ProcessInfo.processInfo.hostName, boot: ClaimHolder.bootID(), pidNamespace: ClaimHolder.pidNamespace(),
        pid: getpid(), startTime: ClaimHolder.startTime(of: getpid()) ?? "?", nonce: UUID().uuidString)

    /// This process, with a nonce of its own: two runs of one process are two holders.
    static func forThisProcess() -> ClaimHolder {
        var holder = current
        holder.nonce = UUID().uuidString
        return holder
    }

    package var description: String { [host, boot, pidNamespace, String(pid), startTime, nonce].joined(separator: ":") }

    init(host: String, boot: String, pidNamespace: String, pid: Int32, startTime: String, nonce: String) {
        self.host = host
        self.boot = boot
        self.pidNamespace = pidNamespace
        self.pid = pid
        self.startTime = startTime
        self.nonce = nonce
    }

    /// Parses a holder written by this version; older or foreign formats give nil (never taken over early).
    package init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, let pid = Int32(parts[3]), pid > 0 else { return nil }
        self.init(host: parts[0], boot: parts[1], pidNamespace: parts[2], pid: pid, startTime: parts[4], nonce: parts[5])
    }

    /// True only when this holder certainly was a process of this machine, this boot and this PID
    /// namespace that no longer runs: its pid is gone, or now belongs to a process started at another time.
    package var isDeadOnThisMachine: Bool {
        let me = ClaimHolder.current
        guard host == me.host, boot == me.boot, boot != "?", pidNamespace == me.pidNamespace, pidNamespace != "?",
              startTime != "?"
        else { return false }
        guard let running = ClaimHolder.startTime(of: pid) else { return kill(pid, 0) != 0 && errno == ESRCH }
        return running != startTime
    }

    /// The kernel's id of this boot (changes at every reboot, when pids start over).
    static func bootID() -> String {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "-", with: "")
        return id.isEmpty ? "?" : id
    }

    /// The inode of this process's PID namespace (`pid:[4026531836]` → `4026531836`).
    static func pidNamespace() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/self/ns/pid", &buffer, buffer.count - 1)
        guard count > 0 else { return "?" }
        let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let digits = link.filter(\.isNumber)
        return digits.isEmpty ? "?" : digits
    }

    /// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks since boot; nil if no such process.
    static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may contain spaces and parentheses) start at field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
