import ArgumentParser
import Foundation
import GazetteCore

/// Shared parsing of `--week` and `--at`, with errors that say what is expected.
enum Arguments {
    static func edition(_ text: String?, default now: Date) throws -> Edition {
        guard let text else { return Edition(containing: now) }
        guard let edition = Edition(text) else {
            throw ValidationError("--week \(text.debugDescription) is not an ISO week such as 2026-W48 (that year may have no such week)")
        }
        return edition
    }

    static func moment(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard let date = Timestamp.parse(text), text.count > 10 else {
            throw ValidationError("--at \(text.debugDescription) is not an ISO 8601 time such as 2026-11-23T08:30:00Z")
        }
        return date
    }
}
