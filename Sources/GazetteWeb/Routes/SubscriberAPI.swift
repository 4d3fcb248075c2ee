import Foundation
import GazetteCore
import GazetteStore
import Hummingbird
import NIOCore

/// `/api/v1/subscribers`: the job board's own signup flow adds and updates people (DESIGN "Subscriber
/// lifecycle"). Enabled only with `GAZETTE_API_TOKEN`; JSON in and out; fields named as the CSV columns.
///
/// Validation is the signup form's (`SignupForm`), fed the JSON fields as form fields, so the page, the
/// API and the import accept the same values.
struct SubscriberAPI: Sendable {
    static let maximumBody = 64 * 1024
    /// The fields a request may carry. Anything else is a mistake the caller should hear about.
    static let fields: Set<String> = [
        "email", "name", "timezone", "send_day", "send_hour", "languages", "levels", "remote_only", "locations",
        "min_salary", "skip_empty", "status", "paused_until", "confirmed",
    ]

    let database: any Store
    let signer: LinkSigner
    let signup: SignupPages
    let now: @Sendable () -> Date

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.post("/subscribers") { request, context in
            try await handle { try await create(request, context: context) }
        }
        group.get("/subscribers/:email") { _, context in
            try await handle {
                let subscriber = try await existing(context)
                return APIReply.json(SubscriberJSON(subscriber))
            }
        }
        group.patch("/subscribers/:email") { request, context in
            try await handle { try await update(request, context: context) }
        }
        group.delete("/subscribers/:email") { _, context in
            try await handle {
                let subscriber = try await existing(context)
                try await database.erase(email: subscriber.email, now: now(), signer: signer)
                return Response(status: .noContent)
            }
        }
    }

    /// Turns `APIError`s into their JSON answer; anything else is a 500 logged by Hummingbird.
    private func handle(_ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch let error as APIError { return APIReply.error(error) }
    }

    private func create(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let object = try await Self.object(request)
        let confirmed = try Self.bool(object["confirmed"], field: "confirmed") ?? false
        guard object["email"] != nil else { throw APIError(.unprocessableContent, "email is required", field: "email") }
        if object["status"] != nil {
            throw APIError(.unprocessableContent, "status is set by the signup (use \"confirmed\"), not given", field: "status")
        }
        let email = try Self.string(object["email"], field: "email")
        let before = try await database.subscriber(email: email)
        var form = SignupForm()
        if let before { form.preferences = PreferencesForm(subscriber: before) }
        try Self.apply(object, to: &form, keeping: before)
        var subscriber = form.subscriber
        if let pausedUntil = try Self.date(object["paused_until"], field: "paused_until") { subscriber.pausedUntil = pausedUntil }
        if confirmed || before?.status == .active {
            // The operator holds consent, or the person already confirmed: an upsert, like an import line.
            subscriber.status = .active
            _ = try await database.importSubscribers(
                [ImportedSubscriber(subscriber, setsSkipEmpty: object["skip_empty"] != nil, setsPausedUntil: object["paused_until"] != nil)],
                now: now(), signer: signer)
        } else {
            try await signup.signUp(subscriber, context: context)
        }
        guard let stored = try await database.subscriber(email: email) else {
            // A signup never stores an address suppressed after bounces or complaints. The caller is the operator's
            // own system, not the public: it may learn why.
            throw APIError(.unprocessableContent, "this address is on the suppression list (bounces or complaints)", field: "email")
        }
        return APIReply.json(SubscriberJSON(stored), status: before == nil ? .created : .ok)
    }

    private func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let current = try await existing(context)
        let object = try await Self.object(request)
        if object["email"] != nil { throw APIError(.unprocessableContent, "the address cannot be changed; create a new subscriber", field: "email") }
        if object["confirmed"] != nil { throw APIError(.unprocessableContent, "use \"status\" to change a subscriber's state", field: "confirmed") }
        var form = SignupForm()
        form.preferences = PreferencesForm(subscriber: current)
        try Self.apply(object.merging(["email": .string(current.email)]) { new, _ in new }, to: &form, keeping: current)
        var subscriber = form.subscriber
        subscriber.status = current.status
        subscriber.pausedUntil = current.pausedUntil
        if let status = object["status"] {
            let text = try Self.string(status, field: "status")
            guard let parsed = SubscriberStatus(rawValue: text) else {
                throw APIError(.unprocessableContent, "status must be active, pending or unsubscribed", field: "status")
            }
            if current.status == .unsubscribed && parsed != .unsubscribed {
                throw APIError(.unprocessableContent, "an unsubscribed person comes back only through a new signup (POST with \"confirmed\")", field: "status")
            }
            subscriber.status = parsed
        }
        if object["paused_until"] != nil { subscriber.pausedUntil = try Self.date(object["paused_until"], field: "paused_until") }
        _ = try await database.importSubscribers(
            [ImportedSubscriber(subscriber, setsSkipEmpty: true, setsPausedUntil: true)], now: now(), signer: signer)
        return APIReply.json(SubscriberJSON(try await database.subscriber(email: current.email) ?? subscriber))
    }

    private func existing(_ context: BasicRequestContext) async throws -> Subscriber {
        let email = try context.parameters.require("email").removingPercentEncoding ?? ""
        guard let subscriber = try await database.subscriber(email: email) else {
            throw APIError(.notFound, "no subscriber with this address", field: nil)
        }
        return subscriber
    }

    // MARK: Reading the JSON

    private static func object(_ request: Request) async throws -> [String: JSONValue] {
        guard let body = try? await request.body.collect(upTo: maximumBody) else {
            throw APIError(.contentTooLarge, "the body is larger than \(maximumBody) bytes", field: nil)
        }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(String(buffer: body).utf8)) else {
            throw APIError(.badRequest, "the body is not a JSON object", field: nil)
        }
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw APIError(.unprocessableContent, "unknown field", field: unknown)
        }
        return object
    }

    /// Feeds the JSON values to the signup form as form fields; lists may be arrays or `;`-separated strings.
    private static func apply(_ object: [String: JSONValue], to form: inout SignupForm, keeping current: Subscriber?) throws {
        var pairs: [(name: String, value: String)] = []
        for (name, value) in object where name != "confirmed" && name != "status" && name != "paused_until" {
            switch value {
            case .string(let text): pairs.append((name, text))
            case .integer(let number): pairs.append((name, String(number)))
            case .number(let number): pairs.append((name, String(number)))
            case .bool(let flag): pairs.append((name, flag ? "true" : "false"))
            case .null: pairs.append((name, ""))
            case .list(let items):
                let texts = items.compactMap { item -> String? in if case .string(let text) = item { text } else { nil } }
                guard texts.count == items.count else { throw APIError(.unprocessableContent, "must be a list of strings", field: name) }
                pairs.append((name, texts.joined(separator: ";")))
            case .object: throw APIError(.unprocessableContent, "unexpected object", field: name)
            }
        }
        // Fields left out keep the subscriber's current values (or the CSV defaults for someone new).
        let p = form.preferences
        let kept: [(String, String)] = [
            ("name", current?.name ?? ""), ("timezone", p.timeZone), ("send_day", p.sendDay.abbreviation),
            ("send_hour", String(p.sendHour)), ("languages", p.preferences.languages.joined(separator: ";")),
            ("levels", p.preferences.levels.map(\.rawValue).joined(separator: ";")),
            ("remote_only", p.preferences.remoteOnly ? "true" : "false"),
            ("locations", p.preferences.locations.joined(separator: ";")),
            ("min_salary", p.preferences.minSalary.map(String.init) ?? ""),
            ("skip_empty", p.preferences.skipEmpty ? "true" : "false"),
        ]
        for (name, value) in kept where object[name] == nil { pairs.append((name, value)) }
        let errors = form.apply(pairs)
        if let field = errors.keys.sorted().first {
            throw APIError(.unprocessableContent, errors[field]!, field: field)
        }
    }

    private static func string(_ value: JSONValue?, field: String) throws -> String {
        guard case .string(let text)? = value else { throw APIError(.unprocessableContent, "must be a string", field: field) }
        return text
    }

    private static func bool(_ value: JSONValue?, field: String) throws -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw APIError(.unprocessableContent, "must be true or false", field: field)
        }
    }

    private static func date(_ value: JSONValue?, field: String) throws -> Date? {
        if value == nil || value == .null { return nil }
        guard case .string(let text)? = value, let date = Timestamp.parse(text) else {
            throw APIError(.unprocessableContent, "must be an ISO 8601 timestamp such as 2026-12-24T00:00:00Z, or null", field: field)
        }
        return date
    }
}

/// Any JSON value, decoded strictly: `true` is a boolean, `1` an integer, `"1"` a string.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case list([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Int.self) { self = .integer(number) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([JSONValue].self) { self = .list(items) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}

/// A refusal with the status and the JSON body `{"error": {"message": …, "field": …}}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var field: String?

    init(_ status: HTTPResponse.Status, _ message: String, field: String?) {
        self.status = status
        self.message = message
        self.field = field
    }
}

/// A subscriber as the API shows it: the CSV columns.
struct SubscriberJSON: Encodable {
    var email: String
    var name: String
    var timezone: String
    var send_day: String
    var send_hour: Int
    var languages: [String]
    var levels: [String]
    var remote_only: Bool
    var locations: [String]
    var min_salary: Int?
    var skip_empty: Bool
    var status: String
    var paused_until: String?

    init(_ s: Subscriber) {
        email = s.email
        name = s.name
        timezone = s.timeZone
        send_day = s.sendDay.abbreviation
        send_hour = s.sendHour
        languages = s.preferences.languages
        levels = s.preferences.levels.map(\.rawValue)
        remote_only = s.preferences.remoteOnly
        locations = s.preferences.locations
        min_salary = s.preferences.minSalary
        skip_empty = s.preferences.skipEmpty
        status = s.status.rawValue
        paused_until = s.pausedUntil.map(Timestamp.format)
    }

    func encode(to encoder: any Encoder) throws {
        // Explicit so that `min_salary` and `paused_until` appear as null rather than disappear.
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(email, forKey: .email)
        try c.encode(name, forKey: .name)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(send_day, forKey: .send_day)
        try c.encode(send_hour, forKey: .send_hour)
        try c.encode(languages, forKey: .languages)
        try c.encode(levels, forKey: .levels)
        try c.encode(remote_only, forKey: .remote_only)
        try c.encode(locations, forKey: .locations)
        try c.encode(min_salary, forKey: .min_salary)
        try c.encode(skip_empty, forKey: .skip_empty)
        try c.encode(status, forKey: .status)
        try c.encode(paused_until, forKey: .paused_until)
    }

    enum Keys: String, CodingKey {
        case email, name, timezone, send_day, send_hour, languages, levels, remote_only, locations, min_salary, skip_empty,
            status, paused_until
    }
}

enum APIReply {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                var message: String
                var field: String?
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: Keys.self)
                    try c.encode(message, forKey: .message)
                    try c.encode(field, forKey: .field)
                }
                enum Keys: String, CodingKey { case message, field }
            }
            var error: Detail
        }
        return json(Body(error: .init(message: error.message, field: error.field)), status: error.status)
    }
}

/// Only `Authorization: Bearer <GAZETTE_API_TOKEN>` (the scheme in any case) reaches the API.
struct APITokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let header = request.headers[.authorization] {
            let scheme = header.prefix { $0 != " " }.lowercased()
            let credentials = String(header.drop { $0 != " " }.drop { $0 == " " })
            if scheme == "bearer", constantTimeEquals(credentials, token) { return try await next(request, context) }
        }
        var response = APIReply.error(APIError(.unauthorized, "an API token is required: Authorization: Bearer TOKEN", field: nil))
        response.headers[.wwwAuthenticate] = "Bearer realm=\"gazette api\""
        return response
    }
}
