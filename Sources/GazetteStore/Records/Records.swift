import Foundation
import GRDB
import GazetteCore

// One record per table, mapping rows to the domain types of GazetteCore. Enumerations are stored
// by their raw values and lists as JSON arrays, so the file stays readable with the sqlite3 shell.

struct OpeningRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "opening"
    var source: String
    var id: String
    var company: String
    var title: String
    var level: String
    var stack: [String]
    var location: String
    var remote: Bool
    var salaryMin: Int?
    var salaryMax: Int?
    var currency: String
    var url: String
    var postedAt: Date
    var closedAt: Date?

    enum Columns {
        static let postedAt = Column(CodingKeys.postedAt)
        static let closedAt = Column(CodingKeys.closedAt)
    }

    init(_ o: Opening) {
        self.init(
            source: o.source, id: o.id, company: o.company, title: o.title, level: o.level.rawValue, stack: o.stack,
            location: o.location, remote: o.remote, salaryMin: o.salaryMin, salaryMax: o.salaryMax,
            currency: o.currency, url: o.url, postedAt: o.postedAt, closedAt: o.closedAt)
    }

    init(
        source: String, id: String, company: String, title: String, level: String, stack: [String], location: String,
        remote: Bool, salaryMin: Int?, salaryMax: Int?, currency: String, url: String, postedAt: Date, closedAt: Date?
    ) {
        self.source = source
        self.id = id
        self.company = company
        self.title = title
        self.level = level
        self.stack = stack
        self.location = location
        self.remote = remote
        self.salaryMin = salaryMin
        self.salaryMax = salaryMax
        self.currency = currency
        self.url = url
        self.postedAt = postedAt
        self.closedAt = closedAt
    }

    var opening: Opening? {
        guard let level = Level(rawValue: level) else { return nil }
        return Opening(
            source: source, id: id, company: company, title: title, level: level, stack: stack, location: location,
            remote: remote, salaryMin: salaryMin, salaryMax: salaryMax, currency: currency, url: url,
            postedAt: postedAt, closedAt: closedAt)
    }
}

struct SalaryObservationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "salaryObservation"
    var id: Int64?
    var observedOn: String
    var level: String
    var stack: String
    var region: String
    var amount: Int
    var currency: String
    var source: String

    enum Columns {
        static let observedOn = Column(CodingKeys.observedOn)
    }

    init(_ o: SalaryObservation) {
        id = nil
        observedOn = Timestamp.formatDay(o.observedOn)
        level = o.level.rawValue
        stack = o.stack
        region = o.region
        amount = o.amount
        currency = o.currency
        source = o.source
    }

    var observation: SalaryObservation? {
        guard let day = Timestamp.parseDay(observedOn), let level = Level(rawValue: level) else { return nil }
        return SalaryObservation(
            observedOn: day, level: level, stack: stack, region: region, amount: amount, currency: currency,
            source: source)
    }
}

struct CertificationRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "certification"
    var id: String
    var name: String
    var issuer: String
    var summary: String
    var url: String
    var featuredFrom: String?
    var featuredUntil: String?

    init(_ c: Certification) {
        id = c.id
        name = c.name
        issuer = c.issuer
        summary = c.summary
        url = c.url
        featuredFrom = c.featuredFrom.map(Timestamp.formatDay)
        featuredUntil = c.featuredUntil.map(Timestamp.formatDay)
    }

    var certification: Certification {
        Certification(
            id: id, name: name, issuer: issuer, summary: summary, url: url,
            featuredFrom: featuredFrom.flatMap(Timestamp.parseDay), featuredUntil: featuredUntil.flatMap(Timestamp.parseDay))
    }
}

struct SubscriberRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "subscriber"
    var id: Int64?
    var email: String
    var emailKey: String
    var name: String
    var timeZone: String
    var sendDay: Int
    var sendHour: Int
    var languages: [String]
    var levels: [String]
    var remoteOnly: Bool
    var locations: [String]
    var minSalary: Int?
    var skipEmpty: Bool
    var status: String
    var pausedUntil: Date?
    var createdAt: Date
    var updatedAt: Date

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let emailKey = Column(CodingKeys.emailKey)
        static let status = Column(CodingKeys.status)
    }

    init(_ s: Subscriber, now: Date) {
        id = s.id
        email = s.email
        emailKey = s.email.lowercased()
        name = s.name
        timeZone = s.timeZone
        sendDay = s.sendDay.rawValue
        sendHour = s.sendHour
        languages = s.preferences.languages
        levels = s.preferences.levels.map(\.rawValue)
        remoteOnly = s.preferences.remoteOnly
        locations = s.preferences.locations
        minSalary = s.preferences.minSalary
        skipEmpty = s.preferences.skipEmpty
        status = s.status.rawValue
        pausedUntil = s.pausedUntil
        createdAt = now
        updatedAt = now
    }

    /// Read by hand rather than through `Decodable`: every claim of every run reads subscribers, and
    /// the keyed decoding machinery cost more than the query.
    init(row: Row) throws {
        try self.init(row: row, at: Positions(row))
    }

    /// Read by column position: a claim reads many rows of one query, and finding each column by name
    /// (GRDB compares names case-insensitively) for every row cost more than decoding the values.
    init(row: Row, at positions: Positions) throws {
        let at = positions
        id = row[at.id]
        email = row[at.email]
        emailKey = row[at.emailKey]
        name = row[at.name]
        timeZone = row[at.timeZone]
        sendDay = row[at.sendDay]
        sendHour = row[at.sendHour]
        languages = try StoredList.strings(row[at.languages], column: "subscriber.languages")
        levels = try StoredList.strings(row[at.levels], column: "subscriber.levels")
        remoteOnly = row[at.remoteOnly]
        locations = try StoredList.strings(row[at.locations], column: "subscriber.locations")
        minSalary = row[at.minSalary]
        skipEmpty = row[at.skipEmpty]
        status = row[at.status]
        pausedUntil = row[at.pausedUntil]
        createdAt = row[at.createdAt]
        updatedAt = row[at.updatedAt]
    }

    /// Where a query's rows hold the subscriber's columns: found once per query.
    struct Positions {
        let id, email, emailKey, name, timeZone, sendDay, sendHour, languages, levels, remoteOnly, locations,
            minSalary, skipEmpty, status, pausedUntil, createdAt, updatedAt: Int

        init(_ row: Row) throws {
            // The first column of that name, compared as SQLite does (case-insensitively), as GRDB's `row[name]` finds it.
            let names = Array(row.columnNames).map { $0.lowercased() }
            func at(_ column: String) throws -> Int {
                guard let index = names.firstIndex(of: column.lowercased()) else { throw StoreError.database("subscriber.\(column) is missing") }
                return index
            }
            (id, email, emailKey, name, timeZone) = (try at("id"), try at("email"), try at("emailKey"), try at("name"), try at("timeZone"))
            (sendDay, sendHour, languages, levels) = (try at("sendDay"), try at("sendHour"), try at("languages"), try at("levels"))
            (remoteOnly, locations, minSalary, skipEmpty) = (try at("remoteOnly"), try at("locations"), try at("minSalary"), try at("skipEmpty"))
            (status, pausedUntil, createdAt, updatedAt) = (try at("status"), try at("pausedUntil"), try at("createdAt"), try at("updatedAt"))
        }
    }

    var subscriber: Subscriber {
        Subscriber(
            id: id, email: email, name: name, timeZone: timeZone, sendDay: Weekday(rawValue: sendDay) ?? .monday,
            sendHour: sendHour,
            preferences: Preferences(
                languages: languages, levels: levels.compactMap(Level.init(rawValue:)), remoteOnly: remoteOnly,
                locations: locations, minSalary: minSalary, skipEmpty: skipEmpty),
            status: SubscriberStatus(rawValue: status) ?? .active, pausedUntil: pausedUntil)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A list of strings as the JSON array `Encodable` stores and `Decodable` reads back, written and
/// read directly when no entry needs escaping (imports write one per row and field; claims read them).
package enum StoredList {
    /// - Parameter column: the table's name for it, e.g. `stack`, for `databaseJSONEncoder(for:)`.
    package static func json(_ items: [String], column: String) throws -> String {
        let needsEscaping = items.contains { $0.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x2F } }
        if !needsEscaping { return "[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        return String(decoding: try SubscriberRecord.databaseJSONEncoder(for: column).encode(items), as: UTF8.self)
    }

    /// `["Go","Python"]` without escapes, read directly; anything else (escapes, spaces) goes to `JSONDecoder`.
    private static func simpleList(_ text: String) -> [String]? {
        let bytes = text.utf8
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"), !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        let inner = text.utf8.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        var items: [String] = []
        for item in inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            // Each item must be exactly one quoted string; a comma inside quotes makes this fail, and then JSONDecoder reads it.
            guard item.count >= 2, item.first == UInt8(ascii: "\""), item.last == UInt8(ascii: "\""),
                  !item.dropFirst().dropLast().contains(UInt8(ascii: "\""))
            else { return nil }
            guard let value = String(item.dropFirst().dropLast()) else { return nil }
            items.append(value)
        }
        return items
    }

    /// A JSON array of strings, as stored in a text column.
    package static func strings(text: String, column: String) throws -> [String] {
        if let list = simpleList(text) { return list }
        do { return try JSONDecoder().decode([String].self, from: Data(text.utf8)) } catch {
            throw StoreError.database("\(column) is not a JSON array of strings")
        }
    }

    /// A JSON array of strings, as `Encodable` stored it.
    static func strings(_ value: DatabaseValue, column: String) throws -> [String] {
        let data: Data
        switch value.storage {
        case .string(let text):
            if let list = simpleList(text) { return list }
            data = Data(text.utf8)
        case .blob(let blob):
            data = blob
        default:
            throw DatabaseError(message: "\(column) is not a JSON array")
        }
        return try JSONDecoder().decode([String].self, from: data)
    }
}
