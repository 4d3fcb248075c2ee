public import Foundation
public import GazetteCore
public import GazetteStore
public import GazetteTemplates
public import Hummingbird
public import Logging
import NIOCore

/// What `gazette serve` needs besides the database.
public struct WebSettings: Sendable {
    public var host: String
    public var port: Int
    /// Required for the operator pages unless bound to loopback.
    public var operatorToken: String?
    public var signer: LinkSigner
    public var listName: String
    /// The subscriber pages (`TEMPLATES/pages/`), loaded and checked before the server starts.
    public var pages: PageTemplates
    /// Slow or idle clients are cut off (see `SlowClientGuard`): the request head within this time of the
    /// connection or the previous response, the body within `bodyTimeout` of the head.
    public var headTimeout: Duration = .seconds(10)
    public var bodyTimeout: Duration = .seconds(30)
    /// The public base URL (`GAZETTE_BASE_URL`): confirmation links point here, and form posts must come from it.
    public var baseURL = "http://127.0.0.1:8080"
    /// Sends double opt-in e-mails; without one, signups are recorded but no confirmation leaves (logged).
    public var confirmationMailer: (any ConfirmationMailer)?
    /// Enables `/api/v1` with this Bearer token (`GAZETTE_API_TOKEN`); without it `/api` answers 404.
    public var apiToken: String?

    public init(host: String, port: Int, operatorToken: String?, signer: LinkSigner, listName: String, pages: PageTemplates) {
        self.host = host
        self.port = port
        self.operatorToken = operatorToken
        self.signer = signer
        self.listName = listName
        self.pages = pages
    }

    var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }
}

/// The Hummingbird application of `gazette serve`: operator previews, subscriber pages, health and metrics.
public enum WebApp {
    public static func router(
        database: any Store, previewer: any DigestPreviewer, settings: WebSettings, now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        // HEAD answers as GET would, without the body (RFC 9110 9.3.2): monitors and link checkers use it.
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.addMiddleware { SecurityHeadersMiddleware() }
        let pages = PageRenderer(templates: settings.pages, listName: settings.listName)
        let subscriberPages = SubscriberPages(
            database: database, signer: settings.signer, pages: pages, baseURL: settings.baseURL, now: now)
        subscriberPages.register(on: router)
        let signup = SignupPages(
            database: database, signer: settings.signer, pages: pages, baseURL: settings.baseURL,
            mailer: settings.confirmationMailer, now: now)
        signup.register(on: router)
        if let token = settings.apiToken {
            // The description is public (it holds no data); every other call needs the token.
            router.get("/api/v1/openapi.yaml") { _, _ in
                Reply.text(OpenAPIDocument.yaml, contentType: "application/yaml; charset=utf-8")
            }
            let api = router.group("/api/v1").add(middleware: APITokenMiddleware(token: token))
            SubscriberAPI(database: database, signer: settings.signer, signup: signup, now: now).register(on: api)
        }
        ViewInBrowser(database: database, previewer: previewer, signer: settings.signer, pages: pages, now: now).register(on: router)
        HealthRoutes(database: database, metrics: MetricsExporter(database: database)).register(on: router)
        let operatorGroup = router.group()
        if let token = settings.operatorToken {
            operatorGroup.add(middleware: OperatorAuthMiddleware(token: token))
        }
        OperatorPages(database: database, previewer: previewer, now: now).register(on: operatorGroup)
        return router
    }

    /// The application, bound as configured.
    /// - Throws: `WebError.operatorTokenRequired` when bound beyond loopback without a token.
    public static func application(
        database: any Store, previewer: any DigestPreviewer, settings: WebSettings, logger: Logger
    ) throws -> some ApplicationProtocol {
        if !settings.isLoopback && settings.operatorToken == nil {
            throw WebError.operatorTokenRequired(host: settings.host)
        }
        let head = TimeAmount.nanoseconds(Int64(settings.headTimeout.components.seconds) * 1_000_000_000
            + settings.headTimeout.components.attoseconds / 1_000_000_000)
        let body = TimeAmount.nanoseconds(Int64(settings.bodyTimeout.components.seconds) * 1_000_000_000
            + settings.bodyTimeout.components.attoseconds / 1_000_000_000)
        return Application(
            router: router(database: database, previewer: previewer, settings: settings),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [SlowClientGuard(headTimeout: head, bodyTimeout: body)],
                // A backstop for a connection that neither reads nor writes anything at all.
                idleTimeout: .seconds(120))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "gazette"),
            logger: logger)
    }
}

/// Responses the pages share.
enum Reply {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ body: String, contentType: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// An operator page (`OperatorPages`); subscriber pages come from templates (`PageRenderer`).
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        html(HTML.page(title: title, body: body), status: status)
    }
}

/// Pages may not be framed by other sites, and nothing sniffs content types.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-src 'self'; form-action 'self'; frame-ancestors 'self'"
        }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Operator pages beyond loopback: HTTP Basic (any user name, the token as password) or a Bearer token.
struct OperatorAuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], Self.presented(header).map({ constantTimeEquals($0, token) }) == true else {
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"gazette operator\", charset=\"UTF-8\""],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "operator token required\n")))
        }
        return try await next(request, context)
    }

    /// The token in an `Authorization` header; the scheme name is case-insensitive (RFC 9110 11.1).
    static func presented(_ header: String) -> String? {
        let scheme = header.prefix { $0 != " " }.lowercased()
        let credentials = header.drop { $0 != " " }.drop { $0 == " " }
        if scheme == "bearer" { return String(credentials) }
        if scheme == "basic", let data = Data(base64Encoded: String(credentials)),
           let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            return String(pair[pair.index(after: colon)...])
        }
        return nil
    }
}

/// Compares secrets without an early exit, so timing does not reveal how much matched.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<max(x.count, y.count) {
        difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
    }
    return difference == 0
}
