import Foundation
import GazetteStore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Holds the run lease of one edition: renewed by a heartbeat of its own while the run lives, whatever
/// its messages are doing, and checked before every transaction, so a run that stalled or was paused past
/// the lease's expiry stops instead of sending rows another run has taken over (fencing).
///
/// Lease times use the real clock, never `--at`: they protect against another process running now.
final class LeaseKeeper: Sendable {
    let database: any Store
    let name: String
    /// This run's identity: the process's, with a nonce of its own (a daemon runs many passes).
    let holder = LeaseHolder.forThisProcess().description
    /// Long enough to ride out a busy database, short enough that a killed run blocks the next for little time.
    let duration: TimeInterval
    /// The heartbeat renews this often: three renewals may fail before the lease runs out.
    var renewalInterval: TimeInterval { duration / 4 }
    /// The lease counts as ours until this long before its expiry, so that clock drift between machines
    /// and the moment between a check and a transaction cannot let two runs send at once.
    var safetyMargin: TimeInterval { duration / 8 }

    private struct State {
        /// Monotonic (includes time the process was stopped or the machine suspended).
        var validUntil: ContinuousClock.Instant
        var lost = false
        /// Set once `acquire` returned: before that, a failed renewal only means the lease is not ours yet.
        var acquired = false
    }
    private let state: Mutex<State>

    init(database: any Store, name: String, duration: TimeInterval = 120) {
        self.database = database
        self.name = name
        self.duration = duration
        state = Mutex(State(validUntil: .now))
    }

    /// Whether this run may start another transaction: the lease was renewed recently enough and was not
    /// taken over. Cheap; called before every message.
    var isValid: Bool {
        state.withLock { !$0.lost && ContinuousClock.now < $0.validUntil }
    }

    /// What a claim commits together with the renewal of this lease.
    var claim: LeaseClaim { LeaseClaim(name: name, holder: holder, duration: duration) }

    /// Takes the lease. Start the heartbeat first (`startHeartbeat`): the acquisition commits on the
    /// store's side, and this task may wait for a free thread of Swift's pool before it resumes; the
    /// heartbeat, on a thread of its own, keeps the lease from expiring in between.
    func acquire() async throws {
        let started = ContinuousClock.now
        try await database.acquireLease(name: name, holder: holder, now: Date(), duration: duration) { other in
            LeaseHolder(other)?.isDeadOnThisMachine ?? false
        }
        renewed(at: started)
        state.withLock { $0.acquired = true }
    }

    /// Records a successful renewal that started at `started` (a renewal in the same transaction as a claim).
    ///
    /// Only ever extends: a claim that started before a heartbeat's renewal may finish after it (its task
    /// waits for a free thread), and must not shorten the validity the heartbeat has just established.
    func renewed(at started: ContinuousClock.Instant) {
        let until = started.advanced(by: .seconds(duration - safetyMargin))
        state.withLock { $0.validUntil = max($0.validUntil, until) }
    }

    /// Renews the lease now, blocking this thread (the heartbeat's own); marks it lost (for good) when
    /// another run has it.
    func renew() throws {
        let started = ContinuousClock.now
        do {
            try database.renewLeaseBlocking(name: name, holder: holder, now: Date(), duration: duration)
            renewed(at: started)
        } catch StoreError.leaseLost(let name) {
            if isAcquired { markLost() }
            throw StoreError.leaseLost(name: name)
        }
    }

    private var isAcquired: Bool { state.withLock { $0.acquired } }

    func markLost() { state.withLock { $0.lost = true } }

    /// Starts renewing every `renewalInterval` on a timer thread of its own, so the heartbeat beats even
    /// when every thread of Swift's pool is busy. A failed renewal (a busy database) is retried at the next
    /// beat; the lease then simply runs out locally, and the run stops at its next transaction.
    /// - Returns: the heartbeat; cancel it when the run ends.
    func startHeartbeat(logger: Logger) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "gazette.lease-heartbeat"))
        let interval = DispatchTimeInterval.milliseconds(Int(renewalInterval * 1000))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [self] in
            guard !isLost else { return }
            do {
                try renew()
            } catch StoreError.leaseLost {
                // Before `acquire` returned, the lease is simply not ours (yet, or at all).
                guard isAcquired else { return }
                logger.error("lost the send lease to another run; stopping before the next message", metadata: ["lease": "\(name)"])
            } catch {
                logger.warning("could not renew the send lease; will retry", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
        timer.resume()
        return timer
    }

    private var isLost: Bool { state.withLock { $0.lost } }

    func release() async throws {
        try await database.releaseLease(name: name, holder: holder)
    }
}

/// Who holds a lease: `host:boot:pidns:pid:start:uuid`.
///
/// A run on the same machine may take over at once from a holder that died (SIGKILL, OOM) instead of
/// waiting for the lease to expire, but only when it can be sure: the same host name is not enough (a
/// container with host networking shares it), nor is a pid (another PID namespace numbers its own, and
/// pids are reused). So the holder names the boot, the PID namespace, and its process's start time.
package struct LeaseHolder: CustomStringConvertible, Equatable {
    package var host: String
    package var boot: String
    package var pidNamespace: String
    package var pid: Int32
    package var startTime: String
    package var nonce: String

    /// This process (its nonce is the process's first; `forThisProcess()` makes a fresh one).
    package static let current = LeaseHolder(
        host: ProcessInfo.processInfo.hostName, boot: LeaseHolder.bootID(), pidNamespace: LeaseHolder.pidNamespace(),
        pid: getpid(), startTime: LeaseHolder.startTime(of: getpid()) ?? "?", nonce: UUID().uuidString)

    /// This process, with a nonce of its own: two runs of one process are two holders.
    static func forThisProcess() -> LeaseHolder {
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
        let me = LeaseHolder.current
        guard host == me.host, boot == me.boot, boot != "?", pidNamespace == me.pidNamespace, pidNamespace != "?",
              startTime != "?"
        else { return false }
        guard let running = LeaseHolder.startTime(of: pid) else { return kill(pid, 0) != 0 && errno == ESRCH }
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
