/// One salary data point: what someone at a level, on a stack, in a region earned on a day.
public struct SalaryObservation: Hashable, Sendable {
    public var observedOn: CivilDate
    public var level: Level
    public var stack: String
    public var region: String
    public var amount: Int
    public var currency: String
    public var source: String

    public init(
        observedOn: CivilDate, level: Level, stack: String, region: String, amount: Int, currency: String,
        source: String
    ) {
        self.observedOn = observedOn
        self.level = level
        self.stack = stack
        self.region = region
        self.amount = amount
        self.currency = currency
        self.source = source
    }
}
