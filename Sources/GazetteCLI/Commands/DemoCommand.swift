import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteStore

/// `gazette demo`: the sample feeds and roster into the database, then a full send run.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Import Samples/ and Subscribers/ (dates moved to the current week) and send this week's edition to all.",
        discussion: "Running it again sends nothing new: the ledger remembers who already has this edition.")

    /// The edition the sample files were written for; the demo moves their dates by whole weeks so the
    /// current edition shows what this one would.
    static let sampleEdition = Edition(year: 2026, week: 48)!

    @OptionGroup var global: GlobalOptions
    @Option(help: "Folder with openings.csv, salaries.csv and certifications.csv.") var samples = "Samples"
    @Option(help: "Folder with subscriber CSV files.") var subscribers = "Subscribers"

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            let now = Date()
            let edition = Edition(containing: now)
            let shiftDays = DemoCommand.sampleEdition.weeks(to: edition) * 7
            let samplesDirectory = ResourceLocator.directory(samples, fallback: "Samples")
            let subscribersDirectory = ResourceLocator.directory(subscribers, fallback: "Subscribers")

            let openings = try FeedImport.validate(["\(samplesDirectory)/openings.csv"]) {
                FeedParser.openings(path: $0, shiftDays: shiftDays)
            }
            let salaries = try FeedImport.validate(["\(samplesDirectory)/salaries.csv"]) {
                FeedParser.salaries(path: $0, shiftDays: shiftDays)
            }
            let certifications = try FeedImport.validate(["\(samplesDirectory)/certifications.csv"]) {
                FeedParser.certifications(path: $0, shiftDays: shiftDays)
            }
            let rosterFiles = try FileManager.default.contentsOfDirectory(atPath: subscribersDirectory)
                .filter { $0.hasSuffix(".csv") }.sorted().map { "\(subscribersDirectory)/\($0)" }
            let roster = try FeedImport.validate(rosterFiles) { FeedParser.subscribers(path: $0) }
            try await runtime.database.upsertOpenings(openings)
            try await runtime.database.insertSalaries(salaries)
            try await runtime.database.upsertCertifications(certifications)
            _ = try await runtime.database.importSubscribers(roster, now: now, signer: try await runtime.signer())
            print("demo data: \(openings.count) openings, \(salaries.count) salary observations, "
                + "\(certifications.count) certifications, \(roster.count) subscribers (dates moved \(shiftDays) days)")
            print("database: \(runtime.settings.database)")

            var options = SendOptions(edition: edition, now: now)
            options.ignoreSchedule = true
            let summary = try await SendCommand.execute(options, runtime: runtime)
            if runtime.settings.smtpURL == nil {
                print("outbox: \(runtime.settings.outbox) (\(summary.sent) new message\(summary.sent == 1 ? "" : "s") this run)")
            }
            if summary.deferred > 0 { throw ExitCode(ExitStatus.temporaryFailure) }
        }
    }
}
