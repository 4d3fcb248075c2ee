public import Foundation
public import GazetteCore

/// Sends the double opt-in e-mail. The CLI (the composition root) implements it with the templates and the
/// configured transport; the web module only decides when one is owed.
public protocol ConfirmationMailer: Sendable {
    /// - Parameters:
    ///   - confirmURL: `BASE_URL/confirm/TOKEN`, already signed.
    ///   - expires: when the link stops working, for the e-mail's text.
    func sendConfirmation(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws
}
