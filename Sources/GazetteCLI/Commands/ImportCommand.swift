import ArgumentParser
import Foundation
import GazetteCore
import GazetteStore

/// `gazette import openings|salaries|certifications FILE…`
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import feeds: every file is validated first; any error aborts the import and nothing is written.",
        subcommands: [Openings.self, Salaries.self, Certifications.self]
    )

    struct Openings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upsert openings by (source, id) from CSV or JSON Lines (.jsonl) files.",
            discussion: "Columns (CSV header, or JSON keys): \(FeedParser.openingColumns.joined(separator: ",")). Lists are ;-separated, times ISO 8601.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Files to import.") var files: [String]

        func run() async throws {
            try await reporting {
                let configured = try await Runtime.configure(global)
                let rows = try FeedImport.validate(files) { FeedParser.openings(path: $0) }
                let runtime = try await configured.open()
                let count = try await runtime.database.upsertOpenings(rows)
                print("imported \(count) opening\(count == 1 ? "" : "s") from \(files.count) file\(files.count == 1 ? "" : "s")")
            }
        }
    }

    struct Salaries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add salary observations; a row identical to a stored one is not added twice.",
            discussion: "Columns: \(FeedParser.salaryColumns.joined(separator: ",")).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Files to import.") var files: [String]

        func run() async throws {
            try await reporting {
                let configured = try await Runtime.configure(global)
                let rows = try FeedImport.validate(files) { FeedParser.salaries(path: $0) }
                let runtime = try await configured.open()
                let added = try await runtime.database.insertSalaries(rows)
                print("imported \(rows.count) salary observation\(rows.count == 1 ? "" : "s") (\(added) new)")
            }
        }
    }

    struct Certifications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upsert certifications by id.",
            discussion: "Columns: \(FeedParser.certificationColumns.joined(separator: ",")).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Files to import.") var files: [String]

        func run() async throws {
            try await reporting {
                let configured = try await Runtime.configure(global)
                let rows = try FeedImport.validate(files) { FeedParser.certifications(path: $0) }
                let runtime = try await configured.open()
                let count = try await runtime.database.upsertCertifications(rows)
                print("imported \(count) certification\(count == 1 ? "" : "s")")
            }
        }
    }
}

/// Parses every file before anything is written (before the database is even opened), so a bad row
/// anywhere leaves the database as it was, and a refused first import creates no file.
enum FeedImport {
    static func validate<Row>(_ files: [String], parse: (String) -> (rows: [Row], issues: [ImportIssue])) throws -> [Row] {
        var rows: [Row] = []
        var issues: [ImportIssue] = []
        for file in files {
            let result = parse(file)
            rows += result.rows
            issues += result.issues
        }
        if !issues.isEmpty { throw StoreError.invalidInput(issues) }
        return rows
    }
}
