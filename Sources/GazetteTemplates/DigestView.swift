public import GazetteCore

/// The values the templates see: every field is a stored, ready-formatted value (swift-mustache does not
/// see computed properties), and every piece of data is plain text that the HTML template escapes.
public struct DigestView: Sendable {
    public struct OpeningItem: Sendable {
        let title: String
        let company: String
        let level: String
        let stack: String
        let location: String
        /// Remote, and the location does not already say so.
        let isRemote: Bool
        let salary: String
        let hasSalary: Bool
        let url: String
        let posted: String
    }

    public struct SalaryChangeItem: Sendable {
        let group: String
        let previous: String
        let current: String
        let change: String
        let percent: String
        let trend: String  // "up", "down" or "flat", for styling
        let trendColor: String
        let arrow: String
    }

    public struct MarketItem: Sendable {
        let entry: String
        let median: String
        let top: String
        let observations: String
    }

    public struct CertificationItem: Sendable {
        let name: String
        let issuer: String
        let summary: String
        let url: String
        let hasURL: Bool
    }

    /// Who sends and how to reach them; the same for every message of a run.
    public struct Sender: Sendable {
        public var listName: String
        public var postalAddress: String
        public init(listName: String, postalAddress: String) {
            self.listName = listName
            self.postalAddress = postalAddress
        }
    }

    let listName: String
    let edition: String
    let weekRange: String
    let greetingName: String
    let preheader: String
    let headline: String
    let openTotal: String
    let newThisWeek: String
    let topCompanies: String
    let hasTopCompanies: Bool
    let openings: [OpeningItem]
    let hasOpenings: Bool
    let hasMore: Bool
    let moreOpenings: String
    let salaryChanges: [SalaryChangeItem]
    let hasSalaryChanges: Bool
    let market: MarketItem?
    let certifications: [CertificationItem]
    let hasCertifications: Bool
    let email: String
    let unsubscribeURL: String
    let preferencesURL: String
    let postalAddress: String

    public init(digest: Digest, subscriber: Subscriber, links: SubscriberLinks, sender: Sender) {
        let content = digest.content
        listName = sender.listName
        edition = digest.edition.description
        weekRange = Formatting.weekRange(digest.edition)
        let firstName = subscriber.name.split(separator: " ").first.map(String.init) ?? ""
        greetingName = firstName.isEmpty ? "there" : firstName
        headline =
            digest.matchingCount == 0
            ? "No new openings matched your preferences"
            : "\(Formatting.plural(digest.matchingCount, "new opening", "new openings")) for you"
        openTotal = Formatting.grouped(content.openTotal)
        newThisWeek = Formatting.grouped(content.newOpenings.count)
        topCompanies = Formatting.list(content.topCompanies.map(\.company))
        hasTopCompanies = !content.topCompanies.isEmpty
        openings = digest.openings.map { o in
            let salary: String
            switch (o.salaryMin, o.salaryMax) {
            case let (min?, max?) where min != max:
                salary = "\(Formatting.money(Double(min), currency: o.currency))–\(Formatting.money(Double(max), currency: o.currency))"
            case let (_, max?): salary = "up to \(Formatting.money(Double(max), currency: o.currency))"
            case let (min?, nil): salary = "from \(Formatting.money(Double(min), currency: o.currency))"
            case (nil, nil): salary = ""
            }
            return OpeningItem(
                title: o.title, company: o.company, level: o.level.displayName, stack: o.stack.joined(separator: ", "),
                location: o.location,
                isRemote: o.remote && !o.location.lowercased().contains("remote"), salary: salary, hasSalary: !salary.isEmpty, url: o.url,
                posted: Formatting.shortDay(o.postedAt))
        }
        hasOpenings = !openings.isEmpty
        hasMore = digest.moreOpenings > 0
        moreOpenings = Formatting.grouped(digest.moreOpenings)
        salaryChanges = digest.salaryChanges.map { c in
            let trend = c.change.rounded() > 0 ? "up" : (c.change.rounded() < 0 ? "down" : "flat")
            return SalaryChangeItem(
                group: "\(c.level.displayName) \(c.stack)",
                previous: Formatting.money(c.previousMedian, currency: c.currency),
                current: Formatting.money(c.currentMedian, currency: c.currency),
                change: Formatting.signedMoney(c.change, currency: c.currency),
                percent: Formatting.percent(c.percent), trend: trend,
                trendColor: trend == "up" ? "#047857" : (trend == "down" ? "#b91c1c" : "#374151"),
                arrow: trend == "up" ? "▲" : (trend == "down" ? "▼" : "="))
        }
        hasSalaryChanges = !salaryChanges.isEmpty
        market = content.market.map { m in
            MarketItem(
                entry: Formatting.money(m.p10, currency: m.currency), median: Formatting.money(m.median, currency: m.currency),
                top: Formatting.money(m.p90, currency: m.currency), observations: Formatting.grouped(m.observations))
        }
        certifications = digest.certifications.map {
            CertificationItem(name: $0.name, issuer: $0.issuer, summary: $0.summary, url: $0.url, hasURL: !$0.url.isEmpty)
        }
        hasCertifications = !certifications.isEmpty
        var teaser = [headline]
        if let market { teaser.append("median salary \(market.median)") }
        if let first = digest.certifications.first { teaser.append("featured: \(first.name)") }
        preheader = teaser.joined(separator: " · ")
        email = subscriber.email
        unsubscribeURL = links.unsubscribe
        preferencesURL = links.preferences
        postalAddress = sender.postalAddress
    }
}
