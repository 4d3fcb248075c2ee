/// Why a DKIM key cannot be used or a message cannot be signed, in the words the operator reads.
///
/// Separate from `MailError` (failures of a send run's transport): these are found before anything is sent.
public enum DKIMError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The key file is missing or unreadable.
    case unreadableKey(path: String, reason: String)
    /// The file holds no PEM private key Gazette can use (encrypted, EC, garbage).
    case unsupportedKey(path: String, reason: String)
    /// An RSA key shorter than `DKIMPrivateKey.minimumRSABits`.
    case weakKey(path: String, bits: Int)
    /// A domain or selector that is not a DNS name: it would reach a header and a DNS query.
    case invalidName(field: String, value: String)
    /// The key refused to sign (not expected with a key that loaded).
    case signing(String)
    /// The message handed to the signer has no header/body separator.
    case malformedMessage

    public var description: String {
        switch self {
        case .unreadableKey(let path, let reason): "cannot read the DKIM key \(path): \(reason)"
        case .unsupportedKey(let path, let reason): "the DKIM key \(path) cannot be used: \(reason)"
        case .weakKey(let path, let bits):
            "the DKIM key \(path) is RSA with \(bits) bits; at least \(DKIMPrivateKey.minimumRSABits) are required "
                + "(create one with: gazette dkim keygen)"
        case .invalidName(let field, let value): "\(field) \(value.debugDescription) is not a valid DNS name"
        case .signing(let detail): "DKIM signing failed: \(detail)"
        case .malformedMessage: "DKIM signing failed: the message has no header/body separator"
        }
    }
}
