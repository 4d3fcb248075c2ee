import Foundation
@testable import GazetteMail
import Testing

/// The report parser over the corpus in `Tests/Fixtures/Bounces/` (see its README for where each
/// report's shape comes from), plus hostile and huge inputs built here.
struct BounceParserTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Bounces")
    static let verp = "bounces+2026w48-1-0123456789abcdef@example.com"
    static let messageID = "gazette.2026-W48.0123456789abcdef@example.com"

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var kind: BounceKind
        var status: String?
        var diagnosticContains: String?
        var testDescription: String { file }
    }

    @Test(arguments: [
        Case(file: "postfix-hard.eml", kind: .hard, status: "5.1.1", diagnosticContains: "User unknown in virtual mailbox table"),
        Case(file: "postfix-real-local.eml", kind: .hard, status: "5.1.1", diagnosticContains: "unknown user"),
        Case(file: "postfix-delayed.eml", kind: .soft, status: "4.4.1", diagnosticContains: "Connection timed out"),
        Case(file: "exim-hard.eml", kind: .hard, status: "5.0.0", diagnosticContains: "550 5.1.1 No such user here"),
        Case(file: "mailbox-full.eml", kind: .soft, status: "4.2.2", diagnosticContains: "Mailbox full"),
        Case(file: "exchange-hard.eml", kind: .hard, status: "5.1.10", diagnosticContains: "RESOLVER.ADR.RecipientNotFound"),
        Case(file: "gmail-hard.eml", kind: .hard, status: "5.1.1", diagnosticContains: "does not exist"),
        Case(file: "ses-hard.eml", kind: .hard, status: "5.1.1", diagnosticContains: "user unknown"),
        Case(file: "yahoo-arf.eml", kind: .complaint, status: nil, diagnosticContains: "Yahoo!-Mail-Feedback"),
        Case(file: "broken-nested-8bit.eml", kind: .hard, status: "5.2.1", diagnosticContains: "Mailbox disabled"),
        Case(file: "foreign-hard.eml", kind: .hard, status: "5.1.1", diagnosticContains: nil),
        Case(file: "arf-not-spam.eml", kind: .notReport, status: nil, diagnosticContains: nil),
        Case(file: "autoreply.eml", kind: .notReport, status: nil, diagnosticContains: nil),
        Case(file: "delivered-dsn.eml", kind: .notReport, status: nil, diagnosticContains: nil),
    ])
    func classifiesEveryReportOfTheCorpus(_ expected: Case) throws {
        let report = BounceParser.parse(try Self.fixture(expected.file))
        #expect(report.kind == expected.kind)
        #expect(report.status == expected.status)
        if let words = expected.diagnosticContains {
            #expect(report.diagnostic.contains(words), "\(report.diagnostic)")
        }
        #expect(report.diagnostic.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }, "\(report.diagnostic.debugDescription)")
        #expect(report.diagnostic.count <= BounceParser.maximumDiagnostic)
    }

    @Test(arguments: [
        "postfix-hard.eml", "postfix-real-local.eml", "postfix-delayed.eml", "exim-hard.eml", "exchange-hard.eml", "gmail-hard.eml", "ses-hard.eml",
        "yahoo-arf.eml", "broken-nested-8bit.eml",
    ])
    func findsTheVerpAddressAndTheReturnedMessageID(_ file: String) throws {
        let report = BounceParser.parse(try Self.fixture(file))
        #expect(report.addresses.contains(Self.verp), "\(report.addresses)")
        #expect(report.recipient == Self.verp)
        #expect(report.messageID == Self.messageID)
    }

    @Test func theFailedRecipientIsReportedButIsNotACandidateForMatching() throws {
        let report = BounceParser.parse(try Self.fixture("postfix-hard.eml"))
        #expect(report.finalRecipient == "ghost@mail.example.net")
        #expect(!report.addresses.contains("ghost@mail.example.net"))
        // The mbox `From ` line names the report's sender, never where it was delivered.
        #expect(!report.addresses.contains { $0.uppercased().contains("MAILER-DAEMON") })
    }

    @Test func aComplaintSentToTheFeedbackAddressStillCarriesTheVerpAddress() throws {
        let report = BounceParser.parse(try Self.fixture("yahoo-arf.eml"))
        #expect(report.addresses.first == "fbl@example.com")
        #expect(report.recipient == Self.verp)
        #expect(report.finalRecipient == "reader@yahoo.com")
    }

    @Test func readsOnlyTheStartOfAFiftyMegabyteReturnedMessage() throws {
        var bytes = try Self.fixture("postfix-hard.eml")
        // Put 50 MB of body into the returned message, before the closing boundary.
        let closing = Array("\n--4Zk1ABC.1764061205/mx.example.com--".utf8)
        let at = try #require(Self.range(of: closing, in: bytes)).lowerBound
        var line = [UInt8](repeating: UInt8(ascii: "x"), count: 999)
        line.append(10)
        var big = [UInt8]()
        big.reserveCapacity(50 * 1024 * 1024 + bytes.count)
        big.append(contentsOf: bytes[..<at])
        for _ in 0..<(50 * 1024 * 1024 / line.count) { big.append(contentsOf: line) }
        big.append(contentsOf: bytes[at...])
        bytes = []
        let clock = ContinuousClock()
        var report: BounceReport?
        let elapsed = clock.measure { report = BounceParser.parse(big) }
        #expect(report?.kind == .hard)
        #expect(report?.messageID == Self.messageID)
        // Bounded: only the first MiB is looked at, whatever the size.
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test(arguments: [
        "", "\n", "\r\n\r\n", "From \n", ":", "Content-Type: multipart/report\n\n--", "Content-Type: multipart/report; boundary=\"\n\n--\n--\n",
        "Content-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n",  // a bare status part is a report too
        "Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n\n\n\n--b--",
        "Content-Transfer-Encoding: base64\nContent-Type: message/feedback-report\n\n!!!!====",
        "Content-Type: text/plain; charset=\"unterminated\n\nhello",
        "Content-Type: multipart/report; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=a\n\n--a\n--a--\n",
    ])
    func neverCrashesOnOddInput(_ text: String) {
        let report = BounceParser.parse(Array(text.utf8))
        #expect(report.diagnostic.count <= BounceParser.maximumDiagnostic)
    }

    @Test func aBareStatusPartIsClassifiedByItsStatus() {
        let report = BounceParser.parse(Array("Content-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n".utf8))
        #expect(report.kind == .hard && report.status == "5.1.1")
    }

    @Test func deepNestingIsBounded() {
        var text = ""
        for level in 0..<5000 { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        text += "Content-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n"
        let report = BounceParser.parse(Array(text.utf8))
        // Too deep to be a real report: not found, and no stack overflow on the way.
        #expect(report.kind == .notReport)
    }

    @Test func manyRecipientsCountAsTheWorstOfThem() {
        let text = """
            Content-Type: multipart/report; report-type=delivery-status; boundary=x

            --x
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; a@example.net
            Action: delayed
            Status: 4.4.7

            Final-Recipient: rfc822; b@example.net
            Action: failed
            Status: 5.7.1 (blocked)
            Diagnostic-Code: smtp; 554 5.7.1 rejected

            Final-Recipient: rfc822; c@example.net
            Action: delivered
            Status: 2.0.0
            --x--
            """
        let report = BounceParser.parse(Array(text.utf8))
        #expect(report.kind == .hard && report.status == "5.7.1")
    }

    @Test(arguments: [
        ("failed", "5.1.1", BounceKind.hard), ("failed", "4.2.2", .soft), ("delayed", "4.4.1", .soft), ("delayed", "5.0.0", .soft),
        ("delivered", "2.0.0", .notReport), ("relayed", "2.0.0", .notReport), ("failed", "junk", .soft), ("", "5.1.1", .hard),
    ])
    func actionAndStatusDecideTheKind(action: String, status: String, kind: BounceKind) {
        var block = "Final-Recipient: rfc822; a@example.net\n"
        if !action.isEmpty { block += "Action: \(action)\n" }
        block += "Status: \(status)\n"
        #expect(RecipientStatus(HeaderBlock(Array(block.utf8)[...]))?.kind == kind)
    }

    @Test func quotedPrintableAndBase64AreDecoded() {
        #expect(TransferDecoding.quotedPrintable(Array("a=3Db=\nc=ZZ".utf8), limit: 100) == Array("a=bc=ZZ".utf8))
        #expect(TransferDecoding.base64(Array("aGVs\nbG8=".utf8), limit: 100) == Array("hello".utf8))
        #expect(TransferDecoding.base64(Array("aGVsbG8=".utf8), limit: 2) == Array("he".utf8))
    }

    @Test func headerValuesNeverCarryLineBreaksOrControlCharacters() {
        let report = BounceParser.parse(Array("""
            Content-Type: message/delivery-status

            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 bad\u{1b}[31m
             second\tline\r
            """.utf8))
        #expect(!report.diagnostic.contains("\n") && !report.diagnostic.contains("\u{1b}") && !report.diagnostic.contains("\t"))
    }

    static func range(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start..<(start + needle.count) }
        }
        return nil
    }
}
