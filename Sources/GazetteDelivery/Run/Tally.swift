import GazetteCore

/// Counts outcomes and reports progress.
actor Tally {
    struct Counts: Sendable {
        var sent = 0
        var deferred = 0
        var failed = 0
        var skipped = 0
        var done: Int { sent + deferred + failed + skipped }
    }

    private(set) var counts = Counts()
    let total: Int
    let progress: (@Sendable (SendProgress) -> Void)?

    init(total: Int, progress: (@Sendable (SendProgress) -> Void)?) {
        self.total = total
        self.progress = progress
    }

    func add(_ more: Counts) {
        counts.sent += more.sent
        counts.deferred += more.deferred
        counts.failed += more.failed
        counts.skipped += more.skipped
        progress?(SendProgress(
            done: counts.done, total: max(total, counts.done), sent: counts.sent, deferred: counts.deferred,
            failed: counts.failed, skipped: counts.skipped))
    }
}
