import ArgumentParser
import CSV
import Foundation
import GazetteCore
import GazetteStore

/// `gazette subscribers import|list|unsubscribe|export|erase`
struct SubscribersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Manage the subscriber list.",
        subcommands: [Import.self, List.self, Unsubscribe.self, Export.self, Erase.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update subscribers by e-mail (case-insensitive) from CSV files; never re-subscribes anyone who left.",
            discussion: "Columns: \(FeedParser.subscriberColumns.joined(separator: ",")); optionally \(FeedParser.optionalSubscriberColumns.joined(separator: ",")).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Subscriber CSV files (see Subscribers/).") var files: [String]

        func run() async throws {
            try await reporting {
                let configured = try await Runtime.configure(global)
                // Validated before the database is opened: a refused import leaves no new file behind.
                let rows = try FeedImport.validate(files) { FeedParser.subscribers(path: $0) }
                let runtime = try await configured.open()
                // The signer recognises erased people by their keyed hash: they come back pending.
                let summary = try await runtime.database.importSubscribers(rows, now: Date(), signer: try await runtime.signer())
                var line = "imported \(rows.count) subscriber\(rows.count == 1 ? "" : "s"): \(summary.added) added, \(summary.updated) updated"
                if summary.keptUnsubscribed > 0 { line += ", \(summary.keptUnsubscribed) kept unsubscribed" }
                print(line)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print subscribers as CSV in the import format (re-importable).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this status: active, pending or unsubscribed.") var status: String?

        func validate() throws {
            if let status, SubscriberStatus(rawValue: status) == nil {
                throw ValidationError("--status must be active, pending or unsubscribed, not \(status.debugDescription)")
            }
        }

        func run() async throws {
            try await reporting {
                let runtime = try await Runtime.start(global, database: .mustExist)
                let subscribers = try await runtime.database.subscribers(status: status.flatMap(SubscriberStatus.init(rawValue:)))
                let csv = try CSVWriter(stream: .toMemory())
                try csv.write(row: FeedParser.subscriberColumns + FeedParser.optionalSubscriberColumns)
                for s in subscribers {
                    let p = s.preferences
                    try csv.write(row: [
                        s.email, s.name, s.timeZone, s.sendDay.abbreviation, String(s.sendHour),
                        p.languages.joined(separator: ";"), p.levels.map(\.rawValue).joined(separator: ";"),
                        p.remoteOnly ? "true" : "false", p.locations.joined(separator: ";"),
                        p.minSalary.map(String.init) ?? "", s.status.rawValue, p.skipEmpty ? "true" : "false",
                        s.pausedUntil.map(Timestamp.format) ?? "",
                    ])
                }
                csv.stream.close()
                let data = csv.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
                FileHandle.standardOutput.write(data)
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unsubscribe an address (for example one that wrote to the List-Unsubscribe mailto).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The subscriber's e-mail address.") var email: String

        func run() async throws {
            try await reporting {
                let runtime = try await Runtime.start(global, database: .mustExist)
                let changed = try await runtime.database.unsubscribe(email: email, now: Date())
                print(changed ? "unsubscribed \(email)" : "\(email) was already unsubscribed")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print, as JSON, everything stored about one person (subscriber row and every ledger row).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The subscriber's e-mail address (any case).") var email: String

        func run() async throws {
            try await reporting {
                let runtime = try await Runtime.start(global, database: .mustExist)
                guard let data = try await runtime.database.personalData(email: email) else {
                    throw StoreError.unknownSubscriber(email)
                }
                FileHandle.standardOutput.write(try data.json())
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a person and every row naming them; keep only a keyed hash of the address suppressed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The subscriber's e-mail address (any case).") var email: String

        func run() async throws {
            try await reporting {
                let runtime = try await Runtime.start(global, database: .mustExist)
                guard try await runtime.database.erase(email: email, now: Date(), signer: try await runtime.signer()) else {
                    throw StoreError.unknownSubscriber(email)
                }
                print("erased \(email); only a keyed hash stays on the suppression list")
            }
        }
    }
}
