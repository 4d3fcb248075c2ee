import Foundation
import GazetteCore
import GRDB

/// A date as GRDB stores one ("yyyy-MM-dd HH:mm:ss.SSS", UTC), written without a `DateFormatter`:
/// the ledger stamps several dates per message, and formatting through ICU cost more than the SQL.
/// The text is what GRDB writes for a `Date` (tested), so comparisons in SQL and reading back as
/// `Date` work unchanged.
struct StoredDate: DatabaseValueConvertible {
    let text: String

    init(_ date: Date) {
        // The formatter rounds to the nearest millisecond; do the same.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 {
            days -= 1
            rest += 86_400_000
        }
        let civil = CivilDate(daysSinceEpoch: Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        text = pad(Int64(civil.year), 4) + "-" + pad(Int64(civil.month), 2) + "-" + pad(Int64(civil.day), 2) + " "
            + pad(rest / 3_600_000, 2) + ":" + pad(rest / 60_000 % 60, 2) + ":" + pad(rest / 1000 % 60, 2) + "."
            + pad(rest % 1000, 3)
    }

    var databaseValue: DatabaseValue { text.databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(dbValue).map(StoredDate.init)
    }
}
