import Foundation
import GazetteCore
import GazetteStore
import Hummingbird
import NIOCore

/// The operator's pages: editions with their ledger counts, the subscriber list, and previews identical
/// to what `send` produces. Loopback only by default; behind the operator token otherwise.
struct OperatorPages: Sendable {
    let database: any Store
    let previewer: any DigestPreviewer
    let now: @Sendable () -> Date

    func register(on router: RouterGroup<BasicRequestContext>) {
        router.get("/") { _, _ in try await self.index() }
        router.get("/subscribers") { request, _ in
            try await self.subscribers(query: request.uri.queryParameters.get("q") ?? "")
        }
        router.get("/preview/:edition/:subscriber") { _, context in
            let (subscriber, edition) = try await self.target(context)
            let preview = try await previewer.preview(subscriber: subscriber, edition: edition)
            let base = "/preview/\(edition)/\(subscriber.id!)"
            return Reply.page("Preview \(edition) for \(subscriber.email)", """
                <p><a href="/">Editions</a> · <a href="/subscribers">Subscribers</a></p>
                <h1>\(HTML.escape(preview.subject))</h1>
                <p>To \(HTML.escape(subscriber.name)) &lt;\(HTML.escape(subscriber.email))&gt; · edition \(edition) ·
                <a href="\(base)/eml" download>Download the .eml</a> · <a href="\(base)/text">Text part</a></p>
                <iframe sandbox="" title="HTML part" src="\(base)/html"></iframe>
                <h2>Text part</h2>
                <pre id="text-part">\(HTML.escape(preview.text))</pre>
                """)
        }
        router.get("/preview/:edition/:subscriber/html") { _, context in
            let (subscriber, edition) = try await self.target(context)
            var response = Reply.html(try await previewer.preview(subscriber: subscriber, edition: edition).webHTML)
            // The digest itself, shown in a sandbox: no scripts, no forms, no navigation of the operator page.
            response.headers[.contentSecurityPolicy] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:"
            return response
        }
        router.get("/preview/:edition/:subscriber/text") { _, context in
            let (subscriber, edition) = try await self.target(context)
            return Reply.text(try await previewer.preview(subscriber: subscriber, edition: edition).text)
        }
        router.get("/preview/:edition/:subscriber/eml") { _, context in
            let (subscriber, edition) = try await self.target(context)
            let preview = try await previewer.preview(subscriber: subscriber, edition: edition)
            return Response(
                status: .ok,
                headers: [.contentType: "message/rfc822", .contentDisposition: "attachment; filename=\"\(preview.fileName)\""],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: preview.eml)))
        }
    }

    private func target(_ context: BasicRequestContext) async throws -> (Subscriber, Edition) {
        guard let edition = Edition(try context.parameters.require("edition")) else {
            throw HTTPError(.notFound, message: "no such edition")
        }
        guard let id = Int64(try context.parameters.require("subscriber")), let subscriber = try await database.subscriber(id: id) else {
            throw HTTPError(.notFound, message: "no such subscriber")
        }
        return (subscriber, edition)
    }

    private func index() async throws -> Response {
        let current = Edition(containing: now())
        var editions = Set(try await database.editionsWithDeliveries().compactMap(Edition.init))
        editions.formUnion([current, current.next])
        var counted: [(edition: Edition, counts: [DeliveryState: Int])] = []
        for edition in editions.sorted(by: >) {
            counted.append((edition, try await database.deliveryCounts(edition: edition)))
        }
        let rows = counted.map { edition, counts -> String in
            let cells = DeliveryState.allCases.map { "<td>\(counts[$0] ?? 0)</td>" }.joined()
            return "<tr><td>\(edition)\(edition == current ? " (this week)" : "")</td>\(cells)</tr>"
        }.joined(separator: "\n")
        let headers = DeliveryState.allCases.map { "<th>\($0.rawValue)</th>" }.joined()
        // The chart shows the last twelve editions; the table lists them all.
        let chart = DeliveryChart.svg(Array(counted.prefix(12)))
        return Reply.page("Gazette", """
            <h1>Gazette</h1>
            <p><a href="/subscribers">Subscribers and previews</a> · <a href="/metrics">Metrics</a></p>
            <h2>Editions</h2>
            \(chart)
            <table><tr><th>edition</th>\(headers)</tr>
            \(rows)
            </table>
            """)
    }

    /// Longer searches are refused: SQLite gives up on LIKE patterns of many thousand characters, and no
    /// address or name is this long.
    static let longestQuery = 320

    private func subscribers(query: String) async throws -> Response {
        guard query.count <= Self.longestQuery else {
            return Reply.page("Subscribers", """
                <h1 class="error">Search too long</h1>
                <p>Search with at most \(Self.longestQuery) characters of an address or a name.</p>
                """, status: .badRequest)
        }
        let edition = Edition(containing: now())
        let found = try await database.searchSubscribers(query, limit: 200)
        let rows = found.map { s in
            """
            <tr><td>\(HTML.escape(s.email))</td><td>\(HTML.escape(s.name))</td><td>\(HTML.escape(s.timeZone))</td>\
            <td>\(s.sendDay.abbreviation) \(String(format: "%02d:00", s.sendHour))</td><td>\(s.status.rawValue)</td>\
            <td><a href="/preview/\(edition)/\(s.id!)">preview \(edition)</a></td></tr>
            """
        }.joined(separator: "\n")
        return Reply.page("Subscribers", """
            <p><a href="/">Editions</a></p>
            <h1>Subscribers</h1>
            <form method="get" action="/subscribers"><input type="text" name="q" value="\(HTML.escape(query))" placeholder="address or name">
            <button type="submit">Search</button></form>
            <p>\(found.count) shown\(found.count == 200 ? " (the first 200)" : "").</p>
            <table><tr><th>e-mail</th><th>name</th><th>time zone</th><th>sends</th><th>status</th><th></th></tr>
            \(rows)
            </table>
            """)
    }
}
