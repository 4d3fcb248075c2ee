import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteStore

/// `gazette send [--week W] [--now] [--at TIME] [--dry-run] [--only EMAIL] [--limit N] [--concurrency N] [--rate R]`
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send the edition to every subscriber whose local send time has come. Safe to rerun: nobody gets two copies.",
        discussion: """
            Exit status: 0 all done (permanent failures are counted but final); 64 usage; 65 bad input; \
            69 SMTP server unavailable; 75 temporary failures left for a later run, or this run's claims expired while it was stalled; 1 otherwise. \
            Several runs may send one edition at once: they share its rows, and nobody gets two copies.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "ISO week to send, e.g. 2026-W48 (default: for each subscriber, the latest edition due in their time zone).") var week: String?
    @Flag(help: "Ignore send times: send to every active subscriber now.") var now = false
    @Option(help: "Act as if it were this moment, e.g. 2026-11-23T08:30:00Z (due times, backoff, the closing guard).") var at: String?
    @Flag(help: "List who would get what; send and record nothing.") var dryRun = false
    @Option(help: "Send only to this subscriber.") var only: String?
    @Option(help: "Send at most this many messages in this run.") var limit: Int?
    @OptionGroup var pace: PaceOptions

    func validate() throws {
        let moment = try Arguments.moment(at)
        _ = try Arguments.edition(week, default: moment)
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            let moment = try Arguments.moment(at)
            var options = SendOptions(edition: try Arguments.edition(week, default: moment), now: moment)
            options.ignoreSchedule = now
            // Without --week (and without --now), each subscriber gets the latest edition due where they live.
            let plain = week == nil && !now
            options.dryRun = dryRun
            options.only = only
            options.limit = limit
            pace.apply(to: &options)
            let summary = try await SendCommand.execute(options, plain: plain, runtime: runtime)
            if summary.deferred > 0 || summary.pending > 0 { throw ExitCode(ExitStatus.temporaryFailure) }
        }
    }

    /// Runs a send and prints the listing (dry run) and the summary line; shared with `demo`.
    static func execute(_ options: SendOptions, plain: Bool = false, runtime: Runtime) async throws -> SendSummary {
        let transport = try runtime.transport()
        var run = SendRun(
            database: runtime.database, transport: transport, factory: try await runtime.messageFactory(),
            logger: runtime.logger)
        run.schedule = runtime.schedule()
        run.claimLifetime = TimeInterval(runtime.settings.leaseSeconds)
        let progress = ProgressLine()
        run.progress = progress.report
        let summaries: [SendSummary]
        do {
            let configured = run
            summaries = try await Interruption.cancellingOnSignals {
                plain ? try await configured.runDue(options) : [try await configured.run(options)]
            }
            progress.finish()
        } catch {
            progress.finish()
            throw error
        }
        let summary = SendSummary.combined(summaries, edition: options.edition)
        for planned in summary.plan {
            let what = "\(planned.openings) of \(planned.matching) openings, \(planned.salaryChanges) salary changes, "
                + "\(planned.certifications) certifications"
            print("\(planned.skip ? "would skip" : "would send") \(planned.edition) to \(planned.email) "
                + "(due \(Timestamp.format(planned.due))): \(what)")
        }
        if summary.interrupted {
            print("stopped by a signal: \(summary.pending) message(s) left for the next run")
        }
        if summary.recovered > 0 {
            print("requeued \(summary.recovered) message(s) left in flight by an interrupted run")
        }
        for line in SendSummary.lines(summaries, fallback: options.edition) { print(line) }
        return summary
    }
}
