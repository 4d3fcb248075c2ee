import ArgumentParser
import GazetteStore

/// `gazette migrate`: apply the migrations and exit, for an init container, a Kubernetes Job or an
/// upgrade done by hand before the senders start. Every other command migrates too; this one does
/// nothing else.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations and exit (every command also migrates first).",
        discussion: "A database written by a newer Gazette is refused and left as it is.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            let applied = try await runtime.database.appliedMigrations()
            print("database \(runtime.settings.database): \(applied.count) migrations applied, latest \(applied.last.map { "\"\($0)\"" } ?? "none")")
        }
    }
}
