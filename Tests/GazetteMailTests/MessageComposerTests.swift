import Foundation
import GazetteCore
import GazetteMail
import GazetteTestSupport
import Testing

struct QuotedPrintableTests {
    func encoded(_ text: String) -> String { String(decoding: QuotedPrintable.encode(text), as: UTF8.self) }

    @Test func encodesNonASCIIAndEqualsSign() {
        #expect(encoded("Zoë = 1\n") == "Zo=C3=AB =3D 1\r\n")
    }

    @Test func protectsTrailingWhitespaceLeadingDotsAndFrom() {
        #expect(encoded("end \nnext\t\n") == "end=20\r\nnext=09\r\n")
        #expect(encoded(".\n.hidden\nFrom here\nnot From\n") == "=2E\r\n=2Ehidden\r\n=46rom here\r\nnot From\r\n")
    }

    @Test func protectsDotsAndFromAfterASoftBreakToo() {
        for tail in [".b", "From x"] {
            let lines = encoded(String(repeating: "a", count: 75) + tail + "\n").components(separatedBy: "\r\n")
            #expect(lines.allSatisfy { !$0.hasPrefix(".") && !$0.hasPrefix("From ") }, "\(lines)")
            #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        }
    }

    @Test func keepsLinesWithin76CharactersWithSoftBreaks() {
        let long = String(repeating: "é", count: 200) + " " + String(repeating: "x", count: 300)
        let lines = encoded(long + "\n").components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        // Soft breaks never split an =XX escape.
        #expect(lines.dropLast().allSatisfy { !$0.hasSuffix("=") || !$0.dropLast().hasSuffix("=") })
    }

    /// Pieces encoded apart and joined (the send path's shared parts and personal values) must decode
    /// to the joined text and keep every rule of one encoding, the 76-character limit included.
    @Test func piecesEncodedApartDecodeToTheWholeAndKeepTheRules() {
        var generator = SystemRandomNumberGenerator()
        let fragments = ["a", " ", ".", "From ", "=", "é", "日", "\n", "\r\n", "\t", String(repeating: "x", count: 75), String(repeating: "y", count: 76)]
        for _ in 0..<2000 {
            let pieces = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in fragments.randomElement(using: &generator)! }.joined()
            }
            var encoded: [UInt8] = []
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1 { QuotedPrintable.encode(piece, into: &encoded) } else { QuotedPrintable.encodePiece(piece, into: &encoded) }
            }
            let whole = pieces.joined()
            #expect(QuotedPrintableDecoder.decode(encoded) == Array(whole.replacingOccurrences(of: "\r\n", with: "\n").utf8), "\(pieces)")
            for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= QuotedPrintable.maxLineLength, "\(line.debugDescription) in \(pieces)")
                #expect(!line.hasPrefix(".") && !line.hasPrefix("From ") && !line.hasSuffix(" ") && !line.hasSuffix("\t"))
            }
        }
    }

    @Test func convertsLineEndsToCRLF() {
        #expect(encoded("a\r\nb\nc") == "a\r\nb\r\nc")
    }
}

struct HeaderEncodingTests {
    @Test(arguments: ["Subject\r\nBcc: evil@example.com", "a\nb", "tab\tand\u{0}nul", "line\u{2028}separator"])
    func removesEveryLineBreakAndControlCharacter(value: String) {
        let folded = HeaderEncoding.unstructured(value, fieldName: "Subject")
        // Only folding (CRLF followed by a space) may remain.
        let unfolded = folded.replacingOccurrences(of: "\r\n ", with: "")
        #expect(!unfolded.contains("\r") && !unfolded.contains("\n") && !unfolded.contains("\u{0}"))
    }

    @Test func encodesNonASCIIAsRFC2047Words() {
        let value = HeaderEncoding.unstructured("Neue Stellen für Zoë", fieldName: "Subject")
        #expect(value.hasPrefix("=?UTF-8?B?"))
        #expect(value.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 })
    }

    @Test func quotesDisplayNamesWithSpecials() {
        #expect(HeaderEncoding.mailbox(name: "Smith, John", address: "j@example.com", fieldName: "To")
            == "\"Smith, John\" <j@example.com>")
        #expect(HeaderEncoding.mailbox(name: "Alice", address: "a@example.com", fieldName: "To") == "Alice <a@example.com>")
        #expect(HeaderEncoding.mailbox(name: "", address: "a@example.com", fieldName: "To") == "a@example.com")
    }
}

struct MessageComposerTests {
    static func message(name: String = "Zoë Müller", subject: String = "Backend Jobs Weekly 2026-W48: 3 new openings", text: String = "Hi Zoë,\n\nA line.\n", html: String = "<p>Hi Zo&euml;</p>\n") throws -> OutgoingMessage {
        OutgoingMessage(
            from: try Mailbox(parsing: "Backend Jobs Weekly <digest@example.com>"),
            to: Mailbox(name: name, address: try EmailAddress("zoe@example.org")),
            subject: subject,
            date: Timestamp.parse("2026-11-23T09:00:00Z")!,
            messageID: "gazette.2026-W48.abc@example.com",
            unsubscribeURIs: ["https://news.example.com/unsubscribe/1.u.sig", "mailto:digest@example.com?subject=unsubscribe%201.u.sig"],
            listID: "Backend Jobs Weekly <digest.example.com>",
            text: text, html: html)
    }

    @Test func producesValidMultipartAlternativeForAnIndependentParser() throws {
        let bytes = MessageComposer().compose(try Self.message())
        let result = try MessageChecker.check(bytes)
        #expect(result.errors == [])
        #expect(result.headers["To"] == "Zoë Müller <zoe@example.org>")
        #expect(result.headers["Subject"] == "Backend Jobs Weekly 2026-W48: 3 new openings")
        #expect(result.headers["Date"] == "Mon, 23 Nov 2026 09:00:00 +0000")
        #expect(result.headers["Message-ID"] == "<gazette.2026-W48.abc@example.com>")
        #expect(result.text == "Hi Zoë,\n\nA line.\n")
        #expect(result.html == "<p>Hi Zo&euml;</p>\n")
    }

    @Test(arguments: [
        "Evil\r\nBcc: victim@example.com",
        "Evil\nX-Injected: yes",
        "=?UTF-8?B?QmNjOiB2aWN0aW1AZXhhbXBsZS5jb20=?=",
        String(repeating: "verylongwordwithoutspaces", count: 60),
        "مرحبا 🐍 山田 太郎 \u{202E}reversed",
    ])
    func dataNeverCreatesAHeaderLine(hostile: String) throws {
        let bytes = MessageComposer().compose(try Self.message(name: hostile, subject: hostile))
        let result = try MessageChecker.check(bytes)
        #expect(result.errors == [])
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let fieldNames = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { $0.prefix(while: { $0 != ":" }) }
        #expect(fieldNames == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Type"])
        // What the reader sees is the value, with line breaks turned into spaces.
        let flattened = hostile.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        #expect(result.headers["Subject"] == flattened)
    }

    @Test func longBodyLinesStayWithinLimits() throws {
        let text = String(repeating: "word ", count: 600) + "\n" + String(repeating: "x", count: 2000) + "\n"
        let bytes = MessageComposer().compose(try Self.message(text: text, html: "<p>" + String(repeating: "é", count: 3000) + "</p>"))
        let result = try MessageChecker.check(bytes)
        #expect(result.errors == [])
        #expect(result.text == text)
    }

    @Test func identicalInputsComposeIdenticalBytes() throws {
        let message = try Self.message()
        #expect(MessageComposer().compose(message) == MessageComposer().compose(message))
    }
}

/// Whatever the configuration holds (a non-ASCII list name, a 1,200-character From name, a long base
/// URL), every header Gazette writes is ASCII and no line exceeds 998 octets (RFC 5322 2.1.1).
struct HeaderLimitsTests {
    @Test(arguments: [
        "Ежене́дельник вакансий для бэкенд-инженеров — выпуск",
        String(repeating: "Long list name ", count: 80),
        String(repeating: "Ü", count: 700),
    ])
    func headersStayASCIIAndShort(listName: String) throws {
        let from = Mailbox(name: String(repeating: "Sender Name ", count: 100), address: try EmailAddress("digest@example.com"))
        let to = Mailbox(name: "Zoë", address: try EmailAddress("zoe@example.com"))
        let url = "https://news.example.com/" + String(repeating: "p", count: 450)
        let message = OutgoingMessage(
            from: from, to: to, subject: "Weekly", date: Date(timeIntervalSince1970: 1_795_000_000),
            messageID: "gazette.2026-W48.1@example.com", unsubscribeURIs: [url + "/unsubscribe/1.u.abc", "mailto:digest@example.com?subject=unsubscribe"],
            listID: "\(listName) <digest.example.com>", text: "Hi\n", html: "<p>Hi</p>\n")
        let bytes = MessageComposer().compose(message)
        let headerEnd = try #require(String(decoding: bytes, as: UTF8.self).range(of: "\r\n\r\n"))
        let head = String(decoding: bytes, as: UTF8.self)[..<headerEnd.lowerBound]
        #expect(head.utf8.allSatisfy { $0 < 0x80 }, "a header holds non-ASCII bytes")
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 998, "\(line.prefix(60))… is \(line.utf8.count) octets")
        }
        let listLines = head.components(separatedBy: "\r\n").drop { !$0.hasPrefix("List-Id:") }
        #expect(listLines.first?.hasPrefix("List-Id:") == true)
        #expect(head.contains("<digest.example.com>"))
    }
}
