import Foundation
import Testing

/// One file of `Tests/Fixtures/BadInput/` and what an operator should see when importing it
/// (`expectations.json`, written by `generate.py` beside it).
struct BadInputCase: Decodable, Sendable, CustomTestStringConvertible {
    var file: String
    /// `["import", "openings"]`, `["subscribers", "import"]`, …; the file's path is appended.
    var command: [String]
    /// `imported` (exit 0) or `refused` (exit 65, nothing written).
    var outcome: String
    /// Substrings of stderr; one starting with ":" must follow the file's path (`PATH:3: email:`).
    var errors: [String]
    /// For imported files: substrings that the text / HTML part of at least one sent message contains.
    var text: [String]?
    var html: [String]?

    var testDescription: String { file }
}

/// Every file of the bad-input corpus through the real binary: refused files exit 65, name the file and
/// line, and leave the database exactly as it was; imported files end up in messages that are still
/// well-formed MIME, with no injected header, no markup from data in the HTML and no template syntax
/// from data interpreted.
struct BadInputCorpusTests {
    static let directory = CommandRunner.repository.appendingPathComponent("Tests/Fixtures/BadInput")

    static func loadManifest() throws -> [BadInputCase] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expectations.json"))
        return try JSONDecoder().decode([BadInputCase].self, from: data)
    }

    /// Loaded once for `@Test(arguments:)`; a broken manifest yields no cases, which `manifestCoversTheCorpus` reports.
    static let cases: [BadInputCase] = (try? loadManifest()) ?? []

    static func corpusFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".jsonl") }.sorted()
    }

    // MARK: the baseline every case starts from

    static let baselineOpenings = """
        source,id,company,title,level,stack,location,remote,salary_min,salary_max,currency,url,posted_at,closed_at
        base,go-1,Grid,Baseline Go Engineer,senior,Go;gRPC,"Berlin, Germany",false,120000,140000,USD,https://jobs.example.com/base/go-1,2026-11-17T10:00:00Z,
        base,py-1,Hopper,Baseline Python Engineer,mid,Python,Remote (EU),true,90000,110000,USD,https://jobs.example.com/base/py-1,2026-11-17T11:00:00Z,
        base,java-1,Swile,Baseline Java Lead,lead,Java,"London, UK",false,,,USD,https://jobs.example.com/base/java-1,2026-11-17T12:00:00Z,

        """
    static let baselineSalaries = "observed_on,level,stack,region,amount,currency,source\n"
        + [140_000, 145_000, 150_000, 155_000, 160_000].map { "2026-11-10,senior,Go,EU,\($0),USD,baseline" }.joined(separator: "\n") + "\n"
        + [150_000, 155_000, 160_000, 165_000, 170_000].map { "2026-11-17,senior,Go,EU,\($0),USD,baseline" }.joined(separator: "\n") + "\n"
    static let baselineCertifications = """
        id,name,issuer,summary,url,featured_from,featured_until
        base-cka,Baseline Kubernetes Administrator,CNCF,Run Kubernetes clusters.,https://certs.example.com/base-cka,,
        base-dca,Baseline Docker Associate,Mirantis,Containers end to end.,https://certs.example.com/base-dca,,

        """
    static let baselineSubscribers = """
        email,name,timezone,send_day,send_hour,languages,levels,remote_only,locations,min_salary,status
        base-all@example.com,Base All,Etc/UTC,mon,9,,,,,,active
        base-go@example.com,Base Gopher,Europe/Berlin,mon,10,Go,,,,,
        base-py@example.com,"Base, Python",America/New_York,mon,9,Python,,true,,,

        """

    static func importBaseline(_ gazette: CommandRunner) throws {
        for (command, name, contents) in [
            (["import", "openings"], "base-openings.csv", baselineOpenings),
            (["import", "salaries"], "base-salaries.csv", baselineSalaries),
            (["import", "certifications"], "base-certifications.csv", baselineCertifications),
            (["subscribers", "import"], "base-subscribers.csv", baselineSubscribers),
        ] {
            let result = try gazette.run(command + [try gazette.file(name, contents)])
            try #require(result.status == 0, "baseline \(name): \(result.stderr)")
        }
    }

    // MARK: the corpus

    @Test func manifestCoversTheCorpus() throws {
        let manifest = try Self.loadManifest()
        let files = try Self.corpusFiles()
        #expect(files.count >= 50)
        #expect(manifest.count == Set(manifest.map(\.file)).count, "a file has two entries")
        #expect(Set(manifest.map(\.file)) == Set(files), "entries without files, or files without entries")
        for entry in manifest {
            let kind = entry.file.split(separator: "-").first.map(String.init) ?? ""
            let command = kind == "subscribers" ? ["subscribers", "import"] : ["import", kind]
            #expect(entry.command == command, "\(entry.file)")
            #expect(["imported", "refused"].contains(entry.outcome), "\(entry.file)")
            #expect(entry.outcome == "imported" || !entry.errors.isEmpty, "\(entry.file): a refusal names its errors")
        }
        #expect(manifest.contains { $0.outcome == "imported" } && manifest.contains { $0.outcome == "refused" })
    }

    /// The HTML check below must see markup that data could inject, and must not flag the templates' own.
    @Test func markupCheckSeesInjectedMarkup() {
        #expect(Self.templateMarkup.tags.isSuperset(of: ["a", "p", "table", "td"]))
        #expect(Self.templateMarkup.attributes.isSuperset(of: ["href", "style", "class"]))
        #expect(Self.markupProblems(in: #"<p class="gz-text" style="x">&lt;img src=x onerror=alert(1)&gt; &amp; {{x}}</p>"#) == [])
        #expect(Self.markupProblems(in: #"<p class="gz-text">Hi <img src=x onerror=alert(1)></p>"#).count == 3)
        #expect(Self.markupProblems(in: #"<a class="gz-link" href="x" onmouseover="alert(1)">t</a>"#).count == 2)
        #expect(Self.markupProblems(in: #"<a href="javascript:alert(1)">t</a> 1 < 2"#).count == 3)  // the link, and "<" as a nameless tag with an attribute
    }

    @Test(arguments: cases)
    func importThroughTheBinary(_ entry: BadInputCase) throws {
        let gazette = try CommandRunner()
        defer { try? FileManager.default.removeItem(atPath: gazette.directory) }
        try Self.importBaseline(gazette)
        let before = try gazette.databaseDump()
        let path = Self.directory.appendingPathComponent(entry.file).path

        let result = try gazette.run(entry.command + [path])
        let stderr = Self.excerpt(result.stderr)
        switch entry.outcome {
        case "refused":
            guard result.status == 65 else {
                Issue.record("expected exit 65 (refused), got \(result.status); stderr: \(stderr)")
                // Imported anyway: show what the data does to the messages.
                if result.status == 0 { try checkSend(gazette, entry) }
                return
            }
            for expected in entry.errors {
                let needle = expected.hasPrefix(":") ? path + expected : expected
                #expect(result.stderr.contains(needle), "missing \(needle.debugDescription) in stderr: \(stderr)")
            }
            #expect(result.stderr.contains("\(path):"), "stderr does not name the file: \(stderr)")
            #expect(result.stderr.contains("nothing was imported"), "\(stderr)")
            // A readable report: a 100 KB value is quoted in part, not whole.
            for line in result.stderr.split(separator: "\n") where line.count > Self.longestErrorLine {
                Issue.record("stderr line of \(line.count) characters: \(line.prefix(200))…")
            }
            #expect(try gazette.databaseDump() == before, "the refused import changed the database")
        case "imported":
            #expect(result.status == 0, "exit \(result.status); stderr: \(stderr)")
            guard result.status == 0 else { return }
            try checkSend(gazette, entry)
        default:
            Issue.record("unknown outcome \(entry.outcome)")
        }
    }

    /// Sends W48 to everyone and checks every message that the imported data reached.
    func checkSend(_ gazette: CommandRunner, _ entry: BadInputCase) throws {
        let send = try gazette.run(["send", "--week", "2026-W48", "--at", "2026-11-23T09:30:00Z", "--now"])
        #expect(send.status == 0, "send: exit \(send.status); \(Self.excerpt(send.stderr))")
        #expect(send.lastLine.hasPrefix("2026-W48: sent "), "\(send.stdout)")
        let files = try gazette.outboxFiles()
        #expect(files.count >= 3, "\(send.stdout)")
        let messages = try gazette.checkMessages(files)
        let raw = try Self.inspect(gazette, files)
        #expect(messages.count == files.count && raw.count == files.count)

        var texts: [String] = []
        var htmls: [String] = []
        for (message, inspected) in zip(messages, raw) {
            let name = URL(fileURLWithPath: message.file).lastPathComponent
            #expect(message.errors == [], "\(name): \(message.errors)")
            #expect(Set(inspected.headerNames).isSubset(of: Self.expectedHeaders), "\(name): headers \(inspected.headerNames)")
            #expect(Set(["Date", "From", "To", "Subject", "Message-ID"]).isSubset(of: inspected.headerNames), "\(name): \(inspected.headerNames)")
            #expect(inspected.headerNames.count == Set(inspected.headerNames.map { $0.lowercased() }).count,
                    "\(name): a header appears twice: \(inspected.headerNames)")
            #expect(inspected.to.count == 1, "\(name): To holds \(inspected.to)")
            #expect(inspected.to.allSatisfy { inspected.recipient == $0 }, "\(name): To \(inspected.to), ledger says \(inspected.recipient)")
            let html = try #require(message.html, "\(name): no HTML part")
            let text = try #require(message.text, "\(name): no text part")
            #expect(!html.lowercased().contains("<script"), "\(name): <script in the HTML part")
            for problem in Self.markupProblems(in: html) {
                Issue.record("\(name): \(problem)")
            }
            texts.append(Self.collapsed(text))
            htmls.append(Self.collapsed(html))
        }
        for expected in entry.text ?? [] {
            #expect(texts.contains { $0.contains(Self.collapsed(expected)) }, "no text part contains \(expected.debugDescription)")
        }
        for expected in entry.html ?? [] {
            #expect(htmls.contains { $0.contains(Self.collapsed(expected)) }, "no HTML part contains \(expected.debugDescription)")
        }
    }

    // MARK: headers, read independently of check_messages.py

    /// The header fields a digest may carry; anything else came from data.
    static let expectedHeaders: Set<String> = [
        "Date", "Message-ID", "From", "To", "Subject", "MIME-Version", "List-Id", "List-Unsubscribe",
        "List-Unsubscribe-Post", "Content-Type",
    ]

    struct Inspected: Decodable {
        var file: String
        var headerNames: [String]
        var to: [String]
        /// The subscriber the ledger row of this message belongs to (from the database, not the message).
        var recipient: String
    }

    /// Header names of the top-level header block, the addresses Python's parser finds in To, and the
    /// address the ledger says each message was for.
    static func inspect(_ gazette: CommandRunner, _ files: [String]) throws -> [Inspected] {
        let script = """
            import email, email.policy, json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            ledger = {}
            for (message_id, address) in db.execute(
                    'SELECT d.messageId, s.email FROM delivery d JOIN subscriber s ON s.id = d.subscriberId'):
                if message_id:
                    ledger[message_id.strip('<>')] = address
            out = []
            for path in sys.argv[2:]:
                raw = open(path, 'rb').read()
                head = raw.split(b'\\r\\n\\r\\n', 1)[0].decode('ascii', 'replace')
                names = [line.split(':', 1)[0] for line in head.split('\\r\\n') if line and line[0] not in ' \\t']
                message = email.message_from_bytes(raw, policy=email.policy.default)
                to = [a.addr_spec for a in message['To'].addresses] if message['To'] is not None else []
                message_id = str(message['Message-ID'] or '').strip().strip('<>')
                out.append({'file': path, 'headerNames': names, 'to': to, 'recipient': ledger.get(message_id, '?')})
            json.dump(out, sys.stdout)
            """
        let output = try CommandRunner.execute(
            "/usr/bin/env", ["python3", "-c", script, "\(gazette.directory)/gazette.sqlite"] + files,
            environment: gazette.environment, in: gazette.directory)
        try #require(output.status == 0, "\(output.stderr)")
        return try JSONDecoder().decode([Inspected].self, from: Data(output.stdout.utf8))
    }

    // MARK: HTML from data

    /// Tag names and attribute names the HTML templates use: any other markup in a message came from data.
    static let templateMarkup: (tags: Set<String>, attributes: Set<String>) = {
        var tags: Set<String> = []
        var attributes: Set<String> = []
        let templates = CommandRunner.repository.appendingPathComponent("Templates")
        let paths = (FileManager.default.enumerator(atPath: templates.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".html.mustache") }
        for path in paths {
            guard let source = try? String(contentsOf: templates.appendingPathComponent(path), encoding: .utf8) else { continue }
            for tag in scanTags(source) {
                tags.insert(tag.name)
                attributes.formUnion(tag.attributes)
            }
        }
        return (tags, attributes)
    }()

    struct Tag {
        var name: String
        var attributes: [String]
    }

    /// A small tag scanner: every `<` followed by a letter or `/` starts a tag; `<!…>` is skipped.
    /// A `<` that starts no tag yields a tag named "" (escaped output never contains one).
    static func scanTags(_ html: String) -> [Tag] {
        let chars = Array(html.unicodeScalars)
        var tags: [Tag] = []
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == ":" || c == "_"
        }
        while i < chars.count {
            guard chars[i] == "<" else { i += 1; continue }
            i += 1
            if i < chars.count, chars[i] == "!" {
                while i < chars.count, chars[i] != ">" { i += 1 }
                continue
            }
            if i < chars.count, chars[i] == "/" { i += 1 }
            var name = ""
            while i < chars.count, isNameChar(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
            var attributes: [String] = []
            // Attributes: name, optionally = and a quoted or bare value, until `>`.
            while i < chars.count, chars[i] != ">" {
                if chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" || chars[i] == "/" || chars[i] == "\r" { i += 1; continue }
                var attribute = ""
                while i < chars.count, chars[i] != "=", chars[i] != ">", chars[i] != " ", chars[i] != "\n" {
                    attribute.unicodeScalars.append(chars[i]); i += 1
                }
                attributes.append(attribute.lowercased())
                if i < chars.count, chars[i] == "=" {
                    i += 1
                    if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                        let quote = chars[i]
                        i += 1
                        while i < chars.count, chars[i] != quote { i += 1 }
                        i += 1
                    } else {
                        while i < chars.count, chars[i] != " ", chars[i] != ">" { i += 1 }
                    }
                }
            }
            tags.append(Tag(name: name.lowercased(), attributes: attributes))
        }
        return tags
    }

    /// Tags or attributes in a rendered message that no template contains, and links to anything but http(s).
    static func markupProblems(in html: String) -> [String] {
        var problems: [String] = []
        let allowed = templateMarkup
        for tag in scanTags(html) {
            if !allowed.tags.contains(tag.name) { problems.append("markup from data: <\(tag.name)") }
            for attribute in tag.attributes where !allowed.attributes.contains(attribute) {
                problems.append("attribute from data: \(attribute) in <\(tag.name)")
            }
        }
        var rest = Substring(html)
        while let range = rest.range(of: "href=\"") {
            let value = rest[range.upperBound...].prefix { $0 != "\"" }
            if !(value.hasPrefix("https://") || value.hasPrefix("http://")) { problems.append("link to \(value.prefix(60))") }
            rest = rest[range.upperBound...]
        }
        return problems
    }

    // MARK: helpers

    /// The longest error line an operator should have to read (the header errors list all expected columns).
    static let longestErrorLine = 1000

    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// stderr for a failure message: huge-field files would otherwise print megabytes.
    static func excerpt(_ text: String) -> String {
        text.count <= 4000 ? text : String(text.prefix(4000)) + "… (\(text.utf8.count) bytes)"
    }
}
