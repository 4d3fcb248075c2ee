import GazetteCore
import GazetteTemplates
import Synchronization

/// The edition's chart markup, drawn once per computation of the edition content and shared by every
/// shell rendered from it: charts depend only on the group and the edition. Like `ShellCache`, it starts
/// over when another computation (the daemon's next pass, another edition) comes along.
final class ChartCache: Sendable {
    private let current = Mutex<EditionCharts?>(nil)

    func charts(for content: EditionContent) -> EditionCharts {
        if let known = current.withLock({ $0 }), known.computation == content.computation { return known }
        // Drawn outside the lock; two connections racing here draw the same markup twice, once.
        let drawn = EditionCharts(content)
        current.withLock { $0 = drawn }
        return drawn
    }
}
