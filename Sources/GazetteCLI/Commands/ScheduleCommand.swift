import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import Logging
import ServiceLifecycle
import UnixSignals

/// `gazette schedule [--cron EXPR]`: the built-in scheduler daemon.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run as a daemon: send each subscriber's edition at their local send time; SIGTERM/SIGINT stop it gracefully.",
        discussion: """
            Shares editions with `gazette send` and other senders row by row, so a cron job or another replica may run beside it \
            safely. After downtime \
            the first pass sends what became due meanwhile, within each edition's grace period.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Send on fixed ticks of this five-field cron expression (UTC) instead of at each due time, e.g. '*/10 * * * *'.")
    var cron: String?
    @OptionGroup var pace: PaceOptions

    func validate() throws {
        if let cron {
            do { _ = try CronExpression(cron) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            var sendRun = SendRun(
                database: runtime.database, transport: try runtime.transport(), factory: try await runtime.messageFactory(),
                logger: runtime.logger)
            sendRun.schedule = runtime.schedule()
            sendRun.claimLifetime = TimeInterval(runtime.settings.leaseSeconds)
            var template = SendOptions(edition: Edition(containing: Date()), now: Date())
            pace.apply(to: &template)
            let scheduler = SendScheduler(
                sendRun: sendRun, template: template, cron: try cron.map { try CronExpression($0) },
                clock: ContinuousClock(), now: { Date() })
            let group = ServiceGroup(
                services: [scheduler], gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger)
            try await group.run()
        }
    }
}
