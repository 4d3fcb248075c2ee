import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lines of a file descriptor, each at most one buffer long (a longer line comes in pieces, only the
/// first marked as the start of a line), including their line end.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atLineStart = true
    private var finished = false

    init(fd: Int32) { self.fd = fd }

    mutating func next() -> (bytes: [UInt8], isStartOfLine: Bool)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                let line = Array(buffer[start...newline])
                start = newline + 1
                let wasStart = atLineStart
                atLineStart = true
                return (line, wasStart)
            }
            if finished || buffer.count - start >= ReportSource.chunkSize {
                guard start < buffer.count else { return nil }
                let piece = Array(buffer[start...])
                buffer.removeAll(keepingCapacity: true)
                start = 0
                let wasStart = atLineStart
                atLineStart = false
                return (piece, wasStart)
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: ReportSource.chunkSize)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, ReportSource.chunkSize) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { finished = true; continue }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
