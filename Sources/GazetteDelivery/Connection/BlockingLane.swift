import Dispatch

/// A serial lane of its own thread for blocking calls (libcurl, file I/O), so they never occupy
/// Swift's cooperative thread pool; one lane per connection.
final class BlockingLane: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
