public import Foundation

/// A job opening from a feed, identified by its feed (`source`) and the feed's own `id`.
public struct Opening: Hashable, Sendable {
    public var source: String
    public var id: String
    public var company: String
    public var title: String
    public var level: Level
    public var stack: [String]
    public var location: String
    public var remote: Bool
    public var salaryMin: Int?
    public var salaryMax: Int?
    public var currency: String
    public var url: String
    public var postedAt: Date
    public var closedAt: Date?

    public init(
        source: String, id: String, company: String, title: String, level: Level, stack: [String],
        location: String, remote: Bool, salaryMin: Int?, salaryMax: Int?, currency: String, url: String,
        postedAt: Date, closedAt: Date?
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

    /// Open at `moment`: posted before it and not closed by then (closing exactly at `moment` counts as closed).
    public func isOpen(at moment: Date) -> Bool {
        postedAt < moment && (closedAt.map { $0 > moment } ?? true)
    }
}
