import CGazetteCurl

/// Delivers over SMTP through libcurl: one session (one connection, one easy handle) per parallel
/// lane, one transaction per message and recipient.
///
/// `openSession()` does not connect yet: the first `send` does, and reports an unreachable server
/// as `MailError.serverUnavailable`.
public struct SmtpTransport: MailTransport {
    public let configuration: SmtpConfiguration

    public init(configuration: SmtpConfiguration) {
        self.configuration = configuration
    }

    public var summary: String { configuration.summary }

    public func openSession() throws(MailError) -> any MailSession {
        try SmtpSession(configuration: configuration)
    }

    /// `curl_global_init` must run once before any handle exists, and is not safe to race with
    /// itself on every platform: a `static let` is initialized exactly once, thread-safely.
    private static let libcurlInitialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    static func initializeLibcurl() throws(MailError) {
        let result = libcurlInitialization
        guard result == CURLE_OK else {
            throw .configuration("libcurl could not be initialized: \(String(cString: curl_easy_strerror(result)))")
        }
    }
}

// `\(transport)` must not print the password through the default reflection of its configuration.
extension SmtpTransport: CustomStringConvertible, CustomReflectable {
    public var description: String { summary }
    public var customMirror: Mirror { Mirror(self, children: ["summary": summary]) }
}
