import CGazetteCurl
import Foundation
import GazetteCore

/// One SMTP connection: one libcurl easy handle, reused for every message, so the server sees one
/// session (EHLO, STARTTLS and AUTH once) with one transaction per message.
///
/// Calls block; the delivery pipeline runs each session on its own thread, one call at a time.
package final class SmtpSession: MailSession {
    private let configuration: SmtpConfiguration
    private var handle: UnsafeMutableRawPointer?
    /// libcurl writes its error messages here during `curl_easy_perform`: it must stay at one address
    /// for the life of the handle, which a Swift array's storage does not promise.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Follows the dialogue through CURLOPT_DEBUGFUNCTION; lives as long as the session, so it outlives
    /// `curl_easy_cleanup`, which still reports its QUIT.
    private let transcript = SmtpTranscript()

    private var server: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(host):\(configuration.port)"
    }

    /// Never let these reach an error text, even if a server repeats them.
    private var secrets: [String] { [configuration.password, configuration.username].compactMap { $0 } }

    init(configuration: SmtpConfiguration) throws(MailError) {
        self.configuration = configuration
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        handle = try makeHandle()
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    package func send(_ message: [UInt8], envelope: Envelope, key: String) throws(MailError) -> SendOutcome {
        // EmailAddress already refuses these; libcurl would put them on the wire as they are (an extra
        // line would be a command injection), so check again right where they enter libcurl.
        if let problem = Self.problem(inEnvelopeAddress: envelope.sender.value) {
            throw .configuration("the sender address \(problem); it cannot be used in MAIL FROM")
        }
        if let problem = Self.problem(inEnvelopeAddress: envelope.recipient.value) {
            return .rejected(code: 501, reply: "not sent by Gazette: the recipient address \(problem)")
        }
        var attempt = try perform(message, envelope: envelope, freshConnection: false)
        if attempt.failedOnStaleConnection {
            // Once, at once: the server closed the pooled connection and accepted nothing of this message.
            attempt = try perform(message, envelope: envelope, freshConnection: true)
        }
        if SmtpAttempt.connectionFaults.contains(attempt.code) {
            abandonConnection()
        }
        switch attempt.verdict(server: server, secrets: secrets) {
        case .outcome(let outcome): return outcome
        case .stop(let error): throw error
        }
    }

    /// Drops a connection that stalled or broke mid-transaction. libcurl 7.88 keeps a timed-out SMTP
    /// connection for the next message (whose MAIL FROM would then read the late reply to the last one),
    /// and `curl_easy_cleanup` would send QUIT and wait a whole reply timeout for a server that stopped
    /// answering: the socket is shut down first, so the cleanup is immediate, and the next message opens
    /// a new connection. A dead connection costs one timeout, not three.
    private func abandonConnection() {
        guard let handle else { return }
        var socket = CURL_SOCKET_BAD
        if gazette_curl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != CURL_SOCKET_BAD {
            _ = shutdown(socket, Int32(SHUT_RDWR))
        }
        curl_easy_cleanup(handle)
        self.handle = nil
    }

    /// Sends QUIT (libcurl does, in `curl_easy_cleanup`) and releases the handle.
    package func close() {
        if let handle {
            curl_easy_cleanup(handle)
            self.handle = nil
        }
    }

    // MARK: - One transfer

    private func perform(
        _ message: [UInt8], envelope: Envelope, freshConnection: Bool
    ) throws(MailError) -> SmtpAttempt {
        let handle: UnsafeMutableRawPointer
        if let existing = self.handle {
            handle = existing
        } else {
            handle = try makeHandle()
            self.handle = handle
        }
        // One recipient per transaction: a refused recipient is then this message's outcome, with no
        // need for CURLOPT_MAIL_RCPT_ALLLOWFAILS and its header-callback bookkeeping.
        guard let recipients = curl_slist_append(nil, "<\(envelope.recipient.value)>") else {
            throw .configuration("libcurl could not allocate the recipient list")
        }
        let upload = Upload(message)
        defer {
            // libcurl keeps these pointers: clear them before the list and the upload go away.
            _ = gazette_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
            _ = gazette_curl_setopt_pointer(handle, CURLOPT_READDATA, nil)
            curl_slist_free_all(recipients)
        }
        try check(gazette_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.sender.value)>"), "CURLOPT_MAIL_FROM")
        try check(gazette_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), "CURLOPT_MAIL_RCPT")
        try check(
            gazette_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()),
            "CURLOPT_READDATA")
        // The exact size: libcurl announces it in MAIL FROM (SIZE=) when the server supports that
        // extension, so an oversized message is refused before its data goes out.
        try check(
            gazette_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count)), "CURLOPT_INFILESIZE_LARGE")
        try setLong(handle, CURLOPT_FRESH_CONNECT, freshConnection ? 1 : 0, "CURLOPT_FRESH_CONNECT")

        errorBuffer[0] = 0
        transcript.reset()
        let result = withExtendedLifetime(upload) { curl_easy_perform(handle) }

        var responseCode = 0
        var newConnections = 0
        _ = gazette_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        _ = gazette_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        let bufferText = String(cString: errorBuffer)
        return SmtpAttempt(
            code: Int(result.rawValue),
            curlMessage: bufferText.isEmpty ? String(cString: curl_easy_strerror(result)) : bufferText,
            responseCode: responseCode,
            reusedConnection: newConnections == 0,
            stage: transcript.stage,
            reply: transcript.reply,
            sawPositiveReply: transcript.sawPositiveReply)
    }

    // MARK: - The handle

    /// A handle with everything that does not change from one message to the next.
    private func makeHandle() throws(MailError) -> UnsafeMutableRawPointer {
        try SmtpTransport.initializeLibcurl()
        guard let handle = curl_easy_init() else { throw .configuration("libcurl could not create a handle") }
        do {
            try configure(handle)
        } catch {
            curl_easy_cleanup(handle)
            throw error
        }
        return handle
    }

    private func configure(_ handle: UnsafeMutableRawPointer) throws(MailError) {
        let settings = configuration
        // The debug callback comes before VERBOSE: verbose output without it would go to stderr,
        // AUTH lines included.
        try check(
            gazette_curl_setopt_debug_function(handle) { _, type, data, size, context in
                guard let data, let context else { return 0 }
                let transcript = Unmanaged<SmtpTranscript>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: data, count: size)
                if type == CURLINFO_HEADER_OUT {
                    transcript.commandSent(bytes)
                } else if type == CURLINFO_HEADER_IN {
                    transcript.replyReceived(bytes)
                }
                return 0
            }, "CURLOPT_DEBUGFUNCTION")
        try check(
            gazette_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(transcript).toOpaque()),
            "CURLOPT_DEBUGDATA")
        try setLong(handle, CURLOPT_VERBOSE, 1, "CURLOPT_VERBOSE")
        try check(gazette_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")

        try check(gazette_curl_setopt_string(handle, CURLOPT_URL, settings.url), "CURLOPT_URL")
        try check(gazette_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "CURLOPT_PROTOCOLS_STR")
        let useSSL =
            switch settings.tls {
            // CURLUSESSL_ALL fails with CURLE_USE_SSL_FAILED when STARTTLS is missing; TRY would go on in clear text.
            case .starttls, .tls: CURLUSESSL_ALL
            case .none: CURLUSESSL_NONE
            }
        try setLong(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue), "CURLOPT_USE_SSL")
        if let caFile = settings.caFile {
            try check(gazette_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        if let username = settings.username, let password = settings.password {
            try check(gazette_curl_setopt_string(handle, CURLOPT_USERNAME, username), "CURLOPT_USERNAME")
            try check(gazette_curl_setopt_string(handle, CURLOPT_PASSWORD, password), "CURLOPT_PASSWORD")
        }

        // Signals are process-wide; with several sessions on several threads libcurl must not use them
        // (its default resolver would use SIGALRM for timeouts).
        try setLong(handle, CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        let timeouts = settings.timeouts
        try setLong(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(timeouts.connect), "CURLOPT_CONNECTTIMEOUT_MS")
        // Applies to every reply, the one to the final dot included (libcurl has no per-command timer).
        try setLong(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, Self.seconds(timeouts.reply), "CURLOPT_SERVER_RESPONSE_TIMEOUT")
        try setLong(handle, CURLOPT_LOW_SPEED_LIMIT, timeouts.lowSpeedLimit, "CURLOPT_LOW_SPEED_LIMIT")
        try setLong(handle, CURLOPT_LOW_SPEED_TIME, Self.seconds(timeouts.lowSpeedTime), "CURLOPT_LOW_SPEED_TIME")
        try setLong(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeouts.total), "CURLOPT_TIMEOUT_MS")
        // While waiting minutes for a reply, keepalive probes notice a peer that vanished without a FIN.
        try setLong(handle, CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
        try setLong(handle, CURLOPT_TCP_KEEPIDLE, 60, "CURLOPT_TCP_KEEPIDLE")
        try setLong(handle, CURLOPT_TCP_KEEPINTVL, 30, "CURLOPT_TCP_KEEPINTVL")

        try setLong(handle, CURLOPT_UPLOAD, 1, "CURLOPT_UPLOAD")
        // The composer already writes CRLF; with CRLF conversion on, libcurl would send CR CR LF.
        // Dot-stuffing and the final dot are libcurl's job: the bytes go as they are.
        try setLong(handle, CURLOPT_CRLF, 0, "CURLOPT_CRLF")
        try check(
            gazette_curl_setopt_read_function(handle) { buffer, size, count, context in
                guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
                return upload.read(into: buffer, capacity: size * count)
            }, "CURLOPT_READFUNCTION")
    }

    private func setLong(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int, _ name: String) throws(MailError) {
        try check(gazette_curl_setopt_long(handle, option, value), name)
    }

    private func check(_ result: CURLcode, _ option: String) throws(MailError) {
        guard result != CURLE_OK else { return }
        throw .configuration("libcurl refused \(option): \(String(cString: curl_easy_strerror(result)))")
    }

    // MARK: - Helpers

    /// Why an address must not reach MAIL FROM / RCPT TO, or nil.
    package static func problem(inEnvelopeAddress address: String) -> String? {
        if address.isEmpty { return "is empty" }
        for byte in address.utf8 {
            switch byte {
            case 13, 10: return "contains a line break"
            case 0..<0x21, 0x7F: return "contains a space or a control character"
            case UInt8(ascii: "<"), UInt8(ascii: ">"): return "contains an angle bracket"
            case 0x80...: return "contains non-ASCII characters"
            default: continue
            }
        }
        return nil
    }

    private static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// The message being sent, read by libcurl through CURLOPT_READFUNCTION.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
            let count = min(capacity, bytes.count - offset)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }
}
