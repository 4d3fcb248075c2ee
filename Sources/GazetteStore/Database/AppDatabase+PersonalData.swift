public import Foundation
public import GazetteCore
import GRDB

/// One stored value as it is in the database, for the personal-data export.
public enum StoredValue: Sendable, Equatable, Encodable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .text(data.base64EncodedString())
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .integer(let number): try container.encode(number)
        case .real(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        }
    }
}

/// Everything stored about one person (GDPR access request): their subscriber row (preferences included)
/// and every ledger row, column by column as stored, so a column added later is exported without a change here.
public struct PersonalData: Sendable, Encodable {
    /// Null when only the suppression list still names the address (bounced, then deleted).
    public var subscriber: [String: StoredValue]?
    public var deliveries: [[String: StoredValue]]
    /// Reasons the address is on the suppression list (bounces, complaints), if it is.
    public var suppression: [[String: StoredValue]]
    /// Confirmation e-mails owed or sent to them (`confirmationOutbox`), with any relay error.
    public var confirmations: [[String: StoredValue]]

    package init(
        subscriber: [String: StoredValue]?, deliveries: [[String: StoredValue]], suppression: [[String: StoredValue]],
        confirmations: [[String: StoredValue]]
    ) {
        self.subscriber = subscriber
        self.deliveries = deliveries
        self.suppression = suppression
        self.confirmations = confirmations
    }

    /// The export as a person downloads it: sorted keys and dates as stored, so two exports of the same data
    /// are identical.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

extension SQLiteStore {
    /// - Returns: nil when no row names this address.
    public func personalData(email: String) async throws -> PersonalData? {
        let key = email.lowercased()
        return try await read { db -> PersonalData? in
            let subscriber = try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE emailKey = ?", arguments: [key])
            let suppression = try Row.fetchAll(db, sql: "SELECT * FROM suppression WHERE emailKey = ?", arguments: [key])
            guard subscriber != nil || !suppression.isEmpty else { return nil }
            var deliveries: [Row] = []
            var confirmations: [Row] = []
            if let subscriber {
                let id: Int64 = subscriber["id"]
                deliveries = try Row.fetchAll(
                    db, sql: "SELECT * FROM delivery WHERE subscriberId = ? ORDER BY edition, id", arguments: [id])
                confirmations = try Row.fetchAll(
                    db, sql: "SELECT * FROM confirmationOutbox WHERE subscriberId = ? ORDER BY id", arguments: [id])
            }
            return PersonalData(
                subscriber: subscriber.map(Self.columns), deliveries: deliveries.map(Self.columns),
                suppression: suppression.map(Self.columns), confirmations: confirmations.map(Self.columns))
        }
    }

    private static func columns(_ row: Row) -> [String: StoredValue] {
        var result: [String: StoredValue] = [:]
        for (column, value) in row { result[column] = StoredValue(value) }
        return result
    }

    /// Erases a person (GDPR erasure): their subscriber row, every ledger row and suppression entry naming them,
    /// in one transaction. Only the keyed hash of the address stays suppressed, so no later import or signup
    /// mails them without a new confirmation.
    /// - Returns: false when nothing named the address; nothing is written then.
    @discardableResult
    public func erase(email: String, now: Date, signer: LinkSigner) async throws -> Bool {
        let key = email.lowercased()
        return try await write { db in
            try db.execute(sql: "DELETE FROM suppression WHERE emailKey = ?", arguments: [key])
            var found = db.changesCount > 0
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM subscriber WHERE emailKey = ?", arguments: [key]) {
                // The foreign key cascades too; deleting explicitly does not depend on the pragma.
                try db.execute(sql: "DELETE FROM delivery WHERE subscriberId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM confirmationOutbox WHERE subscriberId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM subscriber WHERE id = ?", arguments: [id])
                found = true
            }
            guard found else { return false }
            try db.execute(
                sql: "INSERT INTO suppressedHash (hash, reason, createdAt) VALUES (?, 'erased', ?) ON CONFLICT DO NOTHING",
                arguments: [signer.addressHash(key), StoredDate(now)])
            return found
        }
    }
}
