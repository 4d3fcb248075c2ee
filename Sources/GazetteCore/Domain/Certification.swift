/// A certification in the catalogue, optionally featured during a window of days (both ends inclusive).
public struct Certification: Hashable, Sendable {
    public var id: String
    public var name: String
    public var issuer: String
    public var summary: String
    public var url: String
    public var featuredFrom: CivilDate?
    public var featuredUntil: CivilDate?

    public init(
        id: String, name: String, issuer: String, summary: String, url: String, featuredFrom: CivilDate?,
        featuredUntil: CivilDate?
    ) {
        self.id = id
        self.name = name
        self.issuer = issuer
        self.summary = summary
        self.url = url
        self.featuredFrom = featuredFrom
        self.featuredUntil = featuredUntil
    }

    /// Whether the featured window overlaps the edition's week. An open end (only one date set) extends forever.
    public func isFeatured(in edition: Edition) -> Bool {
        guard featuredFrom != nil || featuredUntil != nil else { return false }
        let firstDay = edition.startDay
        let lastDay = edition.startDay + 6
        let from = featuredFrom?.daysSinceEpoch ?? Int.min
        let until = featuredUntil?.daysSinceEpoch ?? Int.max
        return from <= lastDay && until >= firstDay
    }
}
