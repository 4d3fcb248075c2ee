import Configuration
import Foundation
import GazetteCore
import GazetteMail
import SystemPackage

extension Settings {
    static let defaultFrom = "Backend Jobs Weekly <digest@example.com>"
    static let defaultBaseURL = "https://localhost:8080"
    static let defaultPostalAddress = "Gazette · 1 Example Street · Springfield"

    /// Reads the settings.
    ///
    /// Keys (environment names): `GAZETTE_DATABASE`, `GAZETTE_SMTP_URL`, `GAZETTE_SMTP_TLS`,
    /// `GAZETTE_SMTP_USERNAME`, `GAZETTE_SMTP_PASSWORD`, `GAZETTE_SMTP_CA_FILE`, `GAZETTE_SMTP_TIMEOUT`, `GAZETTE_OUTBOX`,
    /// `GAZETTE_FROM`, `GAZETTE_BASE_URL`, `GAZETTE_SECRET`, `GAZETTE_TEMPLATES`,
    /// `GAZETTE_POSTAL_ADDRESS`, `GAZETTE_GRACE_HOURS`, `GAZETTE_LOG_LEVEL`, `GAZETTE_OPERATOR_TOKEN`, `GAZETTE_BOUNCE_ADDRESS`; the env file named by
    /// `GAZETTE_CONFIG` (default `./gazette.env`) supplies the same keys with lower precedence.
    static func load(database flag: String?) async throws -> Settings {
        var providers: [any ConfigProvider] = []
        if let flag {
            providers.append(InMemoryProvider(name: "flags", values: ["gazette.database": ConfigValue(.string(flag), isSecret: false)]))
        }
        let secrets: SecretsSpecifier<String, String> = .specific(["GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET", "GAZETTE_OPERATOR_TOKEN"])
        providers.append(EnvironmentVariablesProvider(secretsSpecifier: secrets))
        let environment = ProcessInfo.processInfo.environment
        let configFile = environment["GAZETTE_CONFIG"]
        if let configFile, !FileManager.default.fileExists(atPath: configFile) {
            throw SettingsError("GAZETTE_CONFIG names \(configFile), which does not exist")
        }
        providers.append(try await EnvironmentVariablesProvider(
            environmentFilePath: FilePath(configFile ?? "gazette.env"), allowMissing: configFile == nil,
            secretsSpecifier: secrets))
        let config = ConfigReader(providers: providers).scoped(to: "gazette")

        func text(_ key: String) -> String? {
            guard let value = config.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
            return value
        }

        let fromText = text("from") ?? defaultFrom
        let from: Mailbox
        do { from = try Mailbox(parsing: fromText) } catch {
            throw SettingsError("GAZETTE_FROM: \(error)")
        }
        let baseURL = text("base.url") ?? defaultBaseURL
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false, !baseURL.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
        else {
            throw SettingsError("GAZETTE_BASE_URL must be an absolute https URL, not \(baseURL.debugDescription)")
        }
        let graceText = text("grace.hours") ?? "24"
        guard let graceHours = Int(graceText), graceHours >= 0, graceHours <= 24 * 14 else {
            throw SettingsError("GAZETTE_GRACE_HOURS must be a whole number of hours (0–336), not \(graceText.debugDescription)")
        }
        let timeoutText = text("smtp.timeout") ?? "600"
        guard let smtpTimeout = Int(timeoutText), (1...3600).contains(smtpTimeout) else {
            throw SettingsError("GAZETTE_SMTP_TIMEOUT must be a whole number of seconds (1–3600), not \(timeoutText.debugDescription)")
        }
        var bounceAddress: BounceAddress?
        if let bounceText = text("bounce.address") {
            do { bounceAddress = try BounceAddress(bounceText) } catch {
                throw SettingsError("GAZETTE_BOUNCE_ADDRESS: \(error)")
            }
        }
        let postal = HeaderEncoding.sanitize(text("postal.address") ?? defaultPostalAddress)
        return Settings(
            database: text("database") ?? "./gazette.sqlite",
            smtpURL: text("smtp.url"),
            smtpTLS: text("smtp.tls"),
            smtpUsername: text("smtp.username"),
            smtpPassword: config.string(forKey: "smtp.password", isSecret: true),
            smtpCAFile: text("smtp.ca.file"),
            smtpTimeoutSeconds: smtpTimeout,
            outbox: text("outbox") ?? "./outbox",
            from: from,
            baseURL: baseURL,
            secret: config.string(forKey: "secret", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
            templates: text("templates") ?? "./Templates",
            templatesExplicit: text("templates") != nil,
            postalAddress: postal,
            graceHours: graceHours,
            logLevel: text("log.level") ?? "info",
            operatorToken: config.string(forKey: "operator.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
            bounceAddress: bounceAddress)
    }
}

/// A configuration value that cannot be used; `description` names the variable.
struct SettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
