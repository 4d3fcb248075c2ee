import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A server facing the internet cuts off clients that trickle their headers or sit idle.
struct SlowClientTests {
    /// Connects to 127.0.0.1:`port`, sends `bytes`, waits, and tells whether the server closed the
    /// connection (a read returns 0) within `within` seconds.
    static func serverCloses(port: Int, after bytes: String, within: Int) -> Bool {
        guard let fd = Self.connected(port: port) else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: within, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }  // closed by the server
            if count < 0 { return false }  // timed out: still open
        }
    }

    /// A TCP socket connected to 127.0.0.1:`port`, or nil.
    static func connected(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Sends a whole request and reads the status line of the answer.
    static func statusLine(port: Int, request: String) -> String? {
        guard let fd = Self.connected(port: port) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self).components(separatedBy: "\r\n").first
    }

    /// A free loopback port: bound to port 0, read, released.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test(arguments: StoreBackend.allCases)
    func slowHeadersAndIdleConnectionsAreClosed(backend: StoreBackend) async throws {
        let fixture = try await WebFixture(backend: backend)
        let port = Self.freePort()
        var settings = WebSettings(host: "127.0.0.1", port: port, operatorToken: nil, signer: fixture.signer, listName: "Backend Jobs Weekly",
            pages: fixture.pages)
        settings.headTimeout = .seconds(1)
        settings.bodyTimeout = .seconds(1)
        let app = try WebApp.application(
            database: fixture.database, previewer: FixedPreviewer(), settings: settings, logger: Logger(label: "test"))
        // A service group, so that the server is shut down gracefully at the end (cancelling its task
        // would tear connections down under Hummingbird's feet).
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        let server = Task { try await group.run() }
        var answer: String?
        for _ in 0..<100 where answer == nil {
            try await Task.sleep(for: .milliseconds(50))
            answer = Self.statusLine(port: port, request: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        }
        // A complete request is answered.
        #expect(answer == "HTTP/1.1 200 OK")
        // An unfinished request head: closed after the head timeout, long before the 5 s we wait.
        #expect(Self.serverCloses(port: port, after: "GET /healthz HTTP/1.1\r\nHost: x\r\n", within: 5))
        // A body that never comes.
        #expect(Self.serverCloses(
            port: port, after: "POST /unsubscribe/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", within: 5))
        // A connection that says nothing at all.
        #expect(Self.serverCloses(port: port, after: "", within: 5))
        await group.triggerGracefulShutdown()
        try await server.value
    }
}
