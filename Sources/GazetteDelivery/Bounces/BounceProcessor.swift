public import Foundation
public import GazetteCore
public import GazetteMail
public import GazetteStore
public import Logging

/// How one returned message was counted, as the `bounces:` summary line counts it.
public enum BounceOutcome: String, Sendable, CaseIterable {
    case hard, soft, complaint, ignored, unmatched
}

/// Turns a parsed report into a ledger change: finds the delivery it is about, then records it.
///
/// The delivery is found by the VERP token of an address the report was sent to (verified against the
/// subscriber's address, so an erased subscriber or a forged token matches nothing), else by the
/// returned Message-ID, which the ledger kept when the message was sent. Nothing else in a report — the
/// `Final-Recipient` least of all — is trusted to pick a subscriber: a report about someone else's
/// message must never suppress one of ours.
public struct BounceProcessor: Sendable {
    let database: any Store
    let signer: LinkSigner
    let logger: Logger

    public init(database: any Store, signer: LinkSigner, logger: Logger) {
        self.database = database
        self.signer = signer
        self.logger = logger
    }

    /// Parses and records one message.
    /// - Throws: `StoreError` when the database cannot be written (busy: try the message again later).
    public func process(_ message: IncomingMessage, now: Date) async throws -> BounceOutcome {
        let report = BounceParser.parse(message.bytes)
        var metadata: Logger.Metadata = ["report.origin": "\(message.origin)", "report.kind": "\(report.kind.rawValue)"]
        let action: ReturnedReport
        switch report.kind {
        case .notReport:
            logger.debug("not a delivery status or abuse report: ignored", metadata: metadata)
            return .ignored
        case .hard: action = .hardBounce
        case .soft: action = .softBounce
        case .complaint: action = .complaint
        }
        guard let delivery = try await match(report) else {
            logger.info("report matches no delivery: unmatched", metadata: metadata)
            return .unmatched
        }
        metadata["edition"] = "\(delivery.edition)"
        metadata["subscriber.id"] = "\(delivery.subscriberID)"
        switch try await database.record(action, for: delivery, diagnostic: report.diagnostic, now: now) {
        case .noDelivery:
            logger.info("report names no accepted message: unmatched", metadata: metadata)
            return .unmatched
        case .alreadyRecorded:
            logger.info("report already recorded", metadata: metadata)
        case .recorded:
            logger.notice("report recorded", metadata: metadata)
        }
        switch report.kind {
        case .hard: return .hard
        case .soft: return .soft
        case .complaint: return .complaint
        case .notReport: return .ignored
        }
    }

    /// The delivery a report is about, or nil.
    func match(_ report: BounceReport) async throws -> DeliveryReference? {
        for address in report.addresses {
            guard let claim = BounceAddress.claim(in: address),
                  let subscriber = try await database.subscriber(id: claim.subscriberID),
                  BounceAddress.verify(claim, email: subscriber.email, signer: signer)
            else { continue }
            return DeliveryReference(edition: claim.edition, subscriberID: claim.subscriberID)
        }
        if let messageID = report.messageID {
            return try await database.delivery(messageID: messageID)
        }
        return nil
    }
}
