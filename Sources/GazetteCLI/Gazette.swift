import ArgumentParser

/// The `gazette` command: configuration and subcommands only; each subcommand lives in `Commands/`.
@main
struct Gazette: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazette",
        abstract: "Weekly, personalised job-market digests for backend engineers, delivered by e-mail.",
        discussion: """
            Configuration comes from flags, then GAZETTE_* environment variables, then the optional \
            env file named by GAZETTE_CONFIG (default ./gazette.env), then defaults. See README.md.
            """,
        subcommands: [
            ImportCommand.self, SubscribersCommand.self, PreviewCommand.self, SendCommand.self, SendTestCommand.self, ScheduleCommand.self, ServeCommand.self,
            StatusCommand.self, BouncesCommand.self, DemoCommand.self, DKIMCommand.self, MigrateCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
