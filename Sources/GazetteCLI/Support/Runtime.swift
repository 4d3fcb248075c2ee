import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The composition root: settings, logging, the database and the delivery pieces, wired once per command.
struct Runtime {
    let settings: Settings
    let database: AppDatabase
    let logger: Logger

    /// Reads settings, bootstraps logging and opens (and migrates) the database.
    static func start(_ global: GlobalOptions) async throws -> Runtime {
        // The database holds subscriber addresses and the outbox holds their mail: owner-only, whatever
        // the caller's umask (SQLite creates the -wal and -shm files too).
        umask(0o077)
        let settings = try await Settings.load(database: global.database)
        let logger = LogSetup.bootstrapOnce(level: settings.logLevel)
        let database = try AppDatabase.open(path: settings.database)
        return Runtime(settings: settings, database: database, logger: logger)
    }

    func schedule() -> SendSchedule { SendSchedule(grace: TimeInterval(settings.graceHours) * 3600) }

    /// The link-signing key: `GAZETTE_SECRET`, or one generated once and kept in the database.
    func signer() throws -> LinkSigner {
        LinkSigner(secret: try settings.secret ?? database.installationSecret())
    }

    func templatesDirectory() -> String {
        settings.templatesExplicit ? settings.templates : ResourceLocator.directory(settings.templates, fallback: "Templates")
    }

    func messageFactory() async throws -> MessageFactory {
        let templates = try await DigestTemplates(directory: templatesDirectory())
        let sender = SenderProfile(
            from: settings.from, baseURL: settings.baseURL, postalAddress: settings.postalAddress, signer: try signer(),
            bounceAddress: settings.bounceAddress)
        return MessageFactory(templates: templates, sender: sender)
    }

    /// One subscriber's message for one edition, as `send` builds it (`preview`, `send-test`).
    /// - Parameter recipient: a test copy's address instead of the subscriber's.
    func prepareMessage(for email: String, edition: Edition, date: Date, recipient: EmailAddress? = nil) async throws -> PreparedMessage {
        guard let subscriber = try database.subscriber(email: email) else { throw DeliveryError.unknownSubscriber(email) }
        return try await messageFactory().prepare(
            content: try database.editionContent(edition), subscriber: subscriber, date: date, recipient: recipient)
    }

    /// SMTP when `GAZETTE_SMTP_URL` is set, the outbox directory otherwise.
    func transport() throws -> any MailTransport {
        guard let url = settings.smtpURL else { return OutboxTransport(directory: settings.outbox) }
        var configuration: SmtpConfiguration
        do {
            configuration = try SmtpConfiguration.parse(
                url: url, tls: settings.smtpTLS, username: settings.smtpUsername, password: settings.smtpPassword,
                caFile: settings.smtpCAFile)
        } catch {
            throw SettingsError("GAZETTE_SMTP_URL/GAZETTE_SMTP_TLS: \(error)")
        }
        let timeout = Duration.seconds(settings.smtpTimeoutSeconds)
        configuration.timeouts.reply = timeout
        configuration.timeouts.lowSpeedTime = timeout  // libcurl's speed check also runs while waiting for replies
        configuration.timeouts.total = max(configuration.timeouts.total, timeout * 3)
        if settings.baseURL == Settings.defaultBaseURL {
            logger.warning("GAZETTE_BASE_URL is not set: unsubscribe links point at \(Settings.defaultBaseURL), which your subscribers cannot reach")
        }
        return SmtpTransport(configuration: configuration)
    }
}

enum LogSetup {
    private static let bootstrapped = Mutex(false)

    /// swift-log allows one bootstrap per process: to standard error, so standard output stays for results.
    static func bootstrapOnce(level: String) -> Logger {
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = Logger.Level(rawValue: level.lowercased()) ?? .info
                    return handler
                }
                done = true
            }
        }
        return Logger(label: "gazette")
    }
}

/// Finds the folders that ship with Gazette (Templates, Samples, Subscribers) when run from elsewhere.
enum ResourceLocator {
    /// `preferred` when it exists, else the folder of the same name in the source checkout this binary was built from.
    static func directory(_ preferred: String, fallback name: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: preferred, isDirectory: &isDirectory), isDirectory.boolValue {
            return preferred
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : preferred
    }
}
