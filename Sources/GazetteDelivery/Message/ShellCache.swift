import Foundation
import GazetteCore
import GazetteTemplates
import Synchronization

/// Encoded shells, found by the subscriber's preferences (equal preferences give an equal digest) or,
/// failing that, by what makes two digests of an edition differ: the openings shown, how many matched
/// and the salary groups followed (everything else in an edition is the same for all).
///
/// Bounded in bytes, not entries: a list with very varied preferences must not grow the run's memory
/// with its size. When full, the cache starts over (rendering a shell again costs about a millisecond).
final class ShellCache: Sendable {
    static let byteBudget = 24 << 20

    private struct State {
        var computation: UUID?
        var byPreferences: [Preferences: (digest: Digest, shell: MessageShell)] = [:]
        var byDigest: [String: MessageShell] = [:]
        var bytes = 0

        mutating func reset(_ computation: UUID) {
            self.computation = computation
            byPreferences.removeAll()
            byDigest.removeAll()
            bytes = 0
        }
    }

    private let state = Mutex(State())

    /// The digest for these preferences and its shell, rendering the shell on first use. Entries of
    /// another computation of the edition content (the daemon's next pass, another edition) are
    /// dropped: the data may have changed.
    func entry(
        content: EditionContent, preferences: Preferences, render: (Digest) throws(TemplateError) -> DigestShell
    ) throws(TemplateError) -> (digest: Digest, shell: MessageShell) {
        let computation = content.computation
        if let cached = state.withLock({ state -> (digest: Digest, shell: MessageShell)? in
            if state.computation != computation { state.reset(computation) }
            return state.byPreferences[preferences]
        }) {
            return cached
        }
        let digest = Digest(content: content, preferences: preferences)
        let key = ShellCache.key(digest)
        let shell: MessageShell
        if let known = state.withLock({ $0.computation == computation ? $0.byDigest[key] : nil }) {
            shell = known
        } else {
            shell = MessageShell(try render(digest))
        }
        // A preferences entry holds the digest's few openings besides the shared shell.
        let entryBytes = 256 * (digest.openings.count + digest.salaryChanges.count + 1)
        state.withLock { state in
            guard state.computation == computation else { return }
            if state.bytes + entryBytes + (state.byDigest[key] == nil ? shell.byteCount : 0) > ShellCache.byteBudget {
                state.reset(computation)
            }
            if state.byDigest[key] == nil {
                state.byDigest[key] = shell
                state.bytes += shell.byteCount
            }
            state.byPreferences[preferences] = (digest, shell)
            state.bytes += entryBytes
        }
        return (digest, shell)
    }

    static func key(_ digest: Digest) -> String {
        var key = "\(digest.edition)|\(digest.matchingCount)|"
        for opening in digest.openings { key += "\(opening.source)\u{1}\(opening.id)\u{2}" }
        key += "|"
        for change in digest.salaryChanges { key += "\(change.level.rawValue)\u{1}\(change.stack)\u{1}\(change.currency)\u{2}" }
        key += "|"
        for trend in digest.salaryTrends { key += "\(trend.key)\u{2}" }
        // The minimum-salary marker is the charts' only personal part: it matters only where a range is drawn,
        // and a minimum also filters the openings, so it rarely splits digests that were otherwise shared.
        if let minimum = digest.minimumSalary, digest.salaryTrends.contains(where: { $0.range != nil }) {
            key += "|min\(minimum)"
        }
        return key
    }
}
