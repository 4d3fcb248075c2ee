import Foundation
import GazetteStore

/// The `sent` marks of every connection of a run, committed together (a group commit).
///
/// A connection records its message's acceptance here right after the server's reply and waits until
/// it is committed before it starts its next message: a kill can then resend at most one message per
/// connection, as with one transaction per message. But the marks of connections that finish at about
/// the same time share one transaction: whoever finds no commit running becomes the leader and commits
/// everything gathered so far on its own thread, and the marks that arrive meanwhile wait for the next
/// leader. No thread of its own, no hand-off for the leader.
///
/// Called only from the connections' own threads (it blocks), never from async code.
final class SentMarks: @unchecked Sendable {
    private let database: any Store
    // Everything below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var gathering: [LedgerEntry] = []
    /// The number the marks now gathering will be committed under.
    private var gatheringNumber: UInt64 = 1
    /// Groups 1 through this one are committed (or failed).
    private var committedThrough: UInt64 = 0
    private var failures: [UInt64: any Error] = [:]
    private var leading = false

    init(database: any Store) {
        self.database = database
    }

    /// Records one acceptance and returns once it is committed.
    /// - Throws: the store's error when the group holding this mark could not be committed.
    func commit(deliveryID: Int64, messageID: String) throws {
        condition.lock()
        defer { condition.unlock() }
        gathering.append(LedgerEntry(deliveryID: deliveryID, change: .sent(messageID: messageID)))
        let mine = gatheringNumber
        while committedThrough < mine {
            if leading {
                condition.wait()
                continue
            }
            leading = true
            let group = gathering
            let number = gatheringNumber
            gathering = []
            gatheringNumber += 1
            condition.unlock()
            var failure: (any Error)?
            do { try database.recordBlocking(group, now: Date()) } catch { failure = error }
            condition.lock()
            if let failure { failures[number] = failure }
            committedThrough = number
            leading = false
            condition.broadcast()
        }
        if let failure = failures[mine] { throw failure }
    }
}
