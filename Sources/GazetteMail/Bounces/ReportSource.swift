import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One message read from a file, an mbox or standard input: its first `BounceParser.scanLimit` bytes.
public struct IncomingMessage: Sendable {
    public var bytes: [UInt8]
    /// Where it came from, for logs: `PATH`, `PATH#3` (the third message of an mbox) or `-`.
    public var origin: String

    public init(bytes: [UInt8], origin: String) {
        self.bytes = bytes
        self.origin = origin
    }
}

/// Reads messages from the places reports arrive: files, mbox files, Maildirs and standard input.
///
/// Reading is bounded: each message keeps at most `limit` bytes in memory and the rest is skipped as it
/// streams past, so a 50 MB returned message costs one 64 KiB buffer beyond the kept prefix.
public enum ReportSource {
    static let chunkSize = 64 * 1024

    /// What `path` is: a Maildir (a directory with `new/` or `cur/`), an mbox (starts with `From `) or a
    /// message (starts with a header field).
    public static func classify(_ path: String) throws(ReportPathError) -> ReportPath {
        if path == "-" { return .standardInput }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportPathError(path: path, problem: "no such file or directory")
        }
        if isDirectory.boolValue {
            var sub: ObjCBool = false
            let hasNew = FileManager.default.fileExists(atPath: "\(path)/new", isDirectory: &sub) && sub.boolValue
            let hasCur = FileManager.default.fileExists(atPath: "\(path)/cur", isDirectory: &sub) && sub.boolValue
            guard hasNew || hasCur else {
                throw ReportPathError(path: path, problem: "is a directory but not a Maildir (no new/ or cur/)")
            }
            return .maildir(path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReportPathError(path: path, problem: "cannot be read")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
        if head.starts(with: Array("From ".utf8)) { return .mbox(path) }
        guard looksLikeMessage(head) else {
            throw ReportPathError(path: path, problem: "is not a message, an mbox or a Maildir")
        }
        return .message(path)
    }

    /// Whether bytes start like an RFC 5322 message: a header field `Name: value` on the first line.
    static func looksLikeMessage(_ head: [UInt8]) -> Bool {
        guard let colon = head.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return false }
        return head[..<colon].allSatisfy { $0 > 32 && $0 < 127 }
    }

    /// The files of a Maildir, `new/` before `cur/`, each sorted by name (delivery order); dot files skipped.
    public static func maildirFiles(_ path: String) -> [(folder: String, name: String)] {
        var files: [(String, String)] = []
        for folder in ["new", "cur"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(folder)")) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(path)/\(folder)/\(name)", isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append((folder, name))
                }
            }
        }
        return files
    }

    /// One whole file as one message (its first `limit` bytes).
    public static func readMessage(_ path: String, limit: Int = BounceParser.scanLimit) throws(ReportPathError) -> IncomingMessage {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReportPathError(path: path, problem: String(cString: strerror(errno))) }
        defer { close(fd) }
        return IncomingMessage(bytes: readPrefix(fd, limit: limit, drain: false), origin: path)
    }

    /// One message from standard input; the rest beyond `limit` is read and dropped, so the writer (a
    /// Postfix pipe) never sees a broken pipe.
    public static func readStandardInput(limit: Int = BounceParser.scanLimit) -> IncomingMessage {
        IncomingMessage(bytes: readPrefix(STDIN_FILENO, limit: limit, drain: true), origin: "-")
    }

    private static func readPrefix(_ fd: Int32, limit: Int, drain: Bool) -> [UInt8] {
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            if kept.count >= limit && !drain { break }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if kept.count < limit { kept.append(contentsOf: buffer[0..<min(count, limit - kept.count)]) }
        }
        return kept
    }

    /// Calls `body` for each message of an mbox: a message starts at a `From ` line at the start of the
    /// file or after an empty line (mboxrd quotes `From ` inside bodies as `>From `).
    public static func forEachMessage(
        inMbox path: String, limit: Int = BounceParser.scanLimit, _ body: (IncomingMessage) async throws -> Void
    ) async throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReportPathError(path: path, problem: String(cString: strerror(errno))) }
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        var current: [UInt8]?
        var count = 0
        var previousWasEmpty = true
        let fromLine = Array("From ".utf8)
        while let line = reader.next() {
            // `line` holds at most one chunk of a very long line; only its start matters here.
            if previousWasEmpty && line.bytes.starts(with: fromLine) && line.isStartOfLine {
                if let message = current {
                    count += 1
                    try await body(IncomingMessage(bytes: message, origin: "\(path)#\(count)"))
                }
                current = []
                previousWasEmpty = false
                continue
            }
            if line.isStartOfLine {
                previousWasEmpty = line.bytes == [10] || line.bytes == [13, 10]
            }
            if current != nil, current!.count < limit {
                current!.append(contentsOf: line.bytes.prefix(limit - current!.count))
            }
        }
        if let message = current {
            count += 1
            try await body(IncomingMessage(bytes: message, origin: "\(path)#\(count)"))
        }
    }
}
