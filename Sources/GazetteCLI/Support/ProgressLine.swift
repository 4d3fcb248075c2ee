import Foundation
import GazetteDelivery
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A live progress line on a terminal (standard error); nothing when output goes to a file or a pipe,
/// where the log lines already tell the story.
final class ProgressLine: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lastDraw = Mutex<(time: Double, drawn: Bool)>((0, false))

    func report(_ progress: SendProgress) {
        guard isTerminal else { return }
        let now = Date().timeIntervalSince1970
        let shouldDraw = lastDraw.withLock { state in
            // Redraw at most ten times a second, and always for the last message.
            guard now - state.time >= 0.1 || progress.done == progress.total else { return false }
            state = (now, true)
            return true
        }
        guard shouldDraw else { return }
        let line = "\r\u{1B}[2K\(progress.done)/\(progress.total) sent \(progress.sent), deferred \(progress.deferred), "
            + "failed \(progress.failed), skipped \(progress.skipped)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if lastDraw.withLock({ $0.drawn }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
