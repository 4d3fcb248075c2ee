public import Foundation

/// When a deferred message is tried again: exponential backoff, capped, and a limit after which
/// the message is recorded as failed instead of retried for ever.
public struct RetryPolicy: Sendable {
    public var firstDelay: TimeInterval = 5 * 60
    public var maximumDelay: TimeInterval = 4 * 3600
    public var maximumAttempts = 8
    /// Permanent refusals (5xx) after which an address is suppressed: mailing it again hurts the sender's reputation.
    public var hardFailuresBeforeSuppression = 2

    public init() {}

    /// The delay after the `attempt`-th failed attempt (1-based): 5 min, 10, 20, … up to 4 h.
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(maximumDelay, firstDelay * pow(2, Double(max(0, attempt - 1))))
    }
}
