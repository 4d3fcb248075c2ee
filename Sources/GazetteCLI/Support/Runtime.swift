import ArgumentParser
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteStorePostgres
import GazetteTemplates
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The composition root: settings, logging, the database and the delivery pieces, wired once per command.
struct Runtime {
    let settings: Settings
    let database: any Store
    let logger: Logger

    /// What a command does with a database file that does not exist yet.
    enum DatabaseUse {
        /// Create it (commands that write: imports, send, serve, schedule, migrate).
        case create
        /// Refuse (commands that only read or change what must already be there): exit 66.
        case mustExist
    }

    /// Reads settings, bootstraps logging and opens (and migrates) the database.
    static func start(_ global: GlobalOptions, database use: DatabaseUse = .create) async throws -> Runtime {
        try await configure(global).open(use)
    }

    /// Settings and logging, before any database is opened: imports validate their files in between, so
    /// that a configuration mistake is reported first and a refused import creates no file.
    struct Configured {
        let settings: Settings
        let logger: Logger

        /// A SQLite file, or a PostgreSQL database (always there: migrated first, under its lock).
        func open(_ use: DatabaseUse = .create) async throws -> Runtime {
            let database: any Store
            switch settings.database {
            case .sqlite(let path): database = try SQLiteStore.open(path: path, mustExist: use == .mustExist)
            case .postgres(let address): database = try await PostgresStore.connect(address, logger: logger)
            }
            return Runtime(settings: settings, database: database, logger: logger)
        }
    }

    static func configure(_ global: GlobalOptions) async throws -> Configured {
        // The database holds subscriber addresses and the outbox holds their mail: owner-only, whatever
        // the caller's umask (SQLite creates the -wal and -shm files too).
        umask(0o077)
        let settings = try await Settings.load(database: global.database)
        let logger = LogSetup.bootstrapOnce(level: settings.logLevel)
        for warning in settings.warnings { logger.warning("\(warning)") }
        return Configured(settings: settings, logger: logger)
    }

    func schedule() -> SendSchedule { SendSchedule(grace: TimeInterval(settings.graceHours) * 3600) }

    /// The link-signing key: `GAZETTE_SECRET`, or one generated once and kept in the database.
    func signer() async throws -> LinkSigner {
        if let secret = settings.secret { return LinkSigner(secret: secret) }
        return LinkSigner(secret: try await database.installationSecret())
    }

    func templatesDirectory() -> String {
        settings.templatesExplicit ? settings.templates : ResourceLocator.directory(settings.templates, fallback: "Templates")
    }

    func messageFactory() async throws -> MessageFactory {
        let templates = try await DigestTemplates(directory: templatesDirectory())
        let sender = SenderProfile(
            from: settings.from, baseURL: settings.baseURL, postalAddress: settings.postalAddress, signer: try await signer(),
            bounceAddress: settings.bounceAddress)
        return MessageFactory(templates: templates, sender: sender, dkim: try dkimSigner())
    }

    /// The DKIM signer when `GAZETTE_DKIM_*` are set: a key that cannot be read or is too weak stops the
    /// command here, before any message is built or sent (exit 64).
    func dkimSigner() throws -> DKIMSigner? {
        guard let dkim = settings.dkim else { return nil }
        let key: DKIMPrivateKey
        do throws(DKIMError) { key = try DKIMPrivateKey.load(path: dkim.keyFile) } catch {
            throw SettingsError("GAZETTE_DKIM_KEY_FILE: \(error)")
        }
        do throws(DKIMError) { return try DKIMSigner(domain: dkim.domain, selector: dkim.selector, key: key) } catch {
            throw SettingsError(error.description)
        }
    }

    /// The double opt-in mailer of `gazette serve`, with the digest's templates, sender and transport.
    func confirmationSender() async throws -> ConfirmationSender {
        let factory = try await messageFactory()
        return ConfirmationSender(
            templates: factory.templates, sender: factory.sender, transport: try transport(), dkim: factory.dkim)
    }

    /// One subscriber's message for one edition, as `send` builds it (`preview`, `send-test`).
    /// - Parameter recipient: a test copy's address instead of the subscriber's.
    func message(for email: String, edition: Edition, date: Date, recipient: EmailAddress? = nil) async throws -> DigestMessage {
        guard let subscriber = try await database.subscriber(email: email) else { throw DeliveryError.unknownSubscriber(email) }
        if subscriber.status != .active {
            logger.warning("\(subscriber.email) is \(subscriber.status.rawValue): no digest is sent to this address; this copy is for you only")
        }
        return try await messageFactory().message(
            content: try await database.editionContent(edition), subscriber: subscriber, date: date, recipient: recipient)
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
        warnAboutPlaceholders()
        return SmtpTransport(configuration: configuration)
    }
}

extension Runtime {
    /// Mail that leaves this machine needs links subscribers can reach and the sender's postal address
    /// (required in bulk mail by most countries' laws): say so on every run that sends over SMTP.
    func warnAboutPlaceholders() {
        if settings.baseURL == Settings.defaultBaseURL {
            logger.warning("GAZETTE_BASE_URL is not set: links point at \(Settings.defaultBaseURL), which your subscribers cannot reach; set the public https URL of gazette serve")
        } else if settings.baseURL.lowercased().hasPrefix("http:") {
            logger.warning("GAZETTE_BASE_URL uses plain http: one-click unsubscribe (RFC 8058) needs https")
        }
        if settings.postalAddress == HeaderEncoding.sanitize(Settings.defaultPostalAddress) {
            logger.warning("GAZETTE_POSTAL_ADDRESS is not set: the footer shows a placeholder address; most countries' laws require your real postal address in bulk mail")
        }
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
                    // Settings refused any other value, so the fallback is never taken.
                    handler.logLevel = Logger.Level(rawValue: level) ?? .info
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
