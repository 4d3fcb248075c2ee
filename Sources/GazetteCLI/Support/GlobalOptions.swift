import ArgumentParser

/// Options every command accepts, before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    // Optional with no default, so GAZETTE_DATABASE and the env file are not silently overridden.
    @Option(name: .long, help: "SQLite database file (GAZETTE_DATABASE; default ./gazette.sqlite).")
    var database: String?
}
