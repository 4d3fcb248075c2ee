import Foundation
import GazetteCore
import GazetteDelivery
import GazetteStore
import GazetteWeb
import Logging
import ServiceLifecycle

/// The web's confirmation mailer in `gazette serve`. The signup already recorded the e-mail as owed in the
/// database (`requestSignup`, in the signup's transaction); this only wakes the sender, so a signup answers
/// at once and in the same time whether or not an e-mail is owed (a slow SMTP server would otherwise tell
/// who is new on the list).
struct ConfirmationWakeUp: ConfirmationMailer {
    let continuation: AsyncStream<Void>.Continuation

    func sendConfirmation(to subscriber: Subscriber, confirmURL: String, expires: Date) async throws {
        continuation.yield()
    }
}

/// Sends the confirmations the database says are owed, one by one, through the configured transport, as a
/// service of the `serve` group: at start (what a stopped serve left owed), on every signup, and every
/// `retryInterval` (what a relay refused or could not take). Each is marked sent once the relay took it; a
/// failure is logged and recorded, and the e-mail stays owed until its link would have expired.
struct ConfirmationMailService: Service {
    let sender: ConfirmationSender
    let database: any Store
    let signer: LinkSigner
    let baseURL: String
    let logger: Logger
    let wakeUps: AsyncStream<Void>
    let continuation: AsyncStream<Void>.Continuation
    var retryInterval: Duration = .seconds(60)

    init(sender: ConfirmationSender, database: any Store, signer: LinkSigner, baseURL: String, logger: Logger) {
        self.sender = sender
        self.database = database
        self.signer = signer
        self.baseURL = baseURL
        self.logger = logger
        // Wake-ups carry nothing: many while a pass runs mean one more pass.
        (wakeUps, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The web's mailer: wakes this service.
    var mailer: ConfirmationWakeUp { ConfirmationWakeUp(continuation: continuation) }

    func run() async throws {
        let continuation = self.continuation
        let interval = retryInterval
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                continuation.yield()
            }
        }
        defer { ticker.cancel() }
        continuation.yield()  // what a previous serve left owed
        for await _ in wakeUps.cancelOnGracefulShutdown() {
            await sendOwed()
        }
    }

    /// One pass over the owed e-mails. A batch that all went out may be followed by more; one with a
    /// failure ends the pass (the relay is likely down: try again at the next wake-up).
    func sendOwed() async {
        while true {
            let owed: [OwedConfirmation]
            do { owed = try await database.claimOwedConfirmations(now: Date(), limit: 50) } catch {
                logger.error("cannot read the confirmations owed", metadata: ["error": "\(error)"])
                return
            }
            var failed = false
            for confirmation in owed {
                let subscriber = confirmation.subscriber
                let url = ConfirmationLink.url(
                    baseURL: baseURL, signer: signer, subscriberID: subscriber.id!, email: subscriber.email,
                    expires: confirmation.expires)
                do {
                    try await sender.send(to: subscriber, confirmURL: url, expires: confirmation.expires)
                    try await database.confirmationSent(confirmation.id, now: Date())
                } catch {
                    failed = true
                    logger.error("confirmation e-mail not sent; it is tried again", metadata: [
                        "subscriber.id": "\(subscriber.id ?? 0)", "attempt": "\(confirmation.attempts + 1)", "error": "\(error)",
                    ])
                    try? await database.confirmationFailed(confirmation.id, error: "\(error)", now: Date())
                }
            }
            if failed || owed.count < 50 { return }
        }
    }
}
