public import Foundation
public import GazetteCore
import GazetteStore
import Logging
import PostgresNIO

// Openings, salaries and certifications: the same rules as the SQLite backend's `AppDatabase+Feeds`.

extension PostgresStore {
    @discardableResult
    public func upsertOpenings(_ openings: [Opening]) async throws -> Int {
        let rows = try openings.map { ($0, try StoredList.json($0.stack, column: "stack")) }
        return try await transaction { [logger] connection in
            for (opening, stack) in rows {
                try await connection.query(
                    """
                    INSERT INTO opening (source, id, company, title, level, stack, location, remote, salaryMin, salaryMax,
                        currency, url, postedAt, closedAt)
                    VALUES (\(opening.source), \(opening.id), \(opening.company), \(opening.title), \(opening.level.rawValue),
                        \(stack), \(opening.location), \(opening.remote), \(opening.salaryMin), \(opening.salaryMax),
                        \(opening.currency), \(opening.url), \(opening.postedAt), \(opening.closedAt))
                    ON CONFLICT (source, id) DO UPDATE SET company = excluded.company, title = excluded.title,
                        level = excluded.level, stack = excluded.stack, location = excluded.location, remote = excluded.remote,
                        salaryMin = excluded.salaryMin, salaryMax = excluded.salaryMax, currency = excluded.currency,
                        url = excluded.url, postedAt = excluded.postedAt, closedAt = excluded.closedAt
                    """, logger: logger)
            }
            return openings.count
        }
    }

    @discardableResult
    public func insertSalaries(_ observations: [SalaryObservation]) async throws -> Int {
        try await transaction { [logger] connection in
            var inserted = 0
            for o in observations {
                inserted += try await connection.count(
                    """
                    INSERT INTO salaryObservation (observedOn, level, stack, region, amount, currency, source)
                    VALUES (\(Timestamp.formatDay(o.observedOn)), \(o.level.rawValue), \(o.stack), \(o.region), \(o.amount),
                        \(o.currency), \(o.source))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
            }
            return inserted
        }
    }

    @discardableResult
    public func upsertCertifications(_ certifications: [Certification]) async throws -> Int {
        try await transaction { [logger] connection in
            for c in certifications {
                try await connection.query(
                    """
                    INSERT INTO certification (id, name, issuer, summary, url, featuredFrom, featuredUntil)
                    VALUES (\(c.id), \(c.name), \(c.issuer), \(c.summary), \(c.url), \(c.featuredFrom.map(Timestamp.formatDay)),
                        \(c.featuredUntil.map(Timestamp.formatDay)))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, summary = excluded.summary,
                        url = excluded.url, featuredFrom = excluded.featuredFrom, featuredUntil = excluded.featuredUntil
                    """, logger: logger)
            }
            return certifications.count
        }
    }

    public func openingsOpen(at moment: Date) async throws -> [Opening] {
        try await transaction { [logger] connection in
            try await connection.rows(
                """
                SELECT * FROM opening WHERE postedAt < \(moment) AND (closedAt IS NULL OR closedAt > \(moment))
                ORDER BY source, id
                """, logger: logger
            ).compactMap { row -> Opening? in
                guard let level = Level(rawValue: try row.value("level")) else { return nil }
                return Opening(
                    source: try row.value("source"), id: try row.value("id"), company: try row.value("company"),
                    title: try row.value("title"), level: level,
                    stack: try StoredList.strings(text: row.value("stack"), column: "opening.stack"),
                    location: try row.value("location"), remote: try row.value("remote"), salaryMin: try row.value("salarymin"),
                    salaryMax: try row.value("salarymax"), currency: try row.value("currency"), url: try row.value("url"),
                    postedAt: try row.value("postedat"), closedAt: try row.value("closedat"))
            }
        }
    }

    public func salaryObservations(from: CivilDate, until: CivilDate) async throws -> [SalaryObservation] {
        let low = Timestamp.formatDay(from)
        let high = Timestamp.formatDay(until)
        return try await transaction { [logger] connection in
            try await connection.rows(
                "SELECT * FROM salaryObservation WHERE observedOn >= \(low) AND observedOn < \(high) ORDER BY id", logger: logger
            ).compactMap { row -> SalaryObservation? in
                guard let day = Timestamp.parseDay(try row.value("observedon")), let level = Level(rawValue: try row.value("level"))
                else { return nil }
                return SalaryObservation(
                    observedOn: day, level: level, stack: try row.value("stack"), region: try row.value("region"),
                    amount: try row.value("amount"), currency: try row.value("currency"), source: try row.value("source"))
            }
        }
    }

    public func certifications() async throws -> [Certification] {
        try await transaction { [logger] connection in
            try await connection.rows("SELECT * FROM certification ORDER BY id", logger: logger).map { row in
                Certification(
                    id: try row.value("id"), name: try row.value("name"), issuer: try row.value("issuer"),
                    summary: try row.value("summary"), url: try row.value("url"),
                    featuredFrom: try row.value("featuredfrom", as: String?.self).flatMap(Timestamp.parseDay),
                    featuredUntil: try row.value("featureduntil", as: String?.self).flatMap(Timestamp.parseDay))
            }
        }
    }

    public func counts() async throws -> [String: Int] {
        try await transaction { [logger] connection in
            var result: [String: Int] = [:]
            for table in ["opening", "salaryObservation", "certification", "subscriber"] {
                result[table] = try await connection.rows(
                    "SELECT COUNT(*) AS n FROM \(unescaped: table)", logger: logger
                ).first?.value("n", as: Int.self) ?? 0
            }
            return result
        }
    }
}
