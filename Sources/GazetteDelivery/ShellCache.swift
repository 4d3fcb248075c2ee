import Foundation
import GazetteCore
import GazetteTemplates
import Synchronization

/// Shells keyed by what makes two digests of an edition differ: the openings shown, how many matched
/// and the salary groups followed (everything else in an edition is the same for all).
final class ShellCache: Sendable {
    /// About 17 KB a shell: a thousand preference combinations stay well inside a small machine's memory.
    static let capacity = 1024
    private struct State {
        var computation: UUID?
        var entries: [String: DigestShell] = [:]
    }
    private let state = Mutex(State())

    /// The shell for this digest, rendering it on first use. Shells of another computation of the edition
    /// content (the daemon's next pass, another edition) are dropped: the data may have changed.
    func shell(for digest: Digest, render: () throws(TemplateError) -> DigestShell) throws(TemplateError) -> DigestShell {
        let key = ShellCache.key(digest)
        let computation = digest.content.computation
        let cached = state.withLock { state -> DigestShell? in
            if state.computation != computation {
                state.computation = computation
                state.entries.removeAll()
            }
            return state.entries[key]
        }
        if let cached { return cached }
        let shell = try render()
        state.withLock { state in
            guard state.computation == computation else { return }
            if state.entries.count >= ShellCache.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = shell
        }
        return shell
    }

    static func key(_ digest: Digest) -> String {
        var key = "\(digest.edition)|\(digest.matchingCount)|"
        for opening in digest.openings { key += "\(opening.source)\u{1}\(opening.id)\u{2}" }
        key += "|"
        for change in digest.salaryChanges { key += "\(change.level.rawValue)\u{1}\(change.stack)\u{1}\(change.currency)\u{2}" }
        return key
    }
}
