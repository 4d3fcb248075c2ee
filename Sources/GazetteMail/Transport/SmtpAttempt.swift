import CGazetteCurl
import Foundation

/// The result of one `curl_easy_perform` (one message, one recipient) and what it means: an outcome
/// for this recipient, or a reason to stop the whole run.
///
/// The mapping follows what libcurl 7.88 reports (see docs/libcurl-smtp.md): a reply refused
/// by the server surfaces as CURLE_SEND_ERROR (MAIL FROM, RCPT TO, DATA) or CURLE_WEIRD_SERVER_REPLY
/// (greeting, final dot) with CURLINFO_RESPONSE_CODE set; after connection-level errors that code
/// is stale, so it is trusted only when it agrees with the reply the transcript saw.
package struct SmtpAttempt: Sendable {
    package enum Verdict: Equatable, Sendable {
        case outcome(SendOutcome)
        case stop(MailError)
    }

    /// libcurl's CURLcode.
    package var code: Int
    /// libcurl's error buffer (or its description of `code` when the buffer is empty).
    package var curlMessage: String
    /// CURLINFO_RESPONSE_CODE: the last reply code libcurl parsed, possibly from an earlier command.
    package var responseCode: Int
    /// Whether the transfer ran on a pooled connection (CURLINFO_NUM_CONNECTS was 0).
    package var reusedConnection: Bool
    package var stage: SmtpTranscript.Stage
    package var reply: SmtpTranscript.Reply?
    package var sawPositiveReply: Bool

    package init(
        code: Int, curlMessage: String, responseCode: Int, reusedConnection: Bool, stage: SmtpTranscript.Stage,
        reply: SmtpTranscript.Reply?, sawPositiveReply: Bool
    ) {
        self.code = code
        self.curlMessage = curlMessage
        self.responseCode = responseCode
        self.reusedConnection = reusedConnection
        self.stage = stage
        self.reply = reply
        self.sawPositiveReply = sawPositiveReply
    }

    /// A server may close a pooled connection while it sits idle (its own timeout, a restart). libcurl
    /// finds out only by sending MAIL FROM: it gets a 421 left in the socket, or nothing at all. The
    /// server accepted nothing of this transaction, so sending again on a fresh connection cannot
    /// duplicate the message.
    package var failedOnStaleConnection: Bool {
        guard code != Self.ok, reusedConnection, !sawPositiveReply else { return false }
        guard reply == nil || reply?.code == 421 else { return false }
        return Self.connectionFaults.contains(code) || code == Self.sendError || code == Self.weirdServerReply
    }

    /// - Parameters:
    ///   - server: `host:port`, for messages.
    ///   - secrets: strings that must never appear in a message (the password, the user name),
    ///     even if a server echoes them back. Those under 4 characters are left alone: replacing
    ///     them would blank out pieces of ordinary words.
    package func verdict(server: String, secrets: [String]) -> Verdict {
        func clean(_ text: String) -> String {
            secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
        }
        let curl = clean("\(curlMessage) (curl error \(code))")
        let replyLine = reply.map { clean($0.line) }

        if code == Self.ok {
            return .outcome(.accepted(detail: replyLine ?? "\(responseCode)"))
        }
        if Self.unreachable.contains(code) {
            return .stop(.serverUnavailable("cannot connect to \(server): \(curl)"))
        }
        if code == Self.useSSLFailed {
            if stage == .startTLS, let replyLine {
                return .stop(.configuration("\(server) refused STARTTLS (\(replyLine)); TLS mode starttls requires it"))
            }
            return .stop(
                .configuration(
                    "\(server) does not offer STARTTLS, which TLS mode starttls requires; nothing was sent (\(curl))"))
        }
        if Self.tlsFailures.contains(code) {
            return .stop(
                .configuration("TLS with \(server) failed, check the server certificate and the CA file: \(curl)"))
        }
        if Self.authenticationFailures.contains(code) {
            return .stop(.configuration("\(server) refused the SMTP credentials: \(replyLine ?? curl)"))
        }
        if Self.setupFailures.contains(code) {
            return .stop(.configuration("libcurl refused the SMTP settings: \(curl)"))
        }

        // A refusal by the server: the reply code belongs to the command that failed.
        if code == Self.sendError || code == Self.weirdServerReply, let reply, let replyLine,
            reply.code == responseCode, reply.code >= 400
        {
            let temporary = reply.code < 500
            switch stage {
            case .greeting, .hello:
                let text = "\(server) refused the SMTP session: \(replyLine)"
                return .stop(temporary ? .serverUnavailable(text) : .configuration(text))
            case .mail where !temporary:
                // The same sender goes with every message: no later message can do better.
                return .stop(.configuration("\(server) refused the sender address: \(replyLine)"))
            case .auth where !temporary, .startTLS where !temporary:
                return .stop(.configuration("\(server) refused the session setup: \(replyLine)"))
            case .mail, .recipient, .data, .endOfData, .other, .startTLS, .auth:
                return .outcome(
                    temporary
                        ? .deferred(code: reply.code, reply: replyLine) : .rejected(code: reply.code, reply: replyLine))
            }
        }

        // The connection broke. Before the greeting of a new connection, nobody is serving there.
        if stage == .greeting && !reusedConnection && reply == nil {
            return .stop(.serverUnavailable("\(server) accepted the connection but sent no greeting: \(curl)"))
        }
        return .outcome(.deferred(code: nil, reply: "connection to \(server) failed at \(stage.rawValue): \(curl)"))
    }

    package static let ok = Int(CURLE_OK.rawValue)
    package static let sendError = Int(CURLE_SEND_ERROR.rawValue)
    package static let weirdServerReply = Int(CURLE_WEIRD_SERVER_REPLY.rawValue)
    package static let useSSLFailed = Int(CURLE_USE_SSL_FAILED.rawValue)

    /// Nobody answers at that address.
    package static let unreachable: Set<Int> = Set(
        [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY].map { Int($0.rawValue) })

    /// The connection dropped or stalled mid-way.
    package static let connectionFaults: Set<Int> = Set(
        [CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT].map { Int($0.rawValue) })

    /// Certificates, trust, handshakes: retrying cannot help, the operator must look.
    package static let tlsFailures: Set<Int> = Set(
        [
            CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
        ].map { Int($0.rawValue) })

    package static let authenticationFailures: Set<Int> = Set([CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR].map { Int($0.rawValue) })

    /// libcurl cannot do what was asked (missing protocol support, bad option): a build or settings problem.
    package static let setupFailures: Set<Int> = Set(
        [
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_FAILED_INIT, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN,
            CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION,
        ].map { Int($0.rawValue) })
}
