import Foundation

/// Where and how `SmtpTransport` connects: a validated server address, the TLS policy, optional
/// credentials and timeouts.
///
/// Build it with `parse(url:tls:username:password:caFile:)`, which refuses anything ambiguous.
/// The password (and the user name) never appear in `description`, `summary` or any error text.
public struct SmtpConfiguration: Sendable {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// `smtp://`: plain connection upgraded with STARTTLS, which the server must offer
        /// (libcurl's CURLUSESSL_ALL; never CURLUSESSL_TRY, which silently carries on in clear text).
        case starttls
        /// `smtps://`: TLS from the first byte (implicit TLS, usually port 465).
        case tls
        /// `smtp://` in clear text. Only when chosen explicitly: credentials and mail travel unprotected.
        case none
    }

    /// libcurl's timers. The defaults follow RFC 5321 §4.5.3.2, which asks a client to wait up to
    /// 5 minutes for most replies and 10 minutes for the reply to the final dot: giving up earlier
    /// on a slow but working relay would defer (and later resend) a message it may have accepted.
    public struct Timeouts: Sendable, Equatable {
        /// TCP connect plus the TLS handshake (libcurl's default is 300 s).
        public var connect: Duration = .seconds(30)
        /// Longest wait for any one server reply, the final dot's included (libcurl's default is 120 s).
        public var reply: Duration = .seconds(600)
        /// A transfer whose speed stays under `lowSpeedLimit` bytes per second for `lowSpeedTime` is
        /// abandoned. libcurl applies this check while waiting for replies too, so `lowSpeedTime`
        /// must not be shorter than `reply`.
        public var lowSpeedLimit: Int = 1
        public var lowSpeedTime: Duration = .seconds(600)
        /// Backstop for one whole message (connect, commands, data, final reply).
        public var total: Duration = .seconds(1800)

        public init() {}
    }

    /// `smtp` or `smtps`.
    public let scheme: String
    public let host: String
    public let port: Int
    /// Name sent with EHLO; nil lets libcurl send the machine's host name.
    public let heloName: String?
    public let tls: TLSMode
    public let username: String?
    public let password: String?
    /// Extra CA bundle (PEM) to trust, for private relays and tests.
    public let caFile: String?
    public var timeouts: Timeouts

    /// The URL handed to libcurl: normalized, never containing credentials.
    public var url: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)/\(heloName ?? "")"
    }

    /// For logs: server, port and TLS policy; whether AUTH is used, but never who or with what.
    public var summary: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let protection =
            switch tls {
            case .starttls: "STARTTLS required"
            case .tls: "TLS"
            case .none: "clear text"
            }
        let auth = username == nil ? "no AUTH" : "AUTH"
        return "SMTP \(scheme)://\(hostPart):\(port) (\(protection), \(auth))"
    }

    /// Validates the operator's settings (`GAZETTE_SMTP_URL`, `GAZETTE_SMTP_TLS`, …).
    ///
    /// - Parameters:
    ///   - url: `smtp://host[:port][/ehlo-name]` or `smtps://host[:port][/ehlo-name]`. Without a
    ///     port: 25 for smtp, 465 for smtps. Credentials in the URL are refused.
    ///   - tls: `starttls`, `tls` or `none`; nil or empty takes the scheme's default (`starttls` for
    ///     smtp://, `tls` for smtps://). `none` must be written out: clear text is never a default.
    ///   - username, password: SMTP AUTH; both or neither.
    ///   - caFile: a readable PEM file of CA certificates to trust.
    public static func parse(
        url: String, tls: String? = nil, username: String? = nil, password: String? = nil, caFile: String? = nil
    ) throws(MailError) -> SmtpConfiguration {
        let text = url.trimmingCharacters(in: .whitespaces)
        // The URL is quoted in errors only once we know it holds no credentials.
        guard let components = URLComponents(string: text), let rawScheme = components.scheme else {
            throw .configuration("the SMTP URL is not a valid URL; expected smtp://host:587 or smtps://host:465")
        }
        if components.percentEncodedUser != nil || components.percentEncodedPassword != nil {
            throw .configuration(
                "the SMTP URL must not contain credentials; set the user name and password separately")
        }
        let scheme = rawScheme.lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw .configuration(
                "unsupported scheme in \(text.debugDescription): use smtp:// (STARTTLS) or smtps:// (TLS)")
        }
        guard let host = validHost(components.percentEncodedHost) else {
            throw .configuration("the SMTP URL \(text.debugDescription) has no valid host name")
        }
        let port = components.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65535).contains(port) else {
            throw .configuration("the SMTP URL \(text.debugDescription) has an invalid port")
        }
        if components.percentEncodedQuery != nil || components.percentEncodedFragment != nil {
            throw .configuration("the SMTP URL \(text.debugDescription) must not have a query or a fragment")
        }
        // libcurl sends the path as the EHLO argument: allow one host name only.
        var heloName: String?
        let path = components.percentEncodedPath
        if !path.isEmpty && path != "/" {
            let name = String(path.dropFirst())
            guard path.hasPrefix("/"), isHostName(name) else {
                throw .configuration(
                    "the path of the SMTP URL \(text.debugDescription) must be a host name to send with EHLO")
            }
            heloName = name
        }

        let mode = try tlsMode(tls, scheme: scheme)
        let username = username.flatMap { $0.isEmpty ? nil : $0 }
        let password = password.flatMap { $0.isEmpty ? nil : $0 }
        if (username == nil) != (password == nil) {
            throw .configuration("SMTP AUTH needs both a user name and a password, or neither")
        }
        for credential in [username, password].compactMap({ $0 })
        where credential.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .configuration("the SMTP user name or password contains a control character")
        }
        let caFile = caFile.flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw .configuration("the CA file \(caFile) does not exist or is not readable")
        }
        return SmtpConfiguration(
            scheme: scheme, host: host, port: port, heloName: heloName, tls: mode, username: username,
            password: password, caFile: caFile, timeouts: Timeouts())
    }

    private static func tlsMode(_ text: String?, scheme: String) throws(MailError) -> TLSMode {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.isEmpty { return scheme == "smtps" ? .tls : .starttls }
        guard let mode = TLSMode(rawValue: trimmed) else {
            throw .configuration("unknown SMTP TLS mode \(trimmed.debugDescription): use starttls, tls or none")
        }
        switch (scheme, mode) {
        case ("smtp", .tls):
            throw .configuration("TLS mode tls needs an smtps:// URL (implicit TLS); smtp:// uses starttls")
        case ("smtps", .starttls), ("smtps", .none):
            throw .configuration("an smtps:// URL is TLS from the start: use TLS mode tls, or an smtp:// URL")
        default:
            return mode
        }
    }

    /// A DNS name, an IPv4 address or a bracketed IPv6 literal; nil for anything else
    /// (percent-encoding, spaces, control characters).
    private static func validHost(_ host: String?) -> String? {
        guard let host, !host.isEmpty else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let inner = host.dropFirst().dropLast()
            let allowed = Set("0123456789abcdefABCDEF:.")
            return !inner.isEmpty && inner.allSatisfy(allowed.contains) ? String(inner) : nil
        }
        return isHostName(host) ? host : nil
    }

    private static let hostNameScalars = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".unicodeScalars)

    private static func isHostName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy(hostNameScalars.contains)
        }
    }
}

// A configuration printed with `\(configuration)` or dumped in a debugger shows the summary
// only: the default reflection would print the password.
extension SmtpConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { summary }
    public var debugDescription: String { summary }
    public var customMirror: Mirror { Mirror(self, children: ["summary": summary]) }
}
