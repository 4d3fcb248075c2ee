// Fuzzes BounceParser.parse (DSN and ARF reports: untrusted mail from the internet) and
// BounceAddress.claim on every address the parser returns.
//
// Input: the bytes of one message, as `gazette bounces process` would read them.
//
// Invariants (a violation calls fatalError, which libFuzzer reports as a crash):
//   - parse never crashes, and gives the same report for the same bytes;
//   - the diagnostic is one printable line of at most 300 characters (no control characters);
//   - a status is `class.subject.detail` with a class of 2, 4 or 5;
//   - every address is printable ASCII without spaces or angle brackets, at most 254 octets, with an `@`;
//     the recipient, when there is one, is one of them;
//   - the Message-ID is printable ASCII without spaces, at most 250 octets;
//   - a report that is not a DSN or ARF report has no status;
//   - claim never crashes, and a claim it makes has an id > 0 and a 16-digit lower-case token signature.

import FuzzSupport
import Foundation
import GazetteCore
import GazetteMail

private func violation(_ what: String, _ detail: String) -> Never {
    fatalError("FuzzBounceParser: \(what): \(detail)")
}

private func isPrintableToken(_ text: String, limit: Int) -> Bool {
    let bytes = text.utf8
    return !bytes.isEmpty && bytes.count <= limit && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let report = BounceParser.parse(bytes)
    if BounceParser.parse(bytes) != report { violation("parse is not deterministic", "\(report)") }

    if report.diagnostic.count > 300 { violation("diagnostic longer than 300 characters", report.diagnostic.debugDescription) }
    if report.diagnostic.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
        violation("control character in the diagnostic", report.diagnostic.debugDescription)
    }
    if let status = report.status {
        let parts = status.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]), parts.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) })
        else { violation("malformed status", status.debugDescription) }
        if report.kind == .notReport && status.first != "2" && status.first != "4" && status.first != "5" {
            violation("status on a non-report", status)
        }
    }
    for address in report.addresses {
        guard isPrintableToken(address, limit: 254), address.contains("@"), !address.contains("<"), !address.contains(">")
        else { violation("implausible address", address.debugDescription) }
        if let claim = BounceAddress.claim(in: address) {
            if claim.subscriberID <= 0 { violation("claim with id <= 0", address.debugDescription) }
            let signature = claim.token.split(separator: "-").last ?? ""
            if signature.count != 16 { violation("claim with a malformed signature", address.debugDescription) }
        }
    }
    if let recipient = report.recipient, !report.addresses.contains(recipient) {
        violation("recipient not among the addresses", recipient.debugDescription)
    }
    if let id = report.messageID, !isPrintableToken(id, limit: 250) { violation("malformed Message-ID", id.debugDescription) }
    return 0
}

/// SwiftPM links an executable's `main` to `<module>_main`; a harness has no entry point of its own,
/// so this one hands control to libFuzzer's driver.
@_cdecl("FuzzBounceParser_main")
func fuzzBounceParserMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
