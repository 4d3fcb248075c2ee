import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gazette serve` on a port another process holds says which address and port, and what to do.
struct ServeStartTests {
    /// Binds a loopback TCP socket on a free port and keeps it listening; returns the descriptor and port.
    static func occupyPort() throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aPortInUseIsNamedWithAdvice() throws {
        let gazette = try CommandRunner()
        let (descriptor, port) = try Self.occupyPort()
        defer { close(descriptor) }
        let result = try gazette.run(["serve", "--host", "127.0.0.1", "--port", String(port)])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port): the address is already in use"), "\(result.stderr)")
        #expect(result.stderr.contains("--port"))
        #expect(!result.stderr.contains("bind(descriptor:"))
    }
}
