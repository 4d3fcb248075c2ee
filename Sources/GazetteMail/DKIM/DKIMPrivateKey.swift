public import Crypto
public import _CryptoExtras
import Foundation

/// A DKIM signing key: RSA (`rsa-sha256`, RFC 6376) or Ed25519 (`ed25519-sha256`, RFC 8463).
public enum DKIMPrivateKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)

    /// RFC 8301: verifiers must refuse RSA keys under 1024 bits, and 2048 is what mailbox providers expect now.
    public static let minimumRSABits = 2048

    public enum Kind: String, Sendable, CaseIterable {
        case rsa, ed25519
    }

    public var kind: Kind {
        switch self {
        case .rsa: .rsa
        case .ed25519: .ed25519
        }
    }

    /// The `a=` tag of the signature.
    public var algorithm: String {
        switch self {
        case .rsa: "rsa-sha256"
        case .ed25519: "ed25519-sha256"
        }
    }

    /// A new key: RSA 2048 bits or Ed25519.
    public static func generate(_ kind: Kind) throws(DKIMError) -> DKIMPrivateKey {
        switch kind {
        case .rsa:
            do { return .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)) } catch {
                throw .signing("cannot generate an RSA key: \(error)")
            }
        case .ed25519:
            return .ed25519(Curve25519.Signing.PrivateKey())
        }
    }

    /// PKCS #8 PEM, the form OpenSSL and OpenDKIM read.
    public var pemRepresentation: String {
        switch self {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// The `p=` value of the DNS record: the SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the raw
    /// 32-byte public key for Ed25519 (RFC 8463 §4.2); base64.
    public var publicKeyBase64: String {
        switch self {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The `k=` value of the DNS record.
    public var dnsKeyType: String { kind.rawValue }

    /// Signs `data` (the canonicalized headers): RSASSA-PKCS1-v1_5 with SHA-256, or Ed25519 over the
    /// SHA-256 of the data, as RFC 8463 §3 specifies (PureEdDSA of the hash, not of the data).
    func sign(_ data: [UInt8]) throws(DKIMError) -> [UInt8] {
        let digest = SHA256.hash(data: data)
        do {
            switch self {
            case .rsa(let key):
                return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: Array(digest)))
            }
        } catch {
            throw .signing(String(describing: error))
        }
    }

    /// Reads a PEM file: RSA as PKCS #8 (`BEGIN PRIVATE KEY`) or PKCS #1 (`BEGIN RSA PRIVATE KEY`), Ed25519 as PKCS #8.
    public static func load(path: String) throws(DKIMError) -> DKIMPrivateKey {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw .unreadableKey(path: path, reason: FileManager.default.fileExists(atPath: path) ? reason : "no such file")
        }
        guard let pem = String(data: data, encoding: .utf8) else {
            throw .unsupportedKey(path: path, reason: "not a PEM text file")
        }
        return try parse(pem: pem, path: path)
    }

    /// Parses PEM text; `path` only names the key in errors.
    public static func parse(pem: String, path: String) throws(DKIMError) -> DKIMPrivateKey {
        if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw .unsupportedKey(path: path, reason: "it is encrypted; Gazette needs it unencrypted (mode 600)")
        }
        if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
            throw .unsupportedKey(path: path, reason: "EC (ECDSA) keys are not a DKIM algorithm; use RSA or Ed25519")
        }
        guard pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN PRIVATE KEY-----") else {
            throw .unsupportedKey(path: path, reason: "no PEM private key in it (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)")
        }
        // Keys down to 1024 bits load, so that a short key is named as weak rather than unreadable.
        if let rsa = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem) {
            guard rsa.keySizeInBits >= minimumRSABits else { throw .weakKey(path: path, bits: rsa.keySizeInBits) }
            return .rsa(rsa)
        }
        if let ed25519 = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            return .ed25519(ed25519)
        }
        throw .unsupportedKey(path: path, reason: "neither an RSA key of 1024 bits or more nor an Ed25519 key")
    }
}
