import Foundation
import Hummingbird

/// The cafeteria API under `/api/v1`, in the style of a FastAPI backend: JSON in and out,
/// errors as `{"detail": …}`, a bearer token from `POST /auth/login`.
///
/// | route | auth |
/// |---|---|
/// | `POST /api/v1/auth/login` `{email, password}` → `{access_token, token_type}` | — |
/// | `GET /api/v1/auth/me` → `{email, role}` | bearer |
/// | `GET /api/v1/products/` → `[{id, name, price, stock}]` | — |
/// | `POST /api/v1/orders/` `{items: [{product_id, quantity}]}` → 201 `{id, status, total, items}` | bearer |
/// | `GET /api/v1/orders/{id}/` | bearer |
/// | `POST /api/v1/orders/{id}/cancel/` | bearer |
struct CafeteriaRoutes: Sendable {
    let store: CafeteriaStore
    let tokens: AccessTokens
    /// The faults switched on (see `CafeteriaFaults`).
    let faults: FaultSwitchboard

    typealias Handler = @Sendable (Request, BasicRequestContext, AccessTokens.Claims) async throws -> Response

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("/api/v1")
        api.post("/auth/login") { request, _ in try await login(request) }
        api.get("/auth/me", use: authorized { _, _, claims in
            HTTPReply.json(.ok, ["email": claims.sub, "role": claims.role])
        })
        api.get("/products/") { _, _ in HTTPReply.json(.ok, store.products()) }
        api.get("/products/:id/") { _, context in
            guard let id = context.parameters.get("id", as: Int.self), let product = store.product(id: id) else {
                return HTTPReply.detail(.notFound, "product not found")
            }
            return HTTPReply.json(.ok, product)
        }
        api.post("/orders/", use: authorized { request, _, claims in try await place(request, customer: claims.sub) })
        api.get("/orders/:id/", use: authorized { _, context, claims in
            guard let id = context.parameters.get("id", as: Int.self), let order = store.order(id: id, customer: claims.sub) else {
                return HTTPReply.detail(.notFound, "order not found")
            }
            return HTTPReply.json(.ok, OrderBody(order))
        })
        api.post("/orders/:id/cancel/", use: authorized { _, context, claims in
            guard let id = context.parameters.get("id", as: Int.self) else { return HTTPReply.detail(.notFound, "order not found") }
            switch store.cancel(id: id, customer: claims.sub) {
            case .cancelled(let order): return HTTPReply.json(.ok, OrderBody(order))
            case .notFound: return HTTPReply.detail(.notFound, "order not found")
            case .notCancellable(let status): return HTTPReply.detail(.badRequest, "cannot cancel an order that is \(status.rawValue)")
            }
        })
    }

    /// Runs `handler` for a request with a valid bearer token; 401 otherwise.
    func authorized(_ handler: @escaping Handler) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { [tokens] request, context in
            let header = request.headers[.authorization] ?? ""
            guard header.lowercased().hasPrefix("bearer "), let claims = tokens.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else {
                var response = HTTPReply.detail(.unauthorized, "not authenticated: send 'Authorization: Bearer <access_token>'")
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            }
            return try await handler(request, context, claims)
        }
    }

    struct Credentials: Decodable {
        var email: String
        var password: String
    }

    struct TokenBody: Encodable {
        var accessToken: String
        var tokenType = "bearer"
        var expiresIn = AccessTokens.lifetime
        enum CodingKeys: String, CodingKey { case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in" }
    }

    func login(_ request: Request) async throws -> Response {
        guard let credentials = try await HTTPReply.decode(Credentials.self, from: request) else {
            return HTTPReply.detail(.unprocessableContent, "send JSON with email and password")
        }
        let email = credentials.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard let account = store.customers.first(where: { $0.login == email }), constantTimeEquals(account.password, credentials.password) else {
            return HTTPReply.detail(.unauthorized, "incorrect email or password")
        }
        return HTTPReply.json(.ok, TokenBody(accessToken: tokens.issue(email: account.login, role: account.role)))
    }

    struct OrderRequest: Decodable {
        struct Item: Decodable {
            var productID: LenientInt
            var quantity: LenientInt
            enum CodingKeys: String, CodingKey { case productID = "product_id", quantity }
        }
        var items: [Item]
    }

    func place(_ request: Request, customer: String) async throws -> Response {
        guard let body = try await HTTPReply.decode(OrderRequest.self, from: request) else {
            return HTTPReply.detail(.unprocessableContent, "send JSON like {\"items\": [{\"product_id\": 1, \"quantity\": 2}]}")
        }
        switch store.place(customer: customer, items: body.items.map { ($0.productID.value, $0.quantity.value) }) {
        case .placed(let order): return HTTPReply.json(.created, OrderBody(order))
        case .invalid(let message): return HTTPReply.detail(.unprocessableContent, message)
        case .unknownProduct(let id): return HTTPReply.detail(.notFound, "product \(id) not found")
        case .outOfStock(let product, let requested):
            return HTTPReply.detail(.badRequest, "insufficient stock for \(product.name): \(product.stock) left, \(requested) requested")
        }
    }

    /// An order as the API shows it.
    struct OrderBody: Encodable {
        var id: Int
        var status: String
        var total: Cents
        var items: [Order.Line]
        var createdAt: String

        init(_ order: Order, now: Date = Date()) {
            id = order.id
            status = order.status(at: now).rawValue
            total = order.total
            items = order.lines
            createdAt = ISO8601DateFormatter().string(from: order.created)
        }

        enum CodingKeys: String, CodingKey { case id, status, total, items, createdAt = "created_at" }
    }
}
