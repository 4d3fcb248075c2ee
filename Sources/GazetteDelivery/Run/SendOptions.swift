public import Foundation
public import GazetteCore

/// What one `gazette send` run should do.
public struct SendOptions: Sendable {
    public var edition: Edition
    /// The moment the run acts at: the real time, or `--at` (due times, backoff, the closing guard).
    public var now: Date
    /// Which active subscribers this run sends the edition to.
    public enum Selection: Sendable, Equatable {
        /// Those whose local send time for the edition has come (`--week W`).
        case due
        /// Everyone, whatever their send time (`--now`).
        case everyone
        /// Those for whom this is the latest edition due (a plain `send`; see `SendSchedule.targetEdition`).
        case latestDue(finishPrevious: Bool)
    }

    public var selection = Selection.due

    /// `--now`: send to every active subscriber, whatever their local send time.
    public var ignoreSchedule: Bool {
        get { selection == .everyone }
        set { selection = newValue ? .everyone : .due }
    }
    public var dryRun = false
    /// `--only`: just this subscriber.
    public var only: String?
    /// `--limit`: at most this many messages this run.
    public var limit: Int?
    /// Parallel connections.
    public var concurrency = 4
    /// Messages per second across all connections; nil for no limit.
    public var rate: Double?
    /// Skip digests in which no opening matched, for everyone.
    public var skipEmpty = false

    public init(edition: Edition, now: Date) {
        self.edition = edition
        self.now = now
    }
}

/// What a run did, for the closing summary line and the exit status.
public struct SendSummary: Sendable {
    public struct PlannedMessage: Sendable {
        public var edition: Edition
        public var email: String
        public var name: String
        public var due: Date
        public var openings: Int
        public var matching: Int
        public var salaryChanges: Int
        public var certifications: Int
        public var skip: Bool
    }

    public var edition: Edition
    public var dryRun = false
    public var sent = 0
    public var alreadySent = 0
    /// Deferred in this run, plus those still waiting for their next attempt.
    public var deferred = 0
    public var failed = 0
    public var skipped = 0
    /// Rows found `sending` from a run that died, queued again.
    public var recovered = 0
    /// Stopped by a signal before everything due was sent.
    public var interrupted = false
    /// Rows still ready to send when an interrupted run stopped.
    public var pending = 0
    public var seconds = 0.0
    /// The dry run's listing.
    public var plan: [PlannedMessage] = []

    /// Several editions' runs as one (a plain `send` may finish last week's and start next week's).
    public static func combined(_ summaries: [SendSummary], edition: Edition) -> SendSummary {
        var total = SendSummary(edition: edition)
        for s in summaries {
            total.dryRun = total.dryRun || s.dryRun
            total.sent += s.sent
            total.alreadySent += s.alreadySent
            total.deferred += s.deferred
            total.failed += s.failed
            total.skipped += s.skipped
            total.recovered += s.recovered
            total.interrupted = total.interrupted || s.interrupted
            total.pending += s.pending
            total.seconds += s.seconds
            total.plan += s.plan
        }
        return total
    }

    /// The last line `send` prints.
    public var line: String { "\(edition)\(dryRun ? " (dry run)" : ""): \(counts)" }

    private var counts: String {
        let first = dryRun ? "would send \(plan.filter { !$0.skip }.count)" : "sent \(sent)"
        return "\(first), already sent \(alreadySent), deferred \(deferred), failed \(failed), skipped \(skipped), "
            + "seconds \(String(format: "%.2f", seconds))"
    }

    /// Whether the run found anything of this edition to report: a message sent, planned, skipped,
    /// already sent, waiting or recovered.
    public var touchedAnything: Bool {
        sent + alreadySent + deferred + failed + skipped + recovered + pending > 0 || !plan.isEmpty
    }

    /// The summary lines of a plain `send` that looked at several editions: one per edition it handled,
    /// each naming its own edition, and when there were several, a last line with the totals.
    /// When it handled none, the one line of `fallback` (the edition of the run's moment).
    public static func lines(_ summaries: [SendSummary], fallback: Edition) -> [String] {
        let handled = summaries.filter(\.touchedAnything)
        switch handled.count {
        case 0:
            var idle = combined(summaries, edition: fallback)
            idle.edition = fallback
            return [idle.line]
        case 1:
            return [handled[0].line]
        default:
            let total = combined(handled, edition: fallback)
            let names = handled.map(\.edition.description).joined(separator: " + ")
            return handled.map(\.line) + ["total (\(names))\(total.dryRun ? " (dry run)" : ""): \(total.counts)"]
        }
    }
}

/// A snapshot for the progress line.
public struct SendProgress: Sendable {
    public var done: Int
    public var total: Int
    public var sent: Int
    public var deferred: Int
    public var failed: Int
    public var skipped: Int
}
