import Foundation
public import GazetteCore

/// Parses and validates whole input files. Nothing here writes: the caller stores the result only
/// when no file had any issue, so an import is all or nothing.
public enum FeedParser {
    public static let openingColumns = [
        "source", "id", "company", "title", "level", "stack", "location", "remote", "salary_min", "salary_max",
        "currency", "url", "posted_at", "closed_at",
    ]
    public static let salaryColumns = ["observed_on", "level", "stack", "region", "amount", "currency", "source"]
    public static let certificationColumns = ["id", "name", "issuer", "summary", "url", "featured_from", "featured_until"]
    public static let subscriberColumns = [
        "email", "name", "timezone", "send_day", "send_hour", "languages", "levels", "remote_only", "locations",
        "min_salary", "status",
    ]
    /// Columns a subscriber file may add; without them, an update keeps what the subscriber chose.
    public static let optionalSubscriberColumns = ["skip_empty", "paused_until"]

    /// Salaries above this are refused as data errors (a misplaced digit, cents instead of units).
    static let maximumAmount = 10_000_000

    /// Reads a file from disk, as CSV or, for openings named `.jsonl`/`.ndjson`, JSON Lines.
    static func table(
        path: String, columns: [String], optional: [String] = [], allowJSONLines: Bool, issues: inout [ImportIssue]
    ) -> InputTable? {
        guard let data = FileManager.default.contents(atPath: path) else {
            issues.append(ImportIssue(file: path, line: 0, field: nil, message: "cannot read the file"))
            return nil
        }
        let lower = path.lowercased()
        if allowJSONLines && (lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")) {
            return InputTable.jsonLines(path: path, data: data, columns: columns, issues: &issues)
        }
        return InputTable.csv(path: path, data: data, columns: columns, optional: optional, issues: &issues)
    }

    /// - Parameter shiftDays: moves every date by whole days (the demo places the samples around the current week).
    public static func openings(path: String, shiftDays: Int = 0) -> (rows: [Opening], issues: [ImportIssue]) {
        var issues: [ImportIssue] = []
        guard let table = table(path: path, columns: openingColumns, allowJSONLines: true, issues: &issues) else {
            return ([], issues)
        }
        let shift = TimeInterval(shiftDays * 86_400)
        var seen: [String: Int] = [:]
        var result: [Opening] = []
        result.reserveCapacity(table.rows.count)
        for row in table.rows {
            var r = FieldReader(file: path, row: row)
            let source = r.text("source", required: true, maxLength: 100)
            let id = r.text("id", required: true, maxLength: 200)
            let company = r.text("company", required: true, maxLength: 200)
            let title = r.text("title", required: true, maxLength: 300)
            let level = r.level("level")
            let stack = r.list("stack")
            let location = r.text("location", maxLength: 200)
            let remote = r.bool("remote", default: false)
            let salaryMin = r.integer("salary_min", in: 0...maximumAmount)
            let salaryMax = r.integer("salary_max", in: 0...maximumAmount)
            let currency = r.currency("currency")
            let url = r.url("url", required: true)
            let postedAt = r.timestamp("posted_at", required: true)
            let closedAt = r.timestamp("closed_at", required: false)
            if let salaryMin, let salaryMax, salaryMin > salaryMax {
                r.fail("salary_max", "\(salaryMax) is below salary_min \(salaryMin)")
            }
            if let postedAt, let closedAt, closedAt < postedAt {
                r.fail("closed_at", "is before posted_at")
            }
            let key = "\(source)\u{0}\(id)"
            if !source.isEmpty, !id.isEmpty {
                if let first = seen[key] {
                    r.fail("id", "duplicate of line \(first) (source \(source), id \(id))")
                } else {
                    seen[key] = row.line
                }
            }
            issues += r.issues
            guard r.issues.isEmpty, let level, let postedAt else { continue }
            result.append(Opening(
                source: source, id: id, company: company, title: title, level: level, stack: stack,
                location: location, remote: remote, salaryMin: salaryMin, salaryMax: salaryMax, currency: currency,
                url: url, postedAt: postedAt + shift, closedAt: closedAt.map { $0 + shift }))
        }
        return (result, issues)
    }

    public static func salaries(path: String, shiftDays: Int = 0) -> (rows: [SalaryObservation], issues: [ImportIssue]) {
        var issues: [ImportIssue] = []
        guard let table = table(path: path, columns: salaryColumns, allowJSONLines: true, issues: &issues) else {
            return ([], issues)
        }
        var result: [SalaryObservation] = []
        for row in table.rows {
            var r = FieldReader(file: path, row: row)
            let day = r.day("observed_on", required: true)
            let level = r.level("level")
            let stack = r.text("stack", required: true, maxLength: 100)
            let region = r.text("region", maxLength: 100)
            let amount = r.integer("amount", in: 1...maximumAmount, required: true)
            let currency = r.currency("currency")
            let source = r.text("source", maxLength: 100)
            issues += r.issues
            guard r.issues.isEmpty, let day, let level, let amount else { continue }
            result.append(SalaryObservation(
                observedOn: CivilDate(daysSinceEpoch: day.daysSinceEpoch + shiftDays), level: level, stack: stack,
                region: region, amount: amount, currency: currency, source: source))
        }
        return (result, issues)
    }

    public static func certifications(path: String, shiftDays: Int = 0) -> (rows: [Certification], issues: [ImportIssue]) {
        var issues: [ImportIssue] = []
        guard let table = table(path: path, columns: certificationColumns, allowJSONLines: true, issues: &issues) else {
            return ([], issues)
        }
        var seen: [String: Int] = [:]
        var result: [Certification] = []
        for row in table.rows {
            var r = FieldReader(file: path, row: row)
            let id = r.text("id", required: true, maxLength: 100)
            let name = r.text("name", required: true, maxLength: 200)
            let issuer = r.text("issuer", maxLength: 200)
            let summary = r.text("summary", maxLength: 2000)
            let url = r.url("url", required: false)
            let from = r.day("featured_from", required: false)
            let until = r.day("featured_until", required: false)
            if let from, let until, until.daysSinceEpoch < from.daysSinceEpoch {
                r.fail("featured_until", "is before featured_from")
            }
            if !id.isEmpty {
                if let first = seen[id] { r.fail("id", "duplicate of line \(first)") } else { seen[id] = row.line }
            }
            issues += r.issues
            guard r.issues.isEmpty else { continue }
            func shifted(_ day: CivilDate?) -> CivilDate? {
                day.map { CivilDate(daysSinceEpoch: $0.daysSinceEpoch + shiftDays) }
            }
            result.append(Certification(
                id: id, name: name, issuer: issuer, summary: summary, url: url, featuredFrom: shifted(from),
                featuredUntil: shifted(until)))
        }
        return (result, issues)
    }

    public static func subscribers(path: String) -> (rows: [ImportedSubscriber], issues: [ImportIssue]) {
        var issues: [ImportIssue] = []
        guard let table = table(
            path: path, columns: subscriberColumns, optional: optionalSubscriberColumns, allowJSONLines: false, issues: &issues)
        else {
            return ([], issues)
        }
        let hasSkipEmpty = table.header.contains("skip_empty")
        let hasPausedUntil = table.header.contains("paused_until")
        var seen: [String: Int] = [:]
        var result: [ImportedSubscriber] = []
        for row in table.rows {
            var r = FieldReader(file: path, row: row)
            let email = r.raw("email")
            if let problem = EmailAddress.problem(with: email) {
                r.fail("email", "\(FieldReader.quote(email)) \(problem)")
            } else if let first = seen[email.lowercased()] {
                r.fail("email", "\(FieldReader.quote(email)) already appears on line \(first)")
            } else {
                seen[email.lowercased()] = row.line
            }
            let name = r.text("name", maxLength: 200)
            var timeZone = r.raw("timezone")
            if timeZone.isEmpty {
                timeZone = "Etc/UTC"
            } else if !TimeZone.isKnownIdentifier(timeZone) {
                r.fail("timezone", "unknown IANA time zone \(FieldReader.quote(timeZone)) (e.g. Europe/Berlin)")
            }
            var sendDay = Weekday.monday
            if !r.raw("send_day").isEmpty {
                if let day = Weekday(parsing: r.raw("send_day")) {
                    sendDay = day
                } else {
                    r.fail("send_day", "must be mon…sun, not \(FieldReader.quote(r.raw("send_day")))")
                }
            }
            let sendHour = r.integer("send_hour", in: 0...23) ?? 9
            let languages = r.list("languages")
            let levels = r.levels("levels")
            let remoteOnly = r.bool("remote_only", default: false)
            let locations = r.list("locations")
            let minSalary = r.integer("min_salary", in: 0...maximumAmount)
            let skipEmpty = r.bool("skip_empty", default: false)
            let pausedUntil = r.timestamp("paused_until", required: false)
            var status = SubscriberStatus.active
            if !r.raw("status").isEmpty {
                if let parsed = SubscriberStatus(rawValue: r.raw("status").lowercased()) {
                    status = parsed
                } else {
                    r.fail("status", "must be active, pending or unsubscribed, not \(FieldReader.quote(r.raw("status")))")
                }
            }
            issues += r.issues
            guard r.issues.isEmpty else { continue }
            let subscriber = Subscriber(
                email: email, name: name, timeZone: timeZone, sendDay: sendDay, sendHour: sendHour,
                preferences: Preferences(
                    languages: languages, levels: levels, remoteOnly: remoteOnly, locations: locations,
                    minSalary: minSalary, skipEmpty: skipEmpty),
                status: status, pausedUntil: pausedUntil)
            result.append(ImportedSubscriber(subscriber, setsSkipEmpty: hasSkipEmpty, setsPausedUntil: hasPausedUntil))
        }
        return (result, issues)
    }
}

/// A subscriber row of an import file, and whether the file chose their `skip_empty` setting (the column is
/// optional: a file without it leaves the choice a subscriber made on the preferences page alone).
public struct ImportedSubscriber: Sendable {
    public var subscriber: Subscriber
    public var setsSkipEmpty: Bool
    /// Likewise for `paused_until`: a pause chosen on the preferences page survives a file without the column.
    public var setsPausedUntil: Bool

    public init(_ subscriber: Subscriber, setsSkipEmpty: Bool = false, setsPausedUntil: Bool = false) {
        self.subscriber = subscriber
        self.setsSkipEmpty = setsSkipEmpty
        self.setsPausedUntil = setsPausedUntil
    }
}
