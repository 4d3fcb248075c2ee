import Dispatch
import Foundation
import GazetteStore

/// The `sent` marks of every connection of a run, committed together (a group commit) by a thread of
/// their own.
///
/// A connection records its message's acceptance here right after the server's reply and waits until
/// it is committed before it starts its next message: a kill can then resend at most one message per
/// connection, as with one transaction per message. But the marks that arrive while a commit is running
/// wait for the next one and share its transaction, so a busy run makes few commits. Each waiting
/// connection is woken alone, when its own mark is stored.
///
/// `commit` is called only from the connections' own threads (it blocks), never from async code.
final class SentMarks: @unchecked Sendable {
    /// One connection's wait for its marks; reused for every message of a batch.
    final class Waiter: @unchecked Sendable {
        // `error` is written by the committer before it signals, read by the connection after its wait.
        fileprivate let committed = DispatchSemaphore(value: 0)
        fileprivate var error: (any Error)?
    }

    private let database: any Store
    // `waiting` and `finished` are guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var waiting: [(entry: LedgerEntry, waiter: Waiter)] = []
    private var finished = false

    init(database: any Store) {
        self.database = database
        let thread = Thread { [self] in commitUntilFinished() }
        thread.name = "gazette.sent-marks"
        thread.start()
    }

    /// Records one acceptance and returns once it is committed.
    /// - Throws: the store's error when the group holding this mark could not be committed.
    func commit(deliveryID: Int64, messageID: String, waiter: Waiter) throws {
        condition.lock()
        waiting.append((LedgerEntry(deliveryID: deliveryID, change: .sent(messageID: messageID)), waiter))
        condition.signal()
        condition.unlock()
        waiter.committed.wait()
        if let error = waiter.error {
            waiter.error = nil
            throw error
        }
    }

    /// Ends the committer once the marks already handed in are stored; call when no connection sends any more.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func commitUntilFinished() {
        while true {
            condition.lock()
            while waiting.isEmpty && !finished { condition.wait() }
            let group = waiting
            waiting = []
            let done = finished && group.isEmpty
            condition.unlock()
            if done { return }
            var failure: (any Error)?
            do { try database.recordBlocking(group.map(\.entry), now: Date()) } catch { failure = error }
            for (_, waiter) in group {
                waiter.error = failure
                waiter.committed.signal()
            }
        }
    }
}
