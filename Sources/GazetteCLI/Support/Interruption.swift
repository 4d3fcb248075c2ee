import Foundation
import UnixSignals

/// Runs `body` so that SIGINT or SIGTERM cancels it instead of killing the process: a send run then
/// stops claiming, finishes and records the messages in flight, and still prints its summary.
enum Interruption {
    static func cancellingOnSignals<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                    FileHandle.standardError.write(Data(
                        "gazette: received \(signal): finishing the messages in flight, then stopping\n".utf8))
                    return nil
                }
                return nil
            }
            var result: T?
            while let next = try await group.next() {
                if let next { result = next }
                // Either the work is done (stop listening) or a signal came (stop the work).
                group.cancelAll()
            }
            guard let result else { throw CancellationError() }
            return result
        }
    }
}
