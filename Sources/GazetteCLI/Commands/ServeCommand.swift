import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import GazetteWeb
import ServiceLifecycle
import UnixSignals

/// `gazette serve [--host H] [--port P]`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve previews (operators) and the signup, confirmation, unsubscribe and preferences pages (subscribers).",
        discussion: """
            Binds to 127.0.0.1 by default. Bound to any other address, the operator pages require \
            GAZETTE_OPERATOR_TOKEN (HTTP Basic with the token as password, or a Bearer token); the \
            subscriber pages are always public and authorised by their signed links.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port.") var port = 8080

    func validate() throws {
        if !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
    }

    func run() async throws {
        try await reporting {
            let runtime = try await Runtime.start(global)
            // The page templates are checked before anything listens: a broken edit stops serve here with the
            // file and line, instead of answering 500 (or an empty page) to subscribers later.
            let pages = try PageTemplates(directory: runtime.templatesDirectory())
            var settings = WebSettings(
                host: host, port: port, operatorToken: runtime.settings.operatorToken, signer: try await runtime.signer(),
                listName: runtime.settings.from.name ?? "Gazette", pages: pages)
            settings.baseURL = runtime.settings.baseURL
            settings.apiToken = runtime.settings.apiToken
            // Signups record the confirmation they are owed in the database; this service mails it through the
            // same transport as `send` (outbox or SMTP), also what a previous serve left unsent.
            let mailer = ConfirmationMailService(
                sender: try await runtime.confirmationSender(), database: runtime.database, signer: settings.signer,
                baseURL: settings.baseURL, logger: runtime.logger)
            settings.confirmationMailer = mailer.mailer
            let app = try WebApp.application(
                database: runtime.database, previewer: FactoryPreviewer(database: runtime.database, factory: try await runtime.messageFactory()),
                settings: settings, logger: runtime.logger)
            let services: [any Service] = [app, mailer]
            let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: runtime.logger)
            do {
                try await group.run()
            } catch {
                throw WebError.binding(error, host: host, port: port) ?? error
            }
        }
    }
}

/// Previews built by the same `MessageFactory` as `send`, so the web shows exactly what is mailed.
struct FactoryPreviewer: DigestPreviewer {
    let database: any Store
    let factory: MessageFactory

    func preview(subscriber: Subscriber, edition: Edition) async throws -> DigestPreview {
        let content = try await database.editionContent(edition)
        let message = try factory.message(content: content, subscriber: subscriber, date: Date())
        let rendered = message.rendered
        return DigestPreview(
            subject: rendered.subject, text: rendered.text, html: rendered.html,
            webHTML: factory.webHTML(of: message, content: content), eml: message.bytes, fileName: "\(message.key).eml")
    }
}
