import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore

/// `gazette bounces process [PATH…] [--move-to DIR]`
struct BouncesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "Process bounces and spam complaints that came back by e-mail.",
        subcommands: [Process.self]
    )

    struct Process: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read RFC 3464 bounces and RFC 5965 abuse reports; suppress dead addresses and complainers.",
            discussion: """
                Each PATH is one message file, an mbox file or a Maildir directory (new/ and cur/); no PATH or \
                `-` reads one message from standard input (a Postfix pipe, procmail, .forward). The last line \
                is `bounces: hard N, soft N, complaints N, ignored N, unmatched N`. Exit status: 0 when every \
                message was read, 65 for a path that is not a message, mbox or Maildir (nothing is processed), \
                75 when the database is busy (Postfix retries the delivery later).
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("move-to"), help: "Move each processed file into this directory (Maildir layout kept: new/, cur/).")
        var moveTo: String?
        @Argument(help: "Message files, mbox files or Maildir directories; `-` or nothing for standard input.")
        var paths: [String] = []

        func validate() throws {
            if let moveTo, moveTo.isEmpty { throw ValidationError("--move-to needs a directory") }
        }

        func run() async throws {
            try await reporting {
                // Every argument is checked before anything is read: a typo must not process half the list.
                var sources: [ReportPath] = []
                var problems: [ReportPathError] = []
                for path in paths.isEmpty ? ["-"] : paths {
                    do throws(ReportPathError) { sources.append(try ReportSource.classify(path)) } catch { problems.append(error) }
                }
                if !problems.isEmpty {
                    for problem in problems { FileHandle.standardError.write(Data("gazette: \(problem)\n".utf8)) }
                    throw ExitCode(ExitStatus.dataError)
                }
                let runtime: Runtime
                do { runtime = try await Runtime.start(global) } catch let error as StoreError {
                    throw BouncesCommand.busyAware(error)
                }
                let processor = BounceProcessor(database: runtime.database, signer: try await runtime.signer(), logger: runtime.logger)
                let mover = moveTo.map(ProcessedFileMover.init(directory:))
                var summary = BounceSummary()
                do {
                    for source in sources {
                        try await process(source, processor: processor, mover: mover, summary: &summary)
                    }
                } catch let error as StoreError {
                    print(summary.line)
                    throw BouncesCommand.busyAware(error)
                }
                print(summary.line)
            }
        }

        private func process(
            _ source: ReportPath, processor: BounceProcessor, mover: ProcessedFileMover?, summary: inout BounceSummary
        ) async throws {
            switch source {
            case .standardInput:
                summary.add(try await processor.process(ReportSource.readStandardInput(), now: Date()))
            case .message(let path):
                summary.add(try await processor.process(try ReportSource.readMessage(path), now: Date()))
                try mover?.move(path, folder: nil)
            case .mbox(let path):
                try await ReportSource.forEachMessage(inMbox: path) { message in
                    summary.add(try await processor.process(message, now: Date()))
                }
                try mover?.move(path, folder: nil)
            case .maildir(let path):
                for (folder, name) in ReportSource.maildirFiles(path) {
                    let file = "\(path)/\(folder)/\(name)"
                    // A file another reader took meanwhile is gone, not an error.
                    guard let message = try? ReportSource.readMessage(file) else { continue }
                    summary.add(try await processor.process(message, now: Date()))
                    try mover?.move(file, folder: folder)
                }
            }
        }
    }

    /// A busy database answers 75 here: Postfix keeps the message and runs the pipe again later.
    static func busyAware(_ error: StoreError) -> any Error {
        if case .busy = error {
            FileHandle.standardError.write(Data("gazette: \(error)\n".utf8))
            return ExitCode(ExitStatus.temporaryFailure)
        }
        return error
    }
}
