import ArgumentParser
import Foundation
import GazetteCore
import GazetteStore

/// `gazette status [--week W]`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Summarise the delivery ledger of an edition.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "ISO week, e.g. 2026-W48 (default: the current week).") var week: String?

    func validate() throws { _ = try Arguments.edition(week, default: Date()) }

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            let edition = try Arguments.edition(week, default: Date())
            let counts = try runtime.database.deliveryCounts(edition: edition)
            let active = try runtime.database.subscribers(status: .active).count
            print("edition \(edition) (\(edition.start.formatted(.iso8601)) to \(edition.end.formatted(.iso8601)); "
                + "closes \(Timestamp.format(runtime.schedule().closing(of: edition))))")
            print("active subscribers: \(active)")
            print(DeliveryState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            let softBounces = try runtime.database.softBounceCount(edition: edition)
            if softBounces > 0 { print("soft bounces: \(softBounces)") }
            for (email, row) in try runtime.database.problemDeliveries(edition: edition) {
                var line = "  \(row.state.rawValue) \(email) after \(row.attempts) attempt\(row.attempts == 1 ? "" : "s")"
                if let code = row.lastCode { line += ", \(code)" }
                if let reply = row.lastReply { line += ": \(reply)" }
                if let next = row.nextAttemptAt, row.state == .deferred { line += " (next attempt \(Timestamp.format(next)))" }
                print(line)
            }
        }
    }
}
