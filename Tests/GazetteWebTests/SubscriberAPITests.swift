import Foundation
import GazetteTestSupport
import GazetteCore
import GazetteStore
import GazetteWeb
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// `/api/v1/subscribers` over the router, every exchange then checked against the served OpenAPI document
/// by `Tests/Support/check_openapi.py` (PyYAML and jsonschema: an independent reader of the contract).
struct SubscriberAPITests {
    static let token = "api-token-0123456789abcdefghijklmnop"

    struct Exchange: Encodable {
        var method: String
        var path: String
        var status: Int
        var content_type: String
        var body: String
        var request: String?
    }

    /// Records what the API answered, for the contract check at the end.
    final class Recorder: Sendable {
        private let exchanges = Mutex<[Exchange]>([])
        func add(_ exchange: Exchange) { exchanges.withLock { $0.append(exchange) } }
        var all: [Exchange] { exchanges.withLock { $0 } }
    }

    static func app(_ s: SignupFixture, token: String? = SubscriberAPITests.token) -> some ApplicationProtocol {
        var settings = WebSettings(host: "127.0.0.1", port: 0, operatorToken: nil, signer: s.fixture.signer, listName: "Backend Jobs Weekly",
            pages: s.fixture.pages)
        settings.baseURL = "https://news.example.com"
        settings.confirmationMailer = s.mailer
        settings.apiToken = token
        let clock = s.clock
        return Application(router: WebApp.router(
            database: s.fixture.database, previewer: FixedPreviewer(), settings: settings, now: { clock.now }))
    }

    /// One call; `template` names the documented path.
    @discardableResult
    static func call(
        _ client: some TestClientProtocol, _ recorder: Recorder, _ method: HTTPRequest.Method, _ uri: String, template: String,
        json: String? = nil, auth: String? = "Bearer \(token)"
    ) async throws -> (Int, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let auth { headers[.authorization] = auth }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let body = String(buffer: response.body)
            recorder.add(Exchange(
                method: method.rawValue, path: template, status: Int(response.status.code),
                content_type: response.headers[.contentType] ?? "", body: body, request: json))
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
            return (Int(response.status.code), object)
        }
    }

    static func errorField(_ object: [String: Any]) -> String? {
        (object["error"] as? [String: Any])?["field"] as? String
    }

    @Test(arguments: StoreBackend.allCases)
    func disabledWithoutATokenAnswers404(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        try await Self.app(s, token: nil).test(.router) { client in
            for uri in ["/api/v1/subscribers", "/api/v1/openapi.yaml", "/api/v1/subscribers/alice%40example.com"] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(Self.token)"]) {
                    #expect($0.status == .notFound, "\(uri)")
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func everyResponseMatchesTheOpenAPIDocument(backend: StoreBackend) async throws {
        let s = try await SignupFixture(backend: backend)
        let recorder = Recorder()
        let collection = "/api/v1/subscribers"
        let item = "/api/v1/subscribers/{email}"
        let document = try await Self.app(s).test(.router) { client -> String in
            let document = try await client.execute(uri: "/api/v1/openapi.yaml", method: .get) { String(buffer: $0.body) }
            // Authentication: missing, wrong, other scheme → 401; scheme in any case → accepted.
            for auth in [nil, "Bearer wrong-token-0123456789abcdefghij", "Basic \(Data("x:\(Self.token)".utf8).base64EncodedString())", "Bearer"] {
                let (status, _) = try await Self.call(client, recorder, .get, "/api/v1/subscribers/alice%40example.com", template: item, auth: auth)
                #expect(status == 401, "\(auth ?? "none")")
            }
            #expect(try await Self.call(client, recorder, .get, "/api/v1/subscribers/alice%40example.com", template: item, auth: "bEaReR \(Self.token)").0 == 200)

            // Create: pending + one confirmation e-mail, or active with "confirmed": true.
            let (created, pending) = try await Self.call(client, recorder, .post, collection, template: collection, json: """
                {"email": "Jo@Example.com", "name": "Jo", "languages": ["Go", "Rust"], "levels": "senior;lead", "remote_only": true,
                 "min_salary": 120000, "timezone": "Europe/Berlin", "send_day": "friday", "send_hour": 8}
                """)
            #expect(created == 201 && pending["status"] as? String == "pending" && pending["send_day"] as? String == "fri")
            #expect(s.mailer.all.map(\.email) == ["Jo@Example.com"])
            let (again, _) = try await Self.call(client, recorder, .post, collection, template: collection, json: #"{"email": "jo@example.com"}"#)
            #expect(again == 200 && s.mailer.all.count == 1)
            let (direct, active) = try await Self.call(client, recorder, .post, collection, template: collection,
                json: #"{"email": "kim@example.com", "confirmed": true, "paused_until": "2026-12-24T00:00:00Z"}"#)
            #expect(direct == 201 && active["status"] as? String == "active" && active["paused_until"] as? String == "2026-12-24T00:00:00Z")
            #expect(s.mailer.all.count == 1)

            // Read, change, erase.
            let (read, jo) = try await Self.call(client, recorder, .get, "/api/v1/subscribers/JO%40example.com", template: item)
            #expect(read == 200 && jo["languages"] as? [String] == ["Go", "Rust"] && jo["min_salary"] as? Int == 120_000)
            let (patched, changed) = try await Self.call(client, recorder, .patch, "/api/v1/subscribers/kim%40example.com", template: item,
                json: #"{"name": "Kim K", "send_hour": 6, "status": "unsubscribed", "min_salary": null}"#)
            #expect(patched == 200 && changed["name"] as? String == "Kim K" && changed["status"] as? String == "unsubscribed")
            #expect(changed["send_hour"] as? Int == 6)
            let (back, _) = try await Self.call(client, recorder, .patch, "/api/v1/subscribers/kim%40example.com", template: item,
                json: #"{"status": "active"}"#)
            #expect(back == 422)
            #expect(try await Self.call(client, recorder, .delete, "/api/v1/subscribers/kim%40example.com", template: item).0 == 204)
            #expect(try await Self.call(client, recorder, .get, "/api/v1/subscribers/kim%40example.com", template: item).0 == 404)
            #expect(try await Self.call(client, recorder, .delete, "/api/v1/subscribers/kim%40example.com", template: item).0 == 404)
            #expect(try await Self.call(client, recorder, .patch, "/api/v1/subscribers/nobody%40example.com", template: item, json: "{}").0 == 404)

            // Bad input: the status and the field at fault.
            let cases: [(String, Int, String?)] = [
                ("not json", 400, nil),
                ("[1, 2]", 400, nil),
                (#"{"name": "No address"}"#, 422, "email"),
                (#"{"email": "not-an-address"}"#, 422, "email"),
                (#"{"email": "a@example.com\r\nBcc: many@example.com"}"#, 422, "email"),
                (#"{"email": "a@example.com", "name": "Eve\r\nBcc: many@example.com"}"#, 422, "name"),
                (#"{"email": "a@example.com", "timezone": "Mars/Olympus"}"#, 422, "timezone"),
                (#"{"email": "a@example.com", "send_hour": 7.5}"#, 422, "send_hour"),
                (#"{"email": "a@example.com", "send_hour": "24"}"#, 422, "send_hour"),
                (#"{"email": "a@example.com", "levels": ["wizard"]}"#, 422, "levels"),
                (#"{"email": "a@example.com", "languages": [1, 2]}"#, 422, "languages"),
                (#"{"email": "a@example.com", "confirmed": "yes"}"#, 422, "confirmed"),
                (#"{"email": "a@example.com", "paused_until": "soon"}"#, 422, "paused_until"),
                (#"{"email": "a@example.com", "status": "active"}"#, 422, "status"),
                (#"{"email": "a@example.com", "favourite_colour": "blue"}"#, 422, "favourite_colour"),
                (#"{"email": 42}"#, 422, "email"),
            ]
            for (json, expected, field) in cases {
                let (status, body) = try await Self.call(client, recorder, .post, collection, template: collection, json: json)
                #expect(status == expected, "\(json)")
                #expect(Self.errorField(body) == field, "\(json)")
            }
            let huge = #"{"email": "a@example.com", "name": ""# + String(repeating: "x", count: 70_000) + #""}"#
            #expect(try await Self.call(client, recorder, .post, collection, template: collection, json: huge).0 == 413)
            let (patchEmail, body) = try await Self.call(client, recorder, .patch, "/api/v1/subscribers/jo%40example.com", template: item,
                json: #"{"email": "other@example.com"}"#)
            #expect(patchEmail == 422 && Self.errorField(body) == "email")
            return document
        }
        #expect(try await s.database.subscriber(email: "a@example.com") == nil)

        // The contract: every exchange above against the served document.
        let directory = NSTemporaryDirectory() + "gazette-openapi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try document.write(toFile: "\(directory)/openapi.yaml", atomically: true, encoding: .utf8)
        var exchanges = recorder.all
        // The huge request is not worth re-validating; its response is.
        for index in exchanges.indices where (exchanges[index].request?.count ?? 0) > 10_000 { exchanges[index].request = nil }
        try JSONEncoder().encode(exchanges.map(Self.forChecker)).write(to: URL(fileURLWithPath: "\(directory)/exchanges.json"))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/check_openapi.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, "\(directory)/openapi.yaml", "\(directory)/exchanges.json"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\(exchanges.count) exchanges checked, 0 problems"), "\(text)")
    }

    /// The checker wants the request as a JSON value, not text (null when it was not JSON).
    struct CheckerExchange: Encodable {
        var method: String
        var path: String
        var status: Int
        var content_type: String
        var body: String
        var request: RawJSON?
    }

    struct RawJSON: Encodable {
        let value: JSONFragment
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    static func forChecker(_ e: Exchange) -> CheckerExchange {
        let parsed = e.request.flatMap { try? JSONDecoder().decode(JSONFragment.self, from: Data($0.utf8)) }
        return CheckerExchange(
            method: e.method, path: e.path, status: e.status, content_type: e.content_type, body: e.body,
            request: parsed.map(RawJSON.init))
    }
}

/// Any JSON value, decoded and encoded again as it was.
indirect enum JSONFragment: Codable {
    case null, bool(Bool), integer(Int), number(Double), string(String), list([JSONFragment]), object([String: JSONFragment])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .integer(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONFragment].self) { self = .list(v) }
        else { self = .object(try c.decode([String: JSONFragment].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .integer(let v): try c.encode(v)
        case .number(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }
}
