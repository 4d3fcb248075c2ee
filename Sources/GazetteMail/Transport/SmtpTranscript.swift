import Foundation

/// What happened on the wire during one `curl_easy_perform`, as far as classifying the result needs:
/// which command was last sent and the server's reply to it.
///
/// libcurl reports a refused transaction as CURLE_SEND_ERROR for MAIL FROM and RCPT TO alike, and
/// keeps only the reply code, not its text. Its debug callback (CURLOPT_DEBUGFUNCTION) sees every
/// command line sent and every reply line received, so this type follows the dialogue to tell the
/// stages apart and to keep the server's words for the ledger.
///
/// Privacy: of the lines sent, only a known command verb is ever kept. AUTH exchanges (base64
/// credentials) and the message itself are never stored, and neither is the text of any reply during
/// AUTH (a server may echo the credentials back).
package final class SmtpTranscript {
    package init() {}

    /// The command whose reply is awaited or was last received.
    package enum Stage: String, Sendable {
        /// Connected, waiting for the greeting (a new connection).
        case greeting
        case hello = "EHLO"
        case startTLS = "STARTTLS"
        case auth = "AUTH"
        case mail = "MAIL FROM"
        case recipient = "RCPT TO"
        case data = "DATA"
        /// The message was sent; waiting for the reply to the final dot.
        case endOfData = "end of data"
        case other = "command"
    }

    /// One complete reply; multi-line replies are joined into one line.
    package struct Reply: Hashable, Sendable {
        package var code: Int
        package var text: String

        package init(code: Int, text: String) {
            self.code = code
            self.text = text
        }

        /// `550 5.1.1 <x@example.com>: Recipient address rejected`, as the server wrote it.
        package var line: String { text.isEmpty ? "\(code)" : "\(code) \(text)" }
    }

    package private(set) var stage: Stage = .greeting
    /// The reply to `stage`'s command, once complete.
    package private(set) var reply: Reply?
    /// Whether the server answered anything with 2xx or 3xx during this transfer: if it did, the
    /// connection was alive and a failure cannot be blamed on a stale pooled connection.
    package private(set) var sawPositiveReply = false
    private var quitSent = false

    private var pendingLine: [UInt8] = []
    private var pendingTexts: [String] = []

    /// Replies are short; a hostile or broken server must not grow memory without bound.
    private static let maximumLineBytes = 1024
    private static let maximumReplyCharacters = 1000

    /// Forgets everything before a new transfer.
    package func reset() {
        stage = .greeting
        reply = nil
        sawPositiveReply = false
        quitSent = false
        pendingLine.removeAll(keepingCapacity: true)
        pendingTexts.removeAll(keepingCapacity: true)
    }

    /// A command line went out (CURLINFO_HEADER_OUT).
    package func commandSent(_ bytes: UnsafeRawBufferPointer) {
        guard !quitSent else { return }
        // Only the first word is looked at. Lines that start with no known verb are AUTH
        // continuation lines carrying credentials: they leave the stage unchanged.
        let verb = String(decoding: bytes.prefix(while: { $0 != 32 && $0 != 13 && $0 != 10 }).prefix(8), as: UTF8.self)
            .uppercased()
        // libcurl sends QUIT when it drops a connection after a failure: the stage and reply that
        // explain the failure are the ones before it, so they stay as they are.
        if verb == "QUIT" {
            quitSent = true
            return
        }
        // Everything from here is the answer to this line, whatever it was.
        reply = nil
        pendingLine.removeAll(keepingCapacity: true)
        pendingTexts.removeAll(keepingCapacity: true)
        switch verb {
        case "EHLO", "HELO": stage = .hello
        case "STARTTLS": stage = .startTLS
        case "AUTH": stage = .auth
        case "MAIL": stage = .mail
        case "RCPT": stage = .recipient
        case "DATA": stage = .data
        case "RSET", "NOOP", "VRFY", "EXPN", "HELP": stage = .other
        default: break
        }
    }

    /// Reply bytes arrived (CURLINFO_HEADER_IN); usually one line per call, but any split is handled.
    package func replyReceived(_ bytes: UnsafeRawBufferPointer) {
        guard !quitSent else { return }
        for byte in bytes {
            if byte == 10 {
                lineCompleted()
            } else if pendingLine.count < Self.maximumLineBytes {
                pendingLine.append(byte)
            }
        }
    }

    private func lineCompleted() {
        if pendingLine.last == 13 { pendingLine.removeLast() }
        let line = pendingLine
        pendingLine.removeAll(keepingCapacity: true)
        guard line.count >= 3, line[0...2].allSatisfy({ (48...57).contains($0) }) else { return }
        let code = Int(line[0] - 48) * 100 + Int(line[1] - 48) * 10 + Int(line[2] - 48)
        // A reply during AUTH may echo what the client sent (a base64 blob that decodes to the password):
        // only its code is kept.
        let text = stage == .auth ? "" : Self.printable(line.dropFirst(4))
        if !text.isEmpty { pendingTexts.append(text) }
        // "250-" continues a multi-line reply; "250 " or a bare "250" ends it.
        if line.count > 3 && line[3] == UInt8(ascii: "-") { return }
        var joined = pendingTexts.joined(separator: " ")
        if joined.count > Self.maximumReplyCharacters {
            joined = String(joined.prefix(Self.maximumReplyCharacters)) + "…"
        }
        pendingTexts.removeAll(keepingCapacity: true)
        reply = Reply(code: code, text: joined)
        if code < 400 { sawPositiveReply = true }
        // The reply after 354 is the verdict on the message itself.
        if stage == .data && code == 354 { stage = .endOfData }
    }

    /// Server text goes into logs and the ledger: keep it on one line of printable characters.
    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        // Nearly every reply is printable ASCII: trim its spaces without a trip through NSString.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var slice = bytes
            while slice.first == 32 { slice = slice.dropFirst() }
            while slice.last == 32 { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar
        }))
        return cleaned.trimmingCharacters(in: .whitespaces)
    }
}
