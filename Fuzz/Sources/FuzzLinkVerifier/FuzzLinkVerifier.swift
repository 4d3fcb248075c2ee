// Fuzzes LinkSigner.parse and LinkSigner.verify (the tokens in unsubscribe and preferences links).
//
// Input layout: the first byte is a control byte, the rest is split on 0xFF into the token, the
// subscriber's e-mail and the secret (decoded as UTF-8, invalid sequences replaced; a missing e-mail
// or secret takes a fixed value).
//   bit 0     purpose: unsubscribe or preferences
//   bits 1-2  how the token is made: 0 the bytes as they are; 1 the real token with the bytes written
//             over it at offset (byte 1 of the token part) mod its length; 2 the real token followed by
//             the bytes; 3 the real token with its last (byte count mod its length) bytes dropped and
//             the bytes appended
// The subscriber id is the one the token claims when it parses, otherwise one derived from the bytes.
//
// Invariants (a violation calls fatalError, which libFuzzer reports as a crash):
//   - parse and verify never crash;
//   - parse accepts only ids > 0 and a known purpose; the real token parses to its own id and purpose;
//   - verify accepts the real token, and any other token only when it is byte for byte the real token
//     for that id, e-mail and purpose: never for another purpose, another id or another secret.

import FuzzSupport
import Foundation
import GazetteCore

private func violation(_ what: String, _ detail: String) -> Never {
    fatalError("FuzzLinkVerifier: \(what): \(detail)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let control = input[0]
    let purpose: LinkSigner.Purpose = control & 1 == 0 ? .unsubscribe : .preferences
    let mode = Int(control >> 1) & 0b11
    let parts = input[1...].split(separator: 0xFF, maxSplits: 2, omittingEmptySubsequences: false)
    let tokenBytes = Array(parts[0])
    let email = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "reader@example.org"
    let secret = parts.count > 2 ? String(decoding: parts[2], as: UTF8.self) : "fuzzing-secret-0123456789"
    let signer = LinkSigner(secret: secret)

    // The id: the token's claim when the raw bytes parse, else 1 + a hash of the token bytes.
    let rawToken = String(decoding: tokenBytes, as: UTF8.self)
    let claim = LinkSigner.parse(rawToken)
    if let claim, claim.subscriberID <= 0 { violation("parse accepted an id <= 0", rawToken.debugDescription) }
    var id: Int64 = claim?.subscriberID ?? Int64(tokenBytes.reduce(UInt64(7)) { $0 &* 31 &+ UInt64($1) } % 1_000_000_000) + 1
    if mode != 0 && id <= 0 { id = 1 }

    let real = signer.token(subscriberID: id, email: email, purpose: purpose)
    guard let parsedReal = LinkSigner.parse(real), parsedReal.subscriberID == id, parsedReal.purpose == purpose else {
        violation("the real token does not parse to its own id and purpose", real.debugDescription)
    }
    guard signer.verify(real, subscriberID: id, email: email, purpose: purpose) else {
        violation("the real token does not verify", real.debugDescription)
    }

    var candidate = Array(real.utf8)
    switch mode {
    case 0:
        candidate = tokenBytes
    case 1:
        let offset = tokenBytes.count > 1 ? Int(tokenBytes[1]) % candidate.count : 0
        for (k, byte) in tokenBytes.enumerated() {
            if offset + k < candidate.count { candidate[offset + k] = byte } else { candidate.append(byte) }
        }
    case 2:
        candidate += tokenBytes
    default:
        candidate.removeLast(tokenBytes.count % candidate.count)
        candidate += tokenBytes
    }
    let token = String(decoding: candidate, as: UTF8.self)
    let isReal = Array(token.utf8) == Array(real.utf8)

    if let parsed = LinkSigner.parse(token) {
        if parsed.subscriberID <= 0 { violation("parse accepted an id <= 0", token.debugDescription) }
    }
    if signer.verify(token, subscriberID: id, email: email, purpose: purpose) != isReal {
        violation(isReal ? "the real token was refused" : "a token that is not the real one verified",
                  "token \(token.debugDescription), real \(real.debugDescription), id \(id), email \(email.debugDescription)")
    }
    let other: LinkSigner.Purpose = purpose == .unsubscribe ? .preferences : .unsubscribe
    if signer.verify(token, subscriberID: id, email: email, purpose: other) {
        violation("a token verified for the other purpose", "token \(token.debugDescription), id \(id)")
    }
    if id < Int64.max, signer.verify(token, subscriberID: id + 1, email: email, purpose: purpose) {
        violation("a token verified for another subscriber id", "token \(token.debugDescription), id \(id + 1)")
    }
    if LinkSigner(secret: secret + "x").verify(token, subscriberID: id, email: email, purpose: purpose) {
        violation("a token verified under another secret", "token \(token.debugDescription), id \(id)")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `<module>_main` (it renames the Swift entry point so that
/// tests can link the module); a harness has no entry point of its own, so this one hands control to
/// libFuzzer's driver.
@_cdecl("FuzzLinkVerifier_main")
func fuzzLinkVerifierMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
