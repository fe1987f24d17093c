import Foundation
import Hummingbird
import RondaStore

/// Headers on every response: a Content-Security-Policy that allows no script at all (inline or
/// not), styles and images from this server only, forms posting only here, no framing; and no
/// MIME sniffing, no referrer outside the site, no caching of pages that hold results.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = DashboardContext

    static let policy =
        "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    func handle(
        _ request: Request,
        context: DashboardContext,
        next: (Request, DashboardContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Reply.json(error.status, ["error": error.body ?? error.status.reasonPhrase])
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// The login wall: every route but `/health`, `/login`, the stylesheet and `/metrics` (which has
/// its own optional bearer token) needs a live session cookie. Without one, pages redirect to `/login` and `/api/…`
/// answers 401. Every POST must carry the session's CSRF token (`csrf_token` form field), or 403.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = DashboardContext
    static let cookie = "ronda_session"
    let dashboard: Dashboard

    static func isPublic(_ path: String) -> Bool {
        path == "/health" || path == "/login" || path == "/static/ronda.css" || path == "/metrics"
            || path == "/favicon.ico"
    }

    func handle(
        _ request: Request,
        context: DashboardContext,
        next: (Request, DashboardContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if Self.isPublic(path) || (dashboard.options.statusPage != nil && StatusPage.isStatusPath(path)) {
            return try await next(request, context)
        }
        var context = context
        if let token = request.cookies[Self.cookie]?.value, !token.isEmpty {
            context.session = try await dashboard.store.dashboard(
                .session(tokenHash: Credentials.tokenHash(token), now: dashboard.now())
            )
        }
        guard let session = context.session else {
            if path.hasPrefix("/api/") { return Reply.json(.unauthorized, ["error": "sign in first (POST /login)"]) }
            return Reply.redirect("/login")
        }
        guard request.method == .post else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let field = Reply.decodeForm(String(buffer: body))["csrf_token"] ?? ""
        guard Credentials.constantTimeEqual(field, session.csrfToken) else {
            return Reply.html(
                .forbidden,
                Layout.page(
                    title: "Form expired",
                    current: nil,
                    signedIn: session.operatorName,
                    csrf: session.csrfToken,
                    [
                        .element(
                            "p",
                            [:],
                            .text(
                                "This form was not sent by this session (missing or wrong CSRF token). Go back, reload the page and try again."
                            )
                        )
                    ]
                )
            )
        }
        return try await next(request, context)
    }
}
