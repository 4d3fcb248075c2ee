public import GazetteCore
public import Mustache

/// The values the templates see, ready-formatted, as a dictionary of names to values.
///
/// A dictionary rather than stored properties: swift-mustache looks names up in a `MustacheParent` with
/// one hash lookup, while plain structs go through `Mirror`, which made rendering five times slower.
/// Every piece of data is plain text here; the HTML template escapes it.
public struct DigestView: Sendable, MustacheParent {
    /// Who sends and how to reach them; the same for every message of a run.
    public struct Sender: Sendable {
        public var listName: String
        public var postalAddress: String
        public init(listName: String, postalAddress: String) {
            self.listName = listName
            self.postalAddress = postalAddress
        }
    }

    typealias Fields = [String: any Sendable]
    let fields: Fields

    /// The same view with other personal values (the rest is shared by everyone who sees this digest).
    public func with(_ personal: Personalization) -> DigestView {
        var copy = fields
        for (name, value) in zip(Personalization.fieldNames, personal.values) { copy[name] = value }
        return DigestView(fields: copy, personal: personal)
    }

    private init(fields: Fields, personal: Personalization) {
        self.fields = fields
        self.personal = personal
    }

    public func child(named name: String) -> Any? { fields[name] }

    /// The view's value for `name`, for tests and for code that needs a formatted figure.
    public subscript(name: String) -> (any Sendable)? { fields[name] }

    /// What differs between two subscribers who see the same digest.
    public struct Personalization: Sendable, Equatable {
        public var greetingName: String
        public var email: String
        public var unsubscribeURL: String
        public var preferencesURL: String
        /// "View in your browser"; empty when the message has no edition page (the template then shows no link).
        public var viewURL: String

        public init(subscriber: Subscriber, links: SubscriberLinks) {
            let firstName = subscriber.name.split(separator: " ").first.map(String.init) ?? ""
            greetingName = firstName.isEmpty ? "there" : firstName
            email = subscriber.email
            unsubscribeURL = links.unsubscribe
            preferencesURL = links.preferences
            viewURL = links.view
        }

        public init(greetingName: String, email: String, unsubscribeURL: String, preferencesURL: String, viewURL: String = "") {
            self.greetingName = greetingName
            self.email = email
            self.unsubscribeURL = unsubscribeURL
            self.preferencesURL = preferencesURL
            self.viewURL = viewURL
        }

        static let fieldNames = ["greetingName", "email", "unsubscribeURL", "preferencesURL", "viewURL"]

        var values: [String] { [greetingName, email, unsubscribeURL, preferencesURL, viewURL] }
    }

    /// The personal values this view was built with.
    public let personal: Personalization

    public init(digest: Digest, subscriber: Subscriber, links: SubscriberLinks, sender: Sender, charts: EditionCharts? = nil) {
        self.init(digest: digest, personal: Personalization(subscriber: subscriber, links: links), sender: sender, charts: charts)
    }

    /// - Parameter charts: the edition's chart markup, drawn once per edition (the send path keeps it beside
    ///   its shells); without it the charts are drawn for this view.
    public init(digest: Digest, personal: Personalization, sender: Sender, charts: EditionCharts? = nil) {
        self.personal = personal
        let content = digest.content
        var f = Fields()
        f["listName"] = sender.listName
        f["edition"] = digest.edition.description
        f["weekRange"] = Formatting.weekRange(digest.edition)
        f["greetingName"] = personal.greetingName
        let headline =
            digest.matchingCount == 0
            ? "No new openings matched your preferences"
            : "\(Formatting.plural(digest.matchingCount, "new opening", "new openings")) for you"
        f["headline"] = headline
        f["openTotal"] = Formatting.grouped(content.openTotal)
        f["newThisWeek"] = Formatting.grouped(content.newOpenings.count)
        // Company names come from feeds: a right-to-left override in one must not reverse the names after it.
        let companies = content.topCompanies.map(\.company)
        f["topCompanies"] = Formatting.list(companies.map(Formatting.isolatedIfBidirectional))
        f["topCompanyList"] = companies.enumerated().map { index, name -> Fields in
            let separator = index == 0 ? "" : (index == companies.count - 1 ? " and " : ", ")
            return ["name": name, "separator": separator]
        }
        f["hasTopCompanies"] = !content.topCompanies.isEmpty
        let openings: [Fields] = digest.openings.map { o in
            let salary: String
            switch (o.salaryMin, o.salaryMax) {
            case let (min?, max?) where min != max:
                salary = "\(Formatting.money(Double(min), currency: o.currency))–\(Formatting.money(Double(max), currency: o.currency))"
            case let (_, max?): salary = "up to \(Formatting.money(Double(max), currency: o.currency))"
            case let (min?, nil): salary = "from \(Formatting.money(Double(min), currency: o.currency))"
            case (nil, nil): salary = ""
            }
            return [
                "title": o.title, "company": o.company, "level": o.level.displayName,
                "stack": o.stack.joined(separator: ", "), "location": o.location,
                // Remote, and the location does not already say so.
                "isRemote": o.remote && !o.location.lowercased().contains("remote"),
                "salary": salary, "hasSalary": !salary.isEmpty, "url": o.url, "posted": Formatting.shortDay(o.postedAt),
            ]
        }
        f["openings"] = openings
        f["hasOpenings"] = !openings.isEmpty
        f["hasMore"] = digest.moreOpenings > 0
        f["moreOpenings"] = Formatting.grouped(digest.moreOpenings)
        f["moreOpeningsNoun"] = digest.moreOpenings == 1 ? "matching opening" : "matching openings"
        let changes: [Fields] = digest.salaryChanges.map { c in
            let trend = c.change.rounded() > 0 ? "up" : (c.change.rounded() < 0 ? "down" : "flat")
            return [
                "group": "\(c.level.displayName) \(c.stack)",
                "previous": Formatting.money(c.previousMedian, currency: c.currency),
                "current": Formatting.money(c.currentMedian, currency: c.currency),
                "change": Formatting.signedMoney(c.change, currency: c.currency),
                "percent": Formatting.percent(c.percent), "trend": trend,
                "trendColor": DigestView.trendColors[trend] ?? "#374151",
                "arrow": trend == "up" ? "▲" : (trend == "down" ? "▼" : "="),
            ]
        }
        f["salaryChanges"] = changes
        f["hasSalaryChanges"] = !changes.isEmpty
        let trends: [Fields] = digest.salaryTrends.enumerated().map { index, trend in
            let markup = charts?.markup(trend) ?? SalaryChartMarkup(trend)
            let marker = trend.hasChart ? trend.marker(minimum: digest.minimumSalary) : nil
            return [
                "group": trend.groupName,
                // Marked so the web view can put the SVG drawing in its place (`WebCharts`).
                "chartHTML": WebCharts.openMark(index) + markup.emailHTML(minimum: digest.minimumSalary) + WebCharts.closeMark,
                "sparkline": markup.sparkline ?? "", "hasSparkline": markup.sparkline != nil,
                "rangeText": markup.rangeText ?? "", "hasRange": markup.rangeText != nil,
                "markerText": marker.map { SalaryChartMarkup.markerWords($0, currency: trend.currency) } ?? "",
                "hasMarker": marker != nil && trend.range != nil,
            ]
        }
        f["salaryTrends"] = trends
        f["hasSalaryTrends"] = !trends.isEmpty
        var teaser = [headline]
        if let m = content.market {
            let median = Formatting.money(m.median, currency: m.currency)
            f["market"] = [
                "entry": Formatting.money(m.p10, currency: m.currency), "median": median,
                "top": Formatting.money(m.p90, currency: m.currency), "observations": Formatting.grouped(m.observations),
            ] as Fields
            teaser.append("median salary \(median)")
        }
        let certifications: [Fields] = digest.certifications.map {
            ["name": $0.name, "issuer": $0.issuer, "summary": $0.summary, "url": $0.url, "hasURL": !$0.url.isEmpty]
        }
        f["certifications"] = certifications
        f["hasCertifications"] = !certifications.isEmpty
        if let first = digest.certifications.first { teaser.append("featured: \(first.name)") }
        f["preheader"] = teaser.joined(separator: " · ")
        f["email"] = personal.email
        f["unsubscribeURL"] = personal.unsubscribeURL
        f["preferencesURL"] = personal.preferencesURL
        f["viewURL"] = personal.viewURL
        f["postalAddress"] = sender.postalAddress
        fields = f
    }
}

extension DigestView {
    /// The light-mode colour of a salary change by trend (inline, for clients without `<style>`); the
    /// template's dark-mode rules `.gz-trend-up` and so on replace it. Each is at least 4.5:1 on the white
    /// card (WCAG AA), as `ContrastTests` checks.
    static let trendColors = ["up": "#047857", "down": "#b91c1c", "flat": "#374151"]
}
