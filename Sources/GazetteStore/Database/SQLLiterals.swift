package import GazetteCore

// States and statuses in SQL text come from their enums, never from string literals typed into a query,
// so a renamed or added case cannot leave a query matching nothing. They are interpolated (not bound) so
// that each query's text stays the same and its prepared statement is reused.

extension DeliveryState {
    /// The state as an SQL string literal (the raw values are plain lowercase words: nothing to escape).
    package var sql: String { "'\(rawValue)'" }
}

extension SubscriberStatus {
    /// The status as an SQL string literal.
    package var sql: String { "'\(rawValue)'" }
}
