public import Foundation
import Crypto

/// Adds an RFC 6376 `DKIM-Signature` (relaxed/relaxed) to finished message bytes.
///
/// It signs what `MessageComposer` wrote, after the fact, so the signature covers exactly the bytes
/// that leave: one place, whatever built the message (send, test copies, previews).
public struct DKIMSigner: Sendable {
    public let domain: String
    public let selector: String
    public let key: DKIMPrivateKey

    /// Header fields signed when present, in this order; From is listed once more than it occurs
    /// (over-signed) so that a second From added in transit breaks the signature instead of being shown.
    public static let signedFields = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "list-unsubscribe", "list-unsubscribe-post", "list-id",
    ]
    /// Fields whose every instance is signed plus one absent instance.
    static let overSignedFields: Set<String> = ["from"]

    /// - Throws: `DKIMError.invalidName` when the domain or selector is not a plain DNS name (they
    ///   reach a header and the DNS record printed to the operator).
    public init(domain: String, selector: String, key: DKIMPrivateKey) throws(DKIMError) {
        guard DKIMSigner.isDNSName(domain), domain.contains(".") else { throw .invalidName(field: "GAZETTE_DKIM_DOMAIN", value: domain) }
        guard DKIMSigner.isDNSName(selector) else { throw .invalidName(field: "GAZETTE_DKIM_SELECTOR", value: selector) }
        self.domain = domain.lowercased()
        self.selector = selector.lowercased()
        self.key = key
    }

    /// Letters, digits, hyphens and dots between non-empty labels of at most 63 characters.
    public static func isDNSName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
                }
        }
    }

    /// Where verifiers look the key up: `s1._domainkey.example.com`.
    public var recordName: String { "\(selector)._domainkey.\(domain)" }

    /// The message with its `DKIM-Signature` field first.
    /// - Parameter timestamp: the `t=` tag; the message's Date keeps previews and their sends alike.
    public func sign(_ message: [UInt8], timestamp: Date? = nil) throws(DKIMError) -> [UInt8] {
        let field = try signatureField(for: message, timestamp: timestamp)
        var out: [UInt8] = []
        out.reserveCapacity(field.utf8.count + message.count)
        out.append(contentsOf: field.utf8)
        out.append(contentsOf: message)
        return out
    }

    /// `DKIM-Signature: …` with its final CRLF, folded to lines of at most 78 characters.
    public func signatureField(for message: [UInt8], timestamp: Date? = nil) throws(DKIMError) -> String {
        guard let split = DKIMSigner.headerEnd(message) else { throw .malformedMessage }
        let fields = DKIMSigner.headerFields(message[..<split])
        let bodyHash = DKIMSigner.bodyHash(message[(split + 4)...])

        // Bottom-up, one instance per listed name (RFC 6376 §5.4.2); an over-signed name adds one absent instance.
        var remaining: [String: [ArraySlice<UInt8>]] = [:]
        for field in fields { remaining[field.name, default: []].append(field.bytes) }
        var names: [String] = []
        var signedBytes: [UInt8] = []
        for name in DKIMSigner.signedFields {
            guard var instances = remaining[name], !instances.isEmpty else { continue }
            while let last = instances.popLast() {
                names.append(name)
                signedBytes.append(contentsOf: DKIMCanonicalization.relaxedHeader(last))
            }
            remaining[name] = instances
            if DKIMSigner.overSignedFields.contains(name) { names.append(name) }
        }

        var tags = ["v=1", "a=\(key.algorithm)", "c=relaxed/relaxed", "d=\(domain)", "s=\(selector)"]
        if let timestamp { tags.append("t=\(Int(timestamp.timeIntervalSince1970.rounded(.down)))") }
        var folder = HeaderFolder(start: "DKIM-Signature:")
        for tag in tags { folder.appendAtom(" " + tag + ";") }
        folder.appendPieces(names.enumerated().map { index, name in
            (index == 0 ? "h=" : "") + name + (index == names.count - 1 ? ";" : ":")
        }, firstPrefix: " ")
        folder.appendAtom(" bh=" + bodyHash + ";")
        folder.appendAtom(" b=")
        // The signature covers this field with an empty b= and without its final CRLF (§3.7).
        let unsigned = DKIMCanonicalization.relaxedHeader(folder.text.utf8)
        signedBytes.append(contentsOf: unsigned.dropLast(2))
        let signature = try key.sign(signedBytes)
        folder.appendPieces(DKIMSigner.chunks(Data(signature).base64EncodedString(), size: 8), firstPrefix: "")
        return folder.text + "\r\n"
    }

    /// Offset of the CRLF CRLF that ends the header block.
    static func headerEnd(_ message: [UInt8]) -> Int? {
        guard message.count >= 4 else { return nil }
        for index in 0...(message.count - 4)
        where message[index] == 13 && message[index + 1] == 10 && message[index + 2] == 13 && message[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The header fields (continuation lines included, final CRLF excluded) with lower-cased names.
    static func headerFields(_ block: ArraySlice<UInt8>) -> [(name: String, bytes: ArraySlice<UInt8>)] {
        var fields: [(name: String, bytes: ArraySlice<UInt8>)] = []
        var start = block.startIndex
        var index = block.startIndex
        func close(at end: Int) {
            guard end > start else { return }
            let bytes = block[start..<end]
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")) ?? end
            let name = String(decoding: block[start..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            fields.append((name, bytes))
        }
        while index < block.endIndex {
            // A CRLF not followed by whitespace ends a field.
            if block[index] == 13, index + 1 < block.endIndex, block[index + 1] == 10 {
                let next = index + 2
                if next >= block.endIndex || (block[next] != 32 && block[next] != 9) {
                    close(at: index)
                    start = next
                }
                index = next
            } else {
                index += 1
            }
        }
        close(at: block.endIndex)
        return fields
    }

    /// `bh=`: base64 of the SHA-256 of the relaxed body, hashed as it is canonicalized.
    static func bodyHash(_ body: ArraySlice<UInt8>) -> String {
        var hasher = SHA256()
        DKIMCanonicalization.relaxedBody(body) { chunk in
            chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return Data(hasher.finalize()).base64EncodedString()
    }

    static func chunks(_ text: String, size: Int) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return result
    }
}
