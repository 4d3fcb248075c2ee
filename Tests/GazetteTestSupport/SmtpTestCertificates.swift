public import Foundation

/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and
/// localhost, made with the `openssl` command at test time (nothing secret is checked in).
public final class SmtpTestCertificates {
    public let directory: URL
    /// The CA to trust: what an operator would give as the CA file.
    public var authority: URL { directory.appendingPathComponent("ca.pem") }
    public var serverCertificate: URL { directory.appendingPathComponent("server.pem") }
    public var serverKey: URL { directory.appendingPathComponent("server.key") }

    public init() throws {
        let openssl = try SmtpTestProcess.require("/usr/bin/openssl", package: "openssl")
        directory = try SmtpTestProcess.makeDirectory("tls")
        let extensions = directory.appendingPathComponent("server.ext")
        try """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost
            """.write(to: extensions, atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try SmtpTestProcess.run(
            openssl,
            ["req", "-x509"] + curve + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Gazette Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: directory)
        try SmtpTestProcess.run(
            openssl, ["req"] + curve + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            in: directory)
        try SmtpTestProcess.run(
            openssl,
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
            ], in: directory)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
