import Foundation
import Hummingbird

/// The cafeteria platform's API under `/api/v1`, in the style of a FastAPI backend: JSON in and
/// out, errors as `{"detail": …}`, a bearer JWT from `POST /auth/login`. Roles: `customer`
/// (orders and pays), `owner` (manages their own businesses), `admin` (manages any).
///
/// | area | routes (all under `/api/v1`; a trailing slash is optional) |
/// |---|---|
/// | auth | `POST /auth/register`, `POST /auth/login`, `GET /auth/me`, `DELETE /auth/me` |
/// | businesses | `GET/POST /businesses`, `GET/PUT/PATCH/DELETE /businesses/{id}`, `GET/POST /businesses/{id}/products`, `GET /businesses/{id}/orders` |
/// | products | `GET /products`, `GET/PUT/PATCH/DELETE /products/{id}` |
/// | orders | `POST/GET /orders`, `GET/DELETE /orders/{id}`, `PATCH /orders/{id}/status`, `POST /orders/{id}/cancel` |
/// | payments | `POST /payments/create-preference`, `POST /payments/webhook`, `GET /payments/{id}`, `POST /payments/{id}/refund` |
/// | service | `GET /api/v1/health`; `GET /openapi.json` and `GET /docs` describe every operation |
///
/// The full contract is `CafeteriaOpenAPI.paths`. Faults (`CafeteriaFaults`) are consulted on
/// every request, so switching one changes the next answer.
struct CafeteriaRoutes: Sendable {
    let store: CafeteriaStore
    let tokens: AccessTokens
    /// The faults switched on (see `CafeteriaFaults`).
    let faults: FaultSwitchboard
    /// The Mercado Pago webhook secret (`DemoUsers.mercadoPagoWebhookSecret`).
    var webhookSecret: String = DemoUsers.fromEnvironment().mercadoPagoWebhookSecret

    typealias Claims = AccessTokens.Claims
    typealias Handler = @Sendable (Request, BasicRequestContext, Claims) async throws -> Response

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("/api/v1")
        api.post("/auth/register") { request, _ in try await registerAccount(request) }
        api.post("/auth/login") { request, _ in try await login(request) }
        api.get(
            "/auth/me",
            use: authorized { _, _, claims in
                let identity = store.identity(email: claims.sub)
                return HTTPReply.json(
                    .ok,
                    ["email": claims.sub, "role": claims.role, "full_name": identity?.fullName ?? ""]
                )
            }
        )
        api.delete(
            "/auth/me",
            use: authorized { _, _, claims in
                guard let identity = store.identity(email: claims.sub) else {
                    return HTTPReply.detail(.notFound, "account not found")
                }
                guard !identity.seeded else { return HTTPReply.detail(.forbidden, "demo accounts cannot be deleted") }
                _ = store.deleteAccount(email: claims.sub)
                return Response(status: .noContent)
            }
        )
        api.get("/health") { _, _ in health() }
        registerBusinesses(on: api)
        registerOrders(on: api)
        registerPayments(on: api)
        OpenAPIDocument.register(on: router)
    }

    // MARK: Shared helpers

    /// Runs `handler` for a request with a valid bearer token; 401 otherwise.
    func authorized(_ handler: @escaping Handler) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { [tokens, faults] request, context in
            let header = request.headers[.authorization] ?? ""
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            guard header.lowercased().hasPrefix("bearer "),
                let claims = tokens.verify(token, checkSignature: !faults.isOn(CafeteriaFaults.jwtSignatureUnchecked))
            else {
                var response = HTTPReply.detail(
                    .unauthorized,
                    "not authenticated: send 'Authorization: Bearer <access_token>'"
                )
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
            return try await handler(request, context, claims)
        }
    }

    /// The storage check: 200 `{"status": "ok", …}` when the store answers and holds together,
    /// 503 `{"status": "degraded", "problems": […]}` otherwise. `/health` may serve it too.
    func health() -> Response {
        let problems = store.healthProblems()
        struct Body: Encodable {
            var status: String
            var storage: String
            var counts: [String: Int]
            var problems: [String]
        }
        let body = Body(
            status: problems.isEmpty ? "ok" : "degraded",
            storage: problems.isEmpty ? "ok" : "inconsistent",
            counts: store.counts(),
            problems: problems
        )
        return HTTPReply.json(problems.isEmpty ? .ok : .serviceUnavailable, body)
    }

    /// May `claims` manage `business` (edit it, its products, its orders)? Its owner, and admins.
    func canManage(_ business: Business, _ claims: Claims) -> Bool {
        claims.role == "admin" || business.owner == claims.sub
    }

    /// A path parameter as an integer.
    func id(_ context: BasicRequestContext, _ name: String = "id") -> Int? {
        context.parameters.get(name, as: Int.self)
    }

    /// An answer about orders: JSON, or text/plain under `orders-wrong-content-type`.
    func orderReply(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        var response = HTTPReply.json(status, value)
        if faults.isOn(CafeteriaFaults.ordersWrongContentType) {
            response.headers[.contentType] = "text/plain; charset=utf-8"
        }
        return response
    }

    /// An error about orders: `{"detail": …}`, or a proxy's HTML error page under `html-error-page`.
    func orderError(_ status: HTTPResponse.Status, _ message: String) -> Response {
        guard faults.isOn(CafeteriaFaults.htmlErrorPage) else { return HTTPReply.detail(status, message) }
        let title = "\(status.code) \(status.reasonPhrase)"
        return HTTPReply.html(
            status,
            """
            <!DOCTYPE html>
            <html><head><title>\(title)</title></head>
            <body><center><h1>\(title)</h1></center><hr><center>nginx</center></body></html>
            """
        )
    }

    /// Decodes a JSON body as `T`; `nil` when it is not valid JSON of that shape.
    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T? {
        try await HTTPReply.decode(type, from: request)
    }

    // MARK: Auth

    struct Registration: Decodable {
        var email: String
        var password: String
        var fullName: String?
        var role: String?
        enum CodingKeys: String, CodingKey {
            case email, password
            case fullName = "full_name"
            case role
        }
    }

    struct AccountBody: Encodable {
        var id: Int
        var email: String
        var fullName: String
        var role: String
        enum CodingKeys: String, CodingKey {
            case id, email
            case fullName = "full_name"
            case role
        }
    }

    func registerAccount(_ request: Request) async throws -> Response {
        guard let body = try await decode(Registration.self, request) else {
            return HTTPReply.detail(
                .unprocessableContent,
                "send JSON with email, password, full_name and optionally role (customer or owner)"
            )
        }
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        let fullName = (body.fullName ?? "").trimmingCharacters(in: .whitespaces)
        let role = body.role ?? "customer"
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.count <= 254 else {
            return HTTPReply.detail(.unprocessableContent, "email must be a valid e-mail address")
        }
        guard (8...128).contains(body.password.count) else {
            return HTTPReply.detail(.unprocessableContent, "password must be 8 to 128 characters")
        }
        guard (1...100).contains(fullName.count) else {
            return HTTPReply.detail(.unprocessableContent, "full_name must be 1 to 100 characters")
        }
        guard CafeteriaStore.registrableRoles.contains(role) else {
            return HTTPReply.detail(.unprocessableContent, "role must be customer or owner")
        }
        switch store.register(email: email, password: body.password, fullName: fullName, role: role) {
        case .registered(let account):
            return HTTPReply.json(
                .created,
                AccountBody(id: account.id, email: account.email, fullName: account.fullName, role: account.role)
            )
        case .taken: return HTTPReply.detail(.badRequest, "email already registered")
        case .full: return HTTPReply.detail(.serviceUnavailable, "registrations are closed: the platform is full")
        }
    }

    struct Credentials: Decodable {
        var email: String?
        var username: String?
        var password: String
    }

    struct TokenBody: Encodable {
        var accessToken: String
        var tokenType = "bearer"
        var expiresIn = AccessTokens.lifetime
        var role: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case role
        }
    }

    /// JSON `{email, password}`, or a form `username=…&password=…` (OAuth2's password flow; the
    /// body is read as JSON first, whatever its `Content-Type` says).
    func login(_ request: Request) async throws -> Response {
        let data = try await HTTPReply.body(request)
        let credentials: Credentials?
        if let json = try? JSONDecoder().decode(Credentials.self, from: data) {
            credentials = json
        } else {
            let form = HTTPReply.decodeForm(String(decoding: data, as: UTF8.self))
            credentials = form["password"].map {
                Credentials(email: nil, username: form["username"] ?? form["email"], password: $0)
            }
        }
        guard let credentials, let login = credentials.email ?? credentials.username else {
            return HTTPReply.detail(
                .unprocessableContent,
                "send JSON with email and password, or a form with username and password"
            )
        }
        guard let identity = store.authenticate(email: login, password: credentials.password) else {
            return HTTPReply.detail(.unauthorized, "incorrect email or password")
        }
        return HTTPReply.json(
            .ok,
            TokenBody(accessToken: tokens.issue(email: identity.email, role: identity.role), role: identity.role)
        )
    }
}
