import Foundation
import GazetteCore
import GazetteDelivery
import GazetteWeb
import Logging
import ServiceLifecycle

/// One confirmation e-mail owed to a signup.
struct ConfirmationRequest: Sendable {
    var subscriber: Subscriber
    var confirmURL: String
    var expires: Date
}

/// The web's confirmation mailer in `gazette serve`: it only queues, so a signup answers at once and in the
/// same time whether or not an e-mail is owed (a slow SMTP server would otherwise tell who is new on the list).
struct QueuedConfirmations: ConfirmationMailer {
    let continuation: AsyncStream<ConfirmationRequest>.Continuation

    func sendConfirmation(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws {
        continuation.yield(ConfirmationRequest(subscriber: subscriber, confirmURL: confirmURL, expires: expires))
    }
}

/// Sends the queued confirmations one by one through the configured transport, as a service of the
/// `serve` group. A failure is logged: the person may sign up again after ten minutes.
struct ConfirmationMailService: Service {
    let sender: ConfirmationSender
    let requests: AsyncStream<ConfirmationRequest>
    let logger: Logger

    /// The queue and its writer; beyond `capacity` waiting e-mails the oldest are dropped (a flood of distinct
    /// addresses must not grow memory without bound).
    static func queue(capacity: Int = 10_000) -> (AsyncStream<ConfirmationRequest>, AsyncStream<ConfirmationRequest>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: ConfirmationRequest.self, bufferingPolicy: .bufferingNewest(capacity))
        return (stream, continuation)
    }

    func run() async throws {
        for await request in requests.cancelOnGracefulShutdown() {
            do {
                try await sender.send(to: request.subscriber, confirmURL: request.confirmURL, expires: request.expires)
            } catch {
                logger.error("confirmation e-mail not sent", metadata: [
                    "subscriber.id": "\(request.subscriber.id ?? 0)", "error": "\(error)",
                ])
            }
        }
    }
}
