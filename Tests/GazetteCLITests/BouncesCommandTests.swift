import Foundation
import Testing

/// `gazette bounces process` on the built binary: reports about digests it really sent (through
/// smtp-sink, with VERP senders), read from a file, an mbox, a Maildir and standard input.
@Suite(.serialized)
struct BouncesCommandTests {
    static let corpus = CommandRunner.repository.appendingPathComponent("Tests/Fixtures/Bounces")

    /// What the sink received for one recipient: the envelope sender and the Message-ID.
    struct Sent {
        var sender: String
        var messageID: String
    }

    /// The fixture imported, the bounce address set, edition 2026-W48 sent to everyone through smtp-sink.
    static func sentEdition() throws -> (CommandRunner, SmtpSink, [String: Sent]) {
        var gazette = try CommandRunner()
        gazette.environment["GAZETTE_BOUNCE_ADDRESS"] = "bounces@example.com"
        try EndToEndTests.importFixture(gazette)
        let sink = try SmtpSink()
        var smtp = gazette
        smtp.environment["GAZETTE_SMTP_URL"] = sink.url
        smtp.environment["GAZETTE_SMTP_TLS"] = "none"
        let send = try smtp.run(["send", "--week", "2026-W48", "--now", "--at", "2026-11-23T09:30:00Z"])
        #expect(send.status == 0, "\(send.stderr)")
        return (smtp, sink, try sent(sink))
    }

    static func sent(_ sink: SmtpSink) throws -> [String: Sent] {
        Dictionary(try deliveries(sink), uniquingKeysWith: { first, _ in first })
    }

    /// Every message the sink received, as (recipient, what was sent).
    static func deliveries(_ sink: SmtpSink) throws -> [(String, Sent)] {
        var result: [(String, Sent)] = []
        for text in sink.dumpedMessages {
            func value(_ prefix: String) -> String? {
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
                let rest = line.dropFirst(prefix.count)
                return String(rest.prefix { $0 != ">" && $0 != "\r" })
            }
            guard let recipient = value("X-Rcpt-Args: <"), let sender = value("X-Mail-Args: <"), let id = value("Message-ID: <")
            else { continue }
            result.append((recipient, Sent(sender: sender, messageID: id)))
        }
        return result
    }

    /// A corpus report rewritten to be about the message `sent`.
    static func report(_ file: String, about sent: Sent?) throws -> String {
        var text = String(decoding: try Data(contentsOf: corpus.appendingPathComponent(file)), as: UTF8.self)
        if let sent {
            text = text.replacingOccurrences(of: "bounces+2026w48-1-0123456789abcdef@example.com", with: sent.sender)
                .replacingOccurrences(of: "gazette.2026-W48.0123456789abcdef@example.com", with: sent.messageID)
        }
        return text
    }

    static func summary(hard: Int = 0, soft: Int = 0, complaints: Int = 0, ignored: Int = 0, unmatched: Int = 0) -> String {
        "bounces: hard \(hard), soft \(soft), complaints \(complaints), ignored \(ignored), unmatched \(unmatched)"
    }

    @Test func digestsGoOutFromSignedVerpAddresses() throws {
        let (_, _, sent) = try Self.sentEdition()
        #expect(sent.count == 3)
        for (_, message) in sent {
            #expect(message.sender.hasPrefix("bounces+2026w48-") && message.sender.hasSuffix("@example.com"), "\(message.sender)")
        }
    }

    @Test func processesAFileAnMboxAMaildirAndStandardInputOnce() throws {
        let (gazette, sink, sent) = try Self.sentEdition()
        let go = try #require(sent["go@example.com"]), py = try #require(sent["py@example.com"]), all = try #require(sent["all@example.com"])

        // One message file: a hard bounce.
        let file = try gazette.file("bounce.eml", try Self.report("postfix-hard.eml", about: go))
        let single = try gazette.run(["bounces", "process", file])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.lastLine == Self.summary(hard: 1), "\(single.stdout)")

        // An mbox: a soft bounce, an auto-reply and a bounce of someone else's message.
        let mbox = ["mailbox-full.eml", "autoreply.eml", "foreign-hard.eml"].map { name in
            "From MAILER-DAEMON Mon Nov 23 09:00:05 2026\n" + (try! Self.report(name, about: all)) + "\n"
        }.joined()
        let mboxResult = try gazette.run(["bounces", "process", try gazette.file("mbox", mbox)])
        #expect(mboxResult.lastLine == Self.summary(soft: 1, ignored: 1, unmatched: 1), "\(mboxResult.stdout)\(mboxResult.stderr)")

        // A Maildir: a complaint in new/, the same hard bounce as Exchange words it in cur/; moved afterwards.
        let maildir = "\(gazette.directory)/Maildir"
        for folder in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(atPath: "\(maildir)/\(folder)", withIntermediateDirectories: true) }
        try Self.report("yahoo-arf.eml", about: py).write(toFile: "\(maildir)/new/1764061205.M1.host", atomically: true, encoding: .utf8)
        try Self.report("exchange-hard.eml", about: go).write(toFile: "\(maildir)/cur/1764061206.M2.host:2,S", atomically: true, encoding: .utf8)
        let done = "\(gazette.directory)/processed"
        let maildirResult = try gazette.run(["bounces", "process", "--move-to", done, maildir])
        #expect(maildirResult.status == 0, "\(maildirResult.stderr)")
        #expect(maildirResult.lastLine == Self.summary(hard: 1, complaints: 1), "\(maildirResult.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(done)/new/1764061205.M1.host"))
        #expect(FileManager.default.fileExists(atPath: "\(done)/cur/1764061206.M2.host:2,S"))
        #expect(ReportDirectory.files(maildir).isEmpty)

        // Standard input (a Postfix pipe): the first report again changes nothing.
        let before = try gazette.databaseDump()
        let again = try gazette.run(["bounces", "process"], input: Data(try Self.report("postfix-hard.eml", about: go).utf8))
        #expect(again.status == 0 && again.lastLine == Self.summary(hard: 1), "\(again.stdout)\(again.stderr)")
        let dash = try gazette.run(["bounces", "process", "-"], input: Data(try Self.report("yahoo-arf.eml", about: py).utf8))
        #expect(dash.lastLine == Self.summary(complaints: 1))
        #expect(try gazette.databaseDump() == before)

        let status = try gazette.run(["status", "--week", "2026-W48"])
        #expect(status.stdout.contains("sent 1, deferred 0, failed 0, skipped 0, bounced 1, complained 1"), "\(status.stdout)")
        #expect(status.stdout.contains("soft bounces: 1"))
        #expect(status.stdout.contains("bounced go@example.com") && status.stdout.contains("5.1.1"), "\(status.stdout)")
        let list = try gazette.run(["subscribers", "list", "--status", "unsubscribed"])
        #expect(list.stdout.contains("py@example.com"))

        // The next edition skips the suppressed address and no longer mails the complainer.
        let next = try gazette.run(["send", "--week", "2026-W49", "--now", "--at", "2026-11-30T09:30:00Z"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.lastLine.hasPrefix("2026-W49: sent 1, already sent 0, deferred 0, failed 0, skipped 1,"), "\(next.lastLine)")
        let secondEdition = try Self.deliveries(sink).filter { $0.1.sender.hasPrefix("bounces+2026w49-") }.map(\.0)
        #expect(secondEdition == ["all@example.com"])
    }

    @Test func aFiftyMegabyteReturnedMessageIsReadInBoundedMemory() throws {
        let (gazette, _, sent) = try Self.sentEdition()
        let report = try Self.report("postfix-hard.eml", about: sent["go@example.com"])
        let closing = "\n--4Zk1ABC.1764061205/mx.example.com--"
        let split = try #require(report.range(of: closing))
        let filler = String(repeating: String(repeating: "x", count: 999) + "\n", count: 50 * 1024)
        let huge = String(report[..<split.lowerBound]) + "\n" + filler + String(report[split.lowerBound...])
        // In an mbox, followed by a second report that must still be found after the 50 MB.
        let mbox = "From MAILER-DAEMON Mon Nov 23 09:00:05 2026\n\(huge)\nFrom MAILER-DAEMON Mon Nov 23 09:00:06 2026\n"
            + (try Self.report("yahoo-arf.eml", about: sent["py@example.com"])) + "\n"
        let path = try gazette.file("huge.mbox", mbox)
        let result = try gazette.run(["bounces", "process", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lastLine == Self.summary(hard: 1, complaints: 1), "\(result.stdout)")
        // On standard input, all of it is read (a pipe writer never sees a broken pipe), little of it kept.
        let piped = try gazette.run(["bounces", "process"], input: Data(huge.utf8))
        #expect(piped.status == 0 && piped.lastLine == Self.summary(hard: 1), "\(piped.stdout)\(piped.stderr)")
    }

    @Test func aPathThatIsNotAMessageMboxOrMaildirExits65AndProcessesNothing() throws {
        let (gazette, _, sent) = try Self.sentEdition()
        let good = try gazette.file("good.eml", try Self.report("postfix-hard.eml", about: sent["go@example.com"]))
        let binary = "\(gazette.directory)/binary"
        try Data([0, 1, 2, 255, 254]).write(to: URL(fileURLWithPath: binary))
        let plainDirectory = "\(gazette.directory)/plain"
        try FileManager.default.createDirectory(atPath: plainDirectory, withIntermediateDirectories: true)
        let before = try gazette.databaseDump()
        for bad in [binary, plainDirectory, "\(gazette.directory)/missing", try gazette.file("empty", "")] {
            let result = try gazette.run(["bounces", "process", good, bad])
            #expect(result.status == 65, "\(bad): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(bad), "\(result.stderr)")
        }
        #expect(try gazette.databaseDump() == before)
    }

    @Test func aBusyDatabaseExits75SoThatPostfixRetries() throws {
        let (gazette, _, sent) = try Self.sentEdition()
        let holder = try gazette.holdWriteLock(seconds: 60)
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let report = Data(try Self.report("postfix-hard.eml", about: sent["go@example.com"]).utf8)
        let busy = try gazette.run(["bounces", "process"], input: report)
        #expect(busy.status == 75, "\(busy.stdout)\(busy.stderr)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let retried = try gazette.run(["bounces", "process"], input: report)
        #expect(retried.status == 0 && retried.lastLine == Self.summary(hard: 1), "\(retried.stdout)\(retried.stderr)")
    }

    @Test func anUnusableBounceAddressIsAUsageError() throws {
        var gazette = try CommandRunner()
        for bad in ["not an address", "bounces+x@example.com", String(repeating: "b", count: 30) + "@example.com"] {
            gazette.environment["GAZETTE_BOUNCE_ADDRESS"] = bad
            let result = try gazette.run(["send", "--week", "2026-W48", "--now"])
            #expect(result.status == 64, "\(bad): \(result.stderr)")
            #expect(result.stderr.contains("GAZETTE_BOUNCE_ADDRESS"), "\(result.stderr)")
        }
    }
}

/// The message files of a Maildir.
enum ReportDirectory {
    static func files(_ maildir: String) -> [String] {
        ["new", "cur"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(folder)")) ?? []).map { "\(folder)/\($0)" }
        }
    }
}
