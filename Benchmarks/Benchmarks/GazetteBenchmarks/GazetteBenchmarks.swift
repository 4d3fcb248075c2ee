import Benchmark
import Foundation
import GazetteCore
import GazetteDelivery
import GazetteMail
import GazetteStore
import GazetteTemplates
import Synchronization

// In-process benchmarks of the message pipeline, through public entry points only:
// `MessageFactory.compose` and `.prepare`, `DigestTemplates.render`, `MessageComposer.compose`,
// `QuotedPrintable.encode`.
// The data is the repository's own: Samples/*.csv imported through the store, edition 2026-W48, the
// templates of Templates/, and 1,000 subscribers with the preferences Benchmarks/send-throughput.sh uses.
// One iteration is one message (throughput is messages per second), except where the name says otherwise.

let benchmarks: @Sendable () -> Void = {
    // No CPU time: Linux reports it in 10 ms ticks, far coarser than one message. No instructions:
    // perf counters are not available on these machines. No peak resident memory: sampling it adds 16
    // mallocs and about 35 KB to every iteration's counts (an empty benchmark then shows them), which
    // would hide what the code itself allocates.
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .mallocBytesCount]
    let configuration = Benchmark.Configuration(
        metrics: metrics, timeUnits: .microseconds, units: [.throughput: .count, .mallocBytesCount: .count],
        warmupIterations: 10, maxDuration: .seconds(5), maxIterations: 100_000)

    // a. What `send` does per message (`MessageFactory.message`; `compose` before 2026-12-02): the digest filter,
    // signed links, the encoded shell of that digest (rendered and encoded once per distinct digest,
    // then cached), the personal values spliced in, and the headers. The factory is new, so its shell
    // cache starts empty as in a send run: the first pass over the roster renders each of its 105
    // distinct digests once (these show in p99 and max; p50 is the cached path).
    factoryBenchmark("send path (MessageFactory.message)", configuration: configuration) { factory, fixture, subscriber in
        try factory.message(content: fixture.content, subscriber: subscriber, date: fixture.date)
    }

    // a'. What `preview` adds: the same message and its rendered parts for display. Same cold start.
    factoryBenchmark("render+compose (MessageFactory.message + rendered)", configuration: configuration) { factory, fixture, subscriber in
        let message = try factory.message(content: fixture.content, subscriber: subscriber, date: fixture.date)
        return (message, message.rendered)
    }

    // b. The naive baseline the shell cache is measured against: the same digest filter and links, then
    // a full Mustache rendering of subject, text and HTML (and text wrapping) for every message. No MIME.
    var nextForRender = 0
    Benchmark("render per message (DigestTemplates.render, no shell cache)", configuration: configuration) {
        (benchmark: Benchmark, fixture: Fixture) in
        for _ in benchmark.scaledIterations {
            let subscriber = fixture.subscribers[nextForRender % fixture.subscribers.count]
            nextForRender += 1
            let digest = Digest(content: fixture.content, preferences: subscriber.preferences)
            let links = SubscriberLinks(
                baseURL: fixture.sender.baseURL, mailbox: fixture.sender.from.address.value,
                signer: fixture.sender.signer, subscriberID: subscriber.id!, email: subscriber.email)
            let view = DigestView(
                digest: digest, subscriber: subscriber, links: links,
                sender: DigestView.Sender(listName: fixture.sender.listName, postalAddress: fixture.sender.postalAddress))
            do {
                blackHole(try fixture.templates.render(view))
            } catch {
                benchmark.error("render failed for \(subscriber.email): \(error)")
            }
        }
    } setup: {
        try await Fixture.shared()
    }

    // c. MIME composition of a whole message from its plain text and HTML (headers, both parts
    // quoted-printable encoded), one prepared message for each of the roster's 105 preference
    // combinations in turn. Since 771529c `send` no longer does this per message (it splices personal
    // values into a shell encoded once); this is the cost that change took off the send path.
    var nextForCompose = 0
    Benchmark("compose only (MessageComposer.compose)", configuration: configuration) {
        (benchmark: Benchmark, fixture: Fixture) in
        let composer = MessageComposer()
        for _ in benchmark.scaledIterations {
            let message = fixture.messages[nextForCompose % fixture.messages.count]
            nextForCompose += 1
            blackHole(composer.compose(message))
        }
    } setup: {
        try await Fixture.shared()
    }

    // d. Quoted-printable encoding of 12 KB of digest HTML (the bulk of a message's body).
    Benchmark("quoted-printable encode 12 KB (QuotedPrintable.encode)", configuration: configuration) {
        (benchmark: Benchmark, fixture: Fixture) in
        for _ in benchmark.scaledIterations {
            blackHole(QuotedPrintable.encode(fixture.html12KB))
        }
    } setup: {
        try await Fixture.shared()
    }
}

/// Everything the benchmarks share, built once per process.
struct Fixture: Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // GazetteBenchmarks
        .deletingLastPathComponent()  // Benchmarks (targets)
        .deletingLastPathComponent()  // Benchmarks (package)
        .deletingLastPathComponent()  // repository root
    static let edition = Edition("2026-W48")!
    /// When the samples' edition is sent (send-throughput.sh uses the same moment).
    static let sendDate = Timestamp.parse("2026-11-23T09:30:00Z")!
    static let rosterSize = 1_000

    let templates: DigestTemplates
    let sender: SenderProfile
    let content: EditionContent
    /// The roster as stored (with ids), in id order.
    let subscribers: [Subscriber]
    let date: Date
    /// Messages of the first 105 subscribers (every preference combination of the roster once), as
    /// rendered text and HTML for the composer to encode.
    let messages: [OutgoingMessage]
    let htmlParts: [String]
    /// Digest HTML, repeated and cut to 12,288 UTF-8 bytes (at a character boundary).
    let html12KB: String

    private static let cache = Mutex<Fixture?>(nil)

    static func shared() async throws -> Fixture {
        if let fixture = cache.withLock({ $0 }) { return fixture }
        let fixture = try await Fixture()
        cache.withLock { $0 = fixture }
        return fixture
    }

    enum SetupError: Error, CustomStringConvertible {
        case importIssues(String, [ImportIssue])
        var description: String {
            switch self {
            case .importIssues(let file, let issues): "\(file): \(issues.count) import issues, first: \(issues[0])"
            }
        }
    }

    private init() async throws {
        let samples = Fixture.repository.appendingPathComponent("Samples")
        let database = try AppDatabase.inMemory()
        func rows<Row>(_ file: String, _ parse: (String) -> (rows: [Row], issues: [ImportIssue])) throws -> [Row] {
            let result = parse(samples.appendingPathComponent(file).path)
            guard result.issues.isEmpty else { throw SetupError.importIssues(file, result.issues) }
            return result.rows
        }
        try await database.upsertOpenings(rows("openings.csv") { FeedParser.openings(path: $0) })
        try await database.insertSalaries(rows("salaries.csv") { FeedParser.salaries(path: $0) })
        try await database.upsertCertifications(rows("certifications.csv") { FeedParser.certifications(path: $0) })

        // The roster of Benchmarks/send-throughput.sh: seven language sets, five level sets, remote-only
        // every third reader (105 combinations).
        let languages = ["", "Go", "Python", "Java;Spring Boot", "Node.js", "Python;Django", "Go;Python"]
        let levels = ["", "senior", "mid;senior", "lead;principal", "junior"]
        func list(_ text: String) -> [String] { text.split(separator: ";").map(String.init) }
        let roster = (0..<Fixture.rosterSize).map { i in
            Subscriber(
                email: "reader\(i)@example.com", name: "Reader \(i)",
                preferences: Preferences(
                    languages: list(languages[i % languages.count]),
                    levels: list(levels[i % levels.count]).compactMap { Level(parsing: $0) },
                    remoteOnly: i % 3 == 0))
        }
        _ = try await database.importSubscribers(roster, now: Fixture.sendDate)
        subscribers = try await database.subscribers(status: .active)

        let content = try await database.editionContent(Fixture.edition)
        let templates = try await DigestTemplates(directory: Fixture.repository.appendingPathComponent("Templates").path)
        let sender = SenderProfile(
            from: try Mailbox(parsing: "Backend Jobs Weekly <digest@example.com>"), baseURL: "https://news.example.com",
            postalAddress: "1 Example Street, 10115 Berlin", signer: LinkSigner(secret: "benchmark"))
        let date = Fixture.sendDate
        let factory = MessageFactory(templates: templates, sender: sender)
        let messages = try subscribers.prefix(105).map {
            let message = try factory.message(content: content, subscriber: $0, date: date)
            let rendered = message.rendered
            return OutgoingMessage(head: message.head, text: rendered.text, html: rendered.html)
        }
        let htmlParts = messages.map { message -> String in
            guard case .plain(_, let html) = message.body else { return "" }
            return html
        }
        self.htmlParts = htmlParts
        self.content = content
        self.templates = templates
        self.sender = sender
        self.date = date
        self.messages = messages

        var html = htmlParts.max(by: { $0.utf8.count < $1.utf8.count })!
        while html.utf8.count < 12_288 { html += html }
        var cut = ""
        for character in html {
            if cut.utf8.count + String(character).utf8.count > 12_288 { break }
            cut.append(character)
        }
        html12KB = cut
    }
}

/// One message per iteration through a fresh `MessageFactory` (empty shell cache, as at the start of a
/// send run), for the next subscriber of the roster in turn.
func factoryBenchmark(
    _ name: String, configuration: Benchmark.Configuration,
    message: @escaping @Sendable (MessageFactory, Fixture, Subscriber) throws -> some Any
) {
    var next = 0
    Benchmark(name, configuration: configuration) { (benchmark: Benchmark, state: (fixture: Fixture, factory: MessageFactory)) in
        let (fixture, factory) = state
        for _ in benchmark.scaledIterations {
            let subscriber = fixture.subscribers[next % fixture.subscribers.count]
            next += 1
            do {
                blackHole(try message(factory, fixture, subscriber))
            } catch {
                benchmark.error("\(name) failed for \(subscriber.email): \(error)")
            }
        }
    } setup: {
        let fixture = try await Fixture.shared()
        return (fixture: fixture, factory: MessageFactory(templates: fixture.templates, sender: fixture.sender))
    }
}
