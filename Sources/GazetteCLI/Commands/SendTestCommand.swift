import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore

/// `gazette send-test --subscriber EMAIL --to ADDRESS [--week W]`
struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one copy of a subscriber's digest to any address; the ledger is not touched.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Whose digest to send.") var subscriber: String
    @Option(help: "Where to send the copy.") var to: String
    @OptionGroup var week: WeekOption

    func validate() throws {
        if let problem = EmailAddress.problem(with: to) { throw ValidationError("--to \(to.debugDescription) \(problem)") }
    }

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global, database: .mustExist)
            let now = Date()
            let edition = try week.edition(at: now)
            let message = try await runtime.message(
                for: subscriber, edition: edition, date: now, recipient: try EmailAddress(to))
            let transport = try runtime.transport()
            // One message: blocking here is fine, no other work shares this thread.
            let session = try transport.openSession()
            defer { session.close() }
            let key = "test-\(message.key)-\(Int(now.timeIntervalSince1970))"
            switch try session.send(message.bytes, envelope: message.envelope, key: key) {
            case .accepted(let detail):
                print("sent a test copy of \(edition) for \(subscriber) to \(to) (\(detail))")
            case .deferred(let code, let reply):
                print("deferred by the server (\(code.map(String.init) ?? "no code")): \(reply)")
                throw ExitCode(ExitStatus.temporaryFailure)
            case .rejected(let code, let reply):
                print("refused by the server (\(code)): \(reply)")
                throw ExitCode(ExitStatus.failure)
            }
        }
    }
}
