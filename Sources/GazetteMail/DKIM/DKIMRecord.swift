/// The DNS TXT record that publishes a DKIM public key (RFC 6376 §3.6.1), in zone-file form.
public struct DKIMRecord: Sendable {
    /// `s1._domainkey.example.com` (without the final dot).
    public let name: String
    /// `v=DKIM1; k=rsa; p=…`.
    public let value: String

    public init(signer: DKIMSigner) {
        name = signer.recordName
        value = "v=DKIM1; k=\(signer.key.dnsKeyType); p=\(signer.key.publicKeyBase64)"
    }

    /// One TXT string holds at most 255 bytes (RFC 1035 §3.3); a 2048-bit RSA key needs two, which
    /// resolvers join back together.
    public var quotedStrings: [String] {
        var strings: [String] = []
        var rest = Substring(value)
        while !rest.isEmpty {
            strings.append("\"" + rest.prefix(255) + "\"")
            rest = rest.dropFirst(255)
        }
        return strings
    }

    /// `s1._domainkey.example.com. IN TXT "v=DKIM1; k=rsa; p=…" "…"`: pasteable into a BIND zone file.
    public var zoneLine: String {
        "\(name). IN TXT " + quotedStrings.joined(separator: " ")
    }
}
