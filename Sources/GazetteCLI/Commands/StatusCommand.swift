import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteStore

/// `gazette status [--week W]`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Summarise the delivery ledger of an edition.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var week: WeekOption


    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global, database: .mustExist)
            let edition = try week.edition(at: Date())
            let counts = try await runtime.database.deliveryCounts(edition: edition)
            let active = try await runtime.database.subscribers(status: .active).count
            print("edition \(edition) (\(edition.start.formatted(.iso8601)) to \(edition.end.formatted(.iso8601)); "
                + "closes \(Timestamp.format(runtime.schedule().closing(of: edition))))")
            print("active subscribers: \(active)")
            print(DeliveryState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            // Several senders may share the edition: who holds the rows in flight, and until when.
            for claims in try await runtime.database.claimsInFlight(edition: edition) {
                let holder = claims.holder.map { text in ClaimHolder(text).map { "\($0.host) pid \($0.pid)" } ?? text } ?? "an older version"
                let until = claims.until.map { " until \(Timestamp.format($0))" } ?? ""
                print("in flight: \(claims.rows) claimed by \(holder)\(until)")
            }
            let softBounces = try await runtime.database.softBounceCount(edition: edition)
            if softBounces > 0 { print("soft bounces: \(softBounces)") }
            for (email, row) in try await runtime.database.problemDeliveries(edition: edition) {
                var line = "  \(row.state.rawValue) \(email) after \(row.attempts) attempt\(row.attempts == 1 ? "" : "s")"
                // Server replies start with their code ("451 4.7.1 …"): print the code once.
                if let code = row.lastCode, !(row.lastReply ?? "").hasPrefix("\(code)") { line += ", \(code)" }
                if let reply = row.lastReply { line += ": \(reply)" }
                if let next = row.nextAttemptAt, row.state == .deferred { line += " (next attempt \(Timestamp.format(next)))" }
                print(line)
            }
        }
    }
}
