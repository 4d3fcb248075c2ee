public import Foundation
public import GazetteCore
import GRDB

extension AppDatabase {
    /// Stores openings, replacing any with the same (source, id). One transaction: all or nothing.
    @discardableResult
    public func upsertOpenings(_ openings: [Opening]) throws -> Int {
        try write { db in
            for opening in openings { try OpeningRecord(opening).upsert(db) }
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
        let twoWeeksBack = edition.advanced(by: -2)
        let openings = try openingsOpen(at: edition.start)
        let salaries = try salaryObservations(
            from: CivilDate(daysSinceEpoch: twoWeeksBack.startDay), until: CivilDate(daysSinceEpoch: edition.startDay))
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
