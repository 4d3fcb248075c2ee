import Configuration
import Foundation
import GazetteCore
import GazetteMail
import GazetteStore
import SystemPackage

extension Settings {
    static let defaultFrom = "Backend Jobs Weekly <digest@example.com>"
    /// Where `gazette serve` answers by default (plain HTTP on loopback): links work on this machine, and
    /// sending over SMTP with it warns that subscribers cannot reach it.
    static let defaultBaseURL = "http://127.0.0.1:8080"
    static let maximumBaseURLLength = 500
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
    static let defaultPostalAddress = "Gazette · 1 Example Street · Springfield"

    /// Reads the settings.
    ///
    /// Keys (environment names): `GAZETTE_DATABASE`, `GAZETTE_SMTP_URL`, `GAZETTE_SMTP_TLS`,
    /// `GAZETTE_SMTP_USERNAME`, `GAZETTE_SMTP_PASSWORD`, `GAZETTE_SMTP_CA_FILE`, `GAZETTE_SMTP_TIMEOUT`, `GAZETTE_OUTBOX`,
    /// `GAZETTE_FROM`, `GAZETTE_BASE_URL`, `GAZETTE_SECRET`, `GAZETTE_TEMPLATES`,
    /// `GAZETTE_POSTAL_ADDRESS`, `GAZETTE_GRACE_HOURS`, `GAZETTE_LEASE_SECONDS`, `GAZETTE_LOG_LEVEL`, `GAZETTE_OPERATOR_TOKEN`,
    /// `GAZETTE_BOUNCE_ADDRESS`, `GAZETTE_API_TOKEN`, `GAZETTE_DKIM_DOMAIN`, `GAZETTE_DKIM_SELECTOR`, `GAZETTE_DKIM_KEY_FILE`; the env file named by
    /// `GAZETTE_CONFIG` (default `./gazette.env`) supplies the same keys with lower precedence.
    static func load(database flag: String?) async throws -> Settings {
        var providers: [any ConfigProvider] = []
        if let flag {
            providers.append(InMemoryProvider(name: "flags", values: ["gazette.database": ConfigValue(.string(flag), isSecret: true)]))
        }
        let secrets: SecretsSpecifier<String, String> = .specific(["GAZETTE_DATABASE", "GAZETTE_SMTP_PASSWORD", "GAZETTE_SECRET", "GAZETTE_OPERATOR_TOKEN", "GAZETTE_API_TOKEN"])
        providers.append(EnvironmentVariablesProvider(secretsSpecifier: secrets))
        let environment = ProcessInfo.processInfo.environment
        let configFile = environment["GAZETTE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let envFile = try EnvFile.load(path: configFile ?? "gazette.env", required: configFile != nil)
        var fileValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in envFile.values where key.hasPrefix("GAZETTE_") {
            // GAZETTE_SMTP_CA_FILE → gazette.smtp.ca.file, as the environment provider maps names.
            let components = key.lowercased().split(separator: "_").map(String.init)
            fileValues[AbsoluteConfigKey(components)] = ConfigValue(.string(value), isSecret: EnvFile.secretKeys.contains(key) || key == "GAZETTE_DATABASE")
        }
        providers.append(InMemoryProvider(name: "env file", values: fileValues))
        var warnings = envFile.warnings
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
              let host = url.host, !host.isEmpty,
              !baseURL.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
        else {
            throw SettingsError("GAZETTE_BASE_URL must be an absolute https URL, not \(baseURL.debugDescription)")
        }
        // RFC 8058 one-click unsubscribe needs an https URI: plain http is only for trying Gazette on this machine.
        if scheme == "http" && !Settings.isLoopback(host: host) {
            throw SettingsError(
                "GAZETTE_BASE_URL must use https (one-click unsubscribe requires it); http is accepted only for "
                    + "127.0.0.1 or localhost, not \(baseURL.debugDescription)")
        }
        // Header lines may not exceed 998 octets: the URL appears in List-Unsubscribe with a token.
        guard baseURL.utf8.count <= maximumBaseURLLength else {
            throw SettingsError("GAZETTE_BASE_URL is \(baseURL.utf8.count) characters long; at most \(maximumBaseURLLength) fit in a mail header")
        }
        let graceText = text("grace.hours") ?? "24"
        guard let graceHours = Int(graceText), graceHours >= 0, graceHours <= 24 * 14 else {
            throw SettingsError("GAZETTE_GRACE_HOURS must be a whole number of hours (0–336), not \(graceText.debugDescription)")
        }
        let leaseText = text("lease.seconds") ?? "120"
        guard let leaseSeconds = Int(leaseText), (2...3600).contains(leaseSeconds) else {
            throw SettingsError("GAZETTE_LEASE_SECONDS must be a whole number of seconds (2–3600), not \(leaseText.debugDescription)")
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
        let logLevel = (text("log.level") ?? "info").lowercased()
        guard Settings.logLevels.contains(logLevel) else {
            throw SettingsError(
                "GAZETTE_LOG_LEVEL must be one of \(Settings.logLevels.joined(separator: ", ")), not \(logLevel.debugDescription)")
        }
        let secret = config.string(forKey: "secret", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let secret { try SecretStrength.check(secret, name: "GAZETTE_SECRET", minimum: 32) }
        let operatorToken = config.string(forKey: "operator.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let operatorToken { try SecretStrength.check(operatorToken, name: "GAZETTE_OPERATOR_TOKEN", minimum: 24) }
        let apiToken = config.string(forKey: "api.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        if let apiToken { try SecretStrength.check(apiToken, name: "GAZETTE_API_TOKEN", minimum: 24) }
        let dkim = try DKIMSettings.read(domain: text("dkim.domain"), selector: text("dkim.selector"), keyFile: text("dkim.key.file"))
        if let dkim, !DKIMSettings.aligns(signing: dkim.domain, from: String(from.address.domain)) {
            warnings.append(
                "GAZETTE_DKIM_DOMAIN \(dkim.domain) is not the domain of GAZETTE_FROM (\(from.address.domain)) nor a parent of it: "
                    + "DMARC will not count the signature as aligned")
        }
        // A PostgreSQL URL may carry a password: read as a secret, and never repeated in a message.
        let database: DatabaseLocation
        do throws(DatabaseLocationError) {
            database = try DatabaseLocation(parsing: config.string(forKey: "database", isSecret: true).flatMap { $0.isEmpty ? nil : $0 } ?? "./gazette.sqlite")
        } catch {
            throw SettingsError("GAZETTE_DATABASE / --database: \(error)")
        }
        return Settings(
            database: database,
            smtpURL: text("smtp.url"),
            smtpTLS: text("smtp.tls"),
            smtpUsername: text("smtp.username"),
            smtpPassword: config.string(forKey: "smtp.password", isSecret: true),
            smtpCAFile: text("smtp.ca.file"),
            smtpTimeoutSeconds: smtpTimeout,
            outbox: text("outbox") ?? "./outbox",
            from: from,
            baseURL: baseURL,
            secret: secret,
            templates: text("templates") ?? "./Templates",
            templatesExplicit: text("templates") != nil,
            postalAddress: postal,
            graceHours: graceHours,
            leaseSeconds: leaseSeconds,
            logLevel: logLevel,
            operatorToken: operatorToken,
            bounceAddress: bounceAddress,
            apiToken: apiToken,
            dkim: dkim,
            warnings: warnings)
    }
}

/// Refuses signing keys and tokens that can be guessed: a short key was recovered offline from one's own
/// link in 21 guesses, and the examples' placeholders are public.
enum SecretStrength {
    static let placeholders = ["change-me", "changeme", "change_me", "replace-me", "replaceme", "placeholder", "your-secret", "secret-here"]

    static func check(_ value: String, name: String, minimum: Int) throws {
        let advice = "generate one with: openssl rand -hex 32"
        if value.count < minimum {
            throw SettingsError("\(name) is \(value.count) characters long; use at least \(minimum) random characters (\(advice))")
        }
        let lowered = value.lowercased()
        if placeholders.contains(where: lowered.contains) {
            throw SettingsError("\(name) is still the placeholder of the examples; \(advice)")
        }
        if Set(value).count < 8 {
            throw SettingsError("\(name) repeats too few characters to be random; \(advice)")
        }
    }
}

extension DKIMSettings {
    /// All three keys or none: a partial set is a mistake that would otherwise send unsigned mail.
    static func read(domain: String?, selector: String?, keyFile: String?) throws -> DKIMSettings? {
        let values = [("GAZETTE_DKIM_DOMAIN", domain), ("GAZETTE_DKIM_SELECTOR", selector), ("GAZETTE_DKIM_KEY_FILE", keyFile)]
        let missing = values.filter { $0.1 == nil }.map(\.0)
        if missing.count == values.count { return nil }
        guard missing.isEmpty, let domain, let selector, let keyFile else {
            throw SettingsError(
                "DKIM needs GAZETTE_DKIM_DOMAIN, GAZETTE_DKIM_SELECTOR and GAZETTE_DKIM_KEY_FILE together; "
                    + "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set")
        }
        // Checked here, not only when mail is built, so that every command reports it the same way.
        for (name, value) in [("GAZETTE_DKIM_DOMAIN", domain), ("GAZETTE_DKIM_SELECTOR", selector)] where !DKIMSigner.isDNSName(value) {
            throw SettingsError("\(name) \(value.debugDescription) is not a valid DNS name")
        }
        return DKIMSettings(domain: domain.lowercased(), selector: selector.lowercased(), keyFile: keyFile)
    }

    /// DMARC relaxed alignment: the From domain is the signing domain or below it.
    static func aligns(signing: String, from: String) -> Bool {
        let from = from.lowercased()
        return from == signing || from.hasSuffix("." + signing)
    }
}

/// A configuration value that cannot be used; `description` names the variable.
struct SettingsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
