public import Foundation
public import GazetteCore
import GRDB

extension AppDatabase {
    /// Stores openings, replacing any with the same (source, id). One transaction: all or nothing.
    @discardableResult
    public func upsertOpenings(_ openings: [Opening]) throws -> Int {
        try write { db in
            // One prepared statement for the whole file: GRDB's record `upsert` builds its SQL and encodes
            // the record through `Encodable` for every row, which made a 100,000-row feed take 14 s.
            let statement = try db.cachedStatement(sql: """
                INSERT INTO opening (source, id, company, title, level, stack, location, remote, salaryMin,
                    salaryMax, currency, url, postedAt, closedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, id) DO UPDATE SET company = excluded.company, title = excluded.title,
                    level = excluded.level, stack = excluded.stack, location = excluded.location,
                    remote = excluded.remote, salaryMin = excluded.salaryMin, salaryMax = excluded.salaryMax,
                    currency = excluded.currency, url = excluded.url, postedAt = excluded.postedAt,
                    closedAt = excluded.closedAt
                """)
            for opening in openings {
                try statement.execute(arguments: [
                    opening.source, opening.id, opening.company, opening.title, opening.level.rawValue,
                    try StoredList.json(opening.stack, column: "stack"), opening.location, opening.remote, opening.salaryMin,
                    opening.salaryMax, opening.currency, opening.url, StoredDate(opening.postedAt),
                    opening.closedAt.map(StoredDate.init),
                ])
            }
            return openings.count
        }
    }

    /// Stores salary observations; a row identical to a stored one is the same observation and is skipped.
    /// - Returns: how many were new.
    @discardableResult
    public func insertSalaries(_ observations: [SalaryObservation]) throws -> Int {
        try write { db in
            var inserted = 0
            for observation in observations {
                try SalaryObservationRecord(observation).insert(db, onConflict: .ignore)
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// Stores certifications, replacing any with the same id.
    @discardableResult
    public func upsertCertifications(_ certifications: [Certification]) throws -> Int {
        try write { db in
            for certification in certifications { try CertificationRecord(certification).upsert(db) }
            return certifications.count
        }
    }

    /// Openings open at `moment`: posted before it and not closed by then.
    public func openingsOpen(at moment: Date) throws -> [Opening] {
        try read { db in
            try OpeningRecord
                .filter(OpeningRecord.Columns.postedAt < moment)
                .filter(OpeningRecord.Columns.closedAt == nil || OpeningRecord.Columns.closedAt > moment)
                .fetchAll(db)
                .compactMap(\.opening)
        }
    }

    /// Salary observations made on the days `from` up to and excluding `until`.
    public func salaryObservations(from: CivilDate, until: CivilDate) throws -> [SalaryObservation] {
        let low = Timestamp.formatDay(from)
        let high = Timestamp.formatDay(until)
        return try read { db in
            try SalaryObservationRecord
                .filter(SalaryObservationRecord.Columns.observedOn >= low && SalaryObservationRecord.Columns.observedOn < high)
                .fetchAll(db)
                .compactMap(\.observation)
        }
    }

    public func certifications() throws -> [Certification] {
        try read { db in try CertificationRecord.fetchAll(db).map(\.certification) }
    }

    /// Everything edition `edition` shows that is the same for every reader, from one consistent read.
    public func editionContent(_ edition: Edition, rules: EditionContent.Rules = .init()) throws -> EditionContent {
        // The salary changes compare W−1 with W−2; the trend charts draw W−8 … W−1.
        let firstWeek = edition.advanced(by: -SalaryTrend.weekCount)
        let openings = try openingsOpen(at: edition.start)
        let salaries = try salaryObservations(
            from: CivilDate(daysSinceEpoch: firstWeek.startDay), until: CivilDate(daysSinceEpoch: edition.startDay))
        return EditionContent(
            edition: edition, openings: openings, salaries: salaries, catalogue: try certifications(), rules: rules)
    }

    /// Counts per table, for summaries.
    public func counts() throws -> [String: Int] {
        try read { db in
            var result: [String: Int] = [:]
            for table in ["opening", "salaryObservation", "certification", "subscriber"] {
                result[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return result
        }
    }
}
