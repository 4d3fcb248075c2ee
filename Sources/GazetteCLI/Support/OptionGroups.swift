import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery

/// `--concurrency` and `--rate`, shared by `send` and `schedule`: one declaration, one validation.
struct PaceOptions: ParsableArguments {
    @Option(help: "Parallel SMTP connections, 1 to 64.") var concurrency: Int = 4
    @Option(help: "At most this many messages per second across all connections (default: no limit).") var rate: Double?

    func validate() throws {
        if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be between 1 and 64") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be a positive number of messages per second") }
    }

    func apply(to options: inout SendOptions) {
        options.concurrency = concurrency
        options.rate = rate
    }
}

/// `--week W` of the commands that look at one edition (`preview`, `status`, `send-test`).
struct WeekOption: ParsableArguments {
    @Option(help: "ISO week, e.g. 2026-W48 (default: the current week).") var week: String?

    func validate() throws { _ = try edition(at: Date()) }

    /// The chosen edition, or the one whose week contains `now`.
    func edition(at now: Date) throws -> Edition { try Arguments.edition(week, default: now) }
}
