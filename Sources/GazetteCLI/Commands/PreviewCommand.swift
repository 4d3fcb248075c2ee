import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteStore
import GazetteTemplates

/// `gazette preview --subscriber EMAIL [--week W] [--out DIR] [--format eml|html|text]`
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show a subscriber's digest exactly as `send` would build it; nothing is sent or recorded.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case eml, html, text
        var fileExtension: String { self == .text ? "txt" : rawValue }
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "The subscriber's e-mail address.") var subscriber: String
    @OptionGroup var week: WeekOption
    @Option(help: "Write files into this directory instead of printing (all three formats unless --format).") var out: String?
    @Option(help: "eml, html or text (printing defaults to text).") var format: Format?


    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global, database: .mustExist)
            let now = Date()
            let edition = try week.edition(at: now)
            let message = try await runtime.message(for: subscriber, edition: edition, date: now)
            func body(_ format: Format) -> Data {
                switch format {
                case .eml: Data(message.bytes)
                case .html: Data(message.rendered.html.utf8)
                case .text: Data(message.rendered.text.utf8)
                }
            }
            guard let out else {
                FileHandle.standardOutput.write(body(format ?? .text))
                return
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            // `--out preview/` names files preview/…, not preview//….
            var directory = out
            while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
            for format in format.map({ [$0] }) ?? Format.allCases {
                let path = "\(directory)/\(message.key).\(format.fileExtension)"
                try body(format).write(to: URL(fileURLWithPath: path), options: .atomic)
                print(path)
            }
        }
    }
}
