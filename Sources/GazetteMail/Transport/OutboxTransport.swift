import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The default transport: one `.eml` file per message in a directory, for previews, demos and
/// handing messages to another mailer.
///
/// Files are written to a temporary name, flushed to disk, then renamed, so a reader (or a crash)
/// never sees half a message; a message is reported accepted only once its file is durable.
public struct OutboxTransport: MailTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var summary: String { "outbox \(directory)" }

    public func openSession() throws(MailError) -> any MailSession {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .outboxUnwritable(path: directory, reason: String(describing: error))
        }
        return OutboxSession(directory: directory)
    }
}

final class OutboxSession: MailSession {
    let directory: String

    init(directory: String) {
        self.directory = directory
    }

    func send(_ message: [UInt8], envelope: Envelope, key: String) throws(MailError) -> SendOutcome {
        let final = "\(directory)/\(key).eml"
        let temporary = "\(directory)/.\(key).eml.tmp"
        try write(message, to: temporary)
        guard rename(temporary, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .outboxUnwritable(path: directory, reason: reason)
        }
        return .accepted(detail: final)
    }

    func close() {}

    private func write(_ bytes: [UInt8], to path: String) throws(MailError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .outboxUnwritable(path: directory, reason: String(cString: strerror(errno))) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if Glibc.close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(path)
            throw .outboxUnwritable(path: directory, reason: failure)
        }
    }
}
