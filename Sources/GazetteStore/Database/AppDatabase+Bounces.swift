public import Foundation
public import GazetteCore
import GRDB

/// What a report that came back by e-mail asks the ledger to record.
public enum ReturnedReport: String, Sendable, CaseIterable {
    /// Permanent failure: the row becomes `bounced`, the address is suppressed.
    case hardBounce
    /// Temporary failure: stamped on the row; three editions in a row suppress the address.
    case softBounce
    /// Abuse report: the row becomes `complained`, the subscriber unsubscribed and suppressed.
    case complaint
}

/// What recording a report did.
public enum ReportEffect: Sendable, Equatable {
    /// Something changed (the row, the subscriber or the suppression list).
    case recorded
    /// The report had been recorded before: nothing changed.
    case alreadyRecorded
    /// No accepted message of that edition to that subscriber: nothing changed.
    case noDelivery
}

/// The delivery a returned report is about.
public struct DeliveryReference: Sendable, Hashable {
    public var edition: Edition
    public var subscriberID: Int64

    public init(edition: Edition, subscriberID: Int64) {
        self.edition = edition
        self.subscriberID = subscriberID
    }
}

extension SQLiteStore {
    /// The delivery whose message carried this Message-ID (the ledger keeps each one it sent).
    public func delivery(messageID: String) async throws -> DeliveryReference? {
        try await read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT edition, subscriberId FROM delivery WHERE messageId = ? LIMIT 1", arguments: [messageID])
            else { return nil }
            guard let edition = Edition(row["edition"] as String) else { return nil }
            return DeliveryReference(edition: edition, subscriberID: row["subscriberId"])
        }
    }

    /// Applies one report to the ledger, the subscriber and the suppression list, in one transaction.
    ///
    /// Only a row the server accepted (`sent`, or already `bounced`/`complained`) is touched: a report
    /// about anything else names a message Gazette has no record of sending. Idempotent: recording the
    /// same report again changes nothing and answers `.alreadyRecorded`.
    ///
    /// - Parameter diagnostic: one sanitised line from the report, kept on the row and in the suppression reason.
    public func record(
        _ report: ReturnedReport, for delivery: DeliveryReference, diagnostic: String, now: Date
    ) async throws -> ReportEffect {
        try await write { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT delivery.id, delivery.state, delivery.softBounceAt, subscriber.email, subscriber.status
                    FROM delivery JOIN subscriber ON subscriber.id = delivery.subscriberId
                    WHERE delivery.edition = ? AND delivery.subscriberId = ? AND delivery.state IN (?, ?, ?)
                    """,
                arguments: [
                    delivery.edition.description, delivery.subscriberID, DeliveryState.sent.rawValue,
                    DeliveryState.bounced.rawValue, DeliveryState.complained.rawValue,
                ])
            else { return .noDelivery }
            let id: Int64 = row["id"]
            let state = DeliveryState(rawValue: row["state"]) ?? .sent
            let email: String = row["email"]
            let stamp = StoredDate(now)
            var changed = false

            func suppress(_ reason: String) throws {
                try db.execute(
                    sql: "INSERT INTO suppression (emailKey, reason, createdAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [email.lowercased(), reason, stamp])
                changed = changed || db.changesCount > 0
            }

            switch report {
            case .hardBounce:
                if state == .sent {
                    try db.execute(
                        sql: "UPDATE delivery SET state = ?, bounceDiagnostic = ?, bouncedAt = ?, updatedAt = ? WHERE id = ?",
                        arguments: [DeliveryState.bounced.rawValue, diagnostic, stamp, stamp, id])
                    changed = true
                }
                try suppress("hard bounce (\(delivery.edition)): \(diagnostic)")
            case .softBounce:
                if (row["softBounceAt"] as DatabaseValue).isNull {
                    try db.execute(
                        sql: """
                            UPDATE delivery SET softBounceAt = ?, bounceDiagnostic = COALESCE(bounceDiagnostic, ?), updatedAt = ?
                            WHERE id = ?
                            """,
                        arguments: [stamp, diagnostic, stamp, id])
                    changed = true
                }
                // The latest editions this subscriber was sent, up to this one: all soft-bounced → suppressed.
                let recent = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT softBounceAt FROM delivery WHERE subscriberId = ? AND edition <= ? AND state IN (?, ?, ?)
                        ORDER BY edition DESC LIMIT ?
                        """,
                    arguments: [
                        delivery.subscriberID, delivery.edition.description, DeliveryState.sent.rawValue,
                        DeliveryState.bounced.rawValue, DeliveryState.complained.rawValue,
                        StorePolicy.softBouncesBeforeSuppression,
                    ])
                if recent.count == StorePolicy.softBouncesBeforeSuppression, recent.allSatisfy({ !($0["softBounceAt"] as DatabaseValue).isNull }) {
                    try suppress("soft bounces in \(StorePolicy.softBouncesBeforeSuppression) editions in a row; last (\(delivery.edition)): \(diagnostic)")
                }
            case .complaint:
                if state != .complained {
                    try db.execute(
                        sql: "UPDATE delivery SET state = ?, bounceDiagnostic = ?, bouncedAt = ?, updatedAt = ? WHERE id = ?",
                        arguments: [DeliveryState.complained.rawValue, diagnostic, stamp, stamp, id])
                    changed = true
                }
                try db.execute(
                    sql: "UPDATE subscriber SET status = ?, updatedAt = ? WHERE id = ? AND status != ?",
                    arguments: [
                        SubscriberStatus.unsubscribed.rawValue, stamp, delivery.subscriberID, SubscriberStatus.unsubscribed.rawValue,
                    ])
                changed = changed || db.changesCount > 0
                try suppress("complaint (\(delivery.edition)): \(diagnostic)")
            }
            return changed ? .recorded : .alreadyRecorded
        }
    }

    /// Rows with a soft bounce recorded, for `status`.
    public func softBounceCount(edition: Edition) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM delivery WHERE edition = ? AND softBounceAt IS NOT NULL",
                arguments: [edition.description]) ?? 0
        }
    }
}
