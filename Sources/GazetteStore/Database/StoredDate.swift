package import Foundation
import GazetteCore
package import GRDB

/// A date as GRDB stores one ("yyyy-MM-dd HH:mm:ss.SSS", UTC), written without a `DateFormatter`:
/// the ledger stamps several dates per message, and formatting through ICU cost more than the SQL.
/// The text is what GRDB writes for a `Date` (tested), so comparisons in SQL and reading back as
/// `Date` work unchanged.
package struct StoredDate: DatabaseValueConvertible {
    package let text: String

    package init(_ date: Date) {
        // The formatter rounds to the nearest millisecond; do the same.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 {
            days -= 1
            rest += 86_400_000
        }
        let civil = CivilDate(daysSinceEpoch: Int(days))
        text = civil.year.zeroPadded(4) + "-" + civil.month.zeroPadded(2) + "-" + civil.day.zeroPadded(2) + " "
            + (rest / 3_600_000).zeroPadded(2) + ":" + (rest / 60_000 % 60).zeroPadded(2) + ":"
            + (rest / 1000 % 60).zeroPadded(2) + "." + (rest % 1000).zeroPadded(3)
    }

    package var databaseValue: DatabaseValue { text.databaseValue }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(dbValue).map(StoredDate.init)
    }
}
