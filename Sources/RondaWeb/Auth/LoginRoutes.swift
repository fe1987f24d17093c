import Foundation
import Hummingbird
import RondaStore
import Synchronization

extension Dashboard {
    /// The login form's own CSRF cookie (double submit: the form carries the same value).
    static let loginCookie = "ronda_login"

    func addLoginRoutes(_ router: Router<DashboardContext>) {
        router.get("/login") { request, _ in
            self.loginPage(status: .ok, message: nil, token: request.cookies[Self.loginCookie]?.value)
        }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, _ in
            if let token = request.cookies[SessionMiddleware.cookie]?.value {
                try await self.store.dashboard(.deleteSession(tokenHash: Credentials.tokenHash(token)))
            }
            var response = Reply.redirect("/login")
            response.setCookie(self.cookie(SessionMiddleware.cookie, "", maxAge: 0))
            return response
        }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: name,
            value: value,
            maxAge: maxAge,
            path: "/",
            secure: options.secureCookies,
            httpOnly: true,
            sameSite: .lax
        )
    }

    /// The sign-in form. It keeps the browser's form token when it has a well-formed one, so that
    /// another tab or a stray request to /login does not expire a form already shown.
    func loginPage(status: HTTPResponse.Status, message: String?, token existing: String? = nil) -> Response {
        let token = existing.flatMap(Credentials.isWellFormedToken) ?? Credentials.token()
        let form = HTML.element(
            "form",
            ["method": "post", "action": "/login", "class": "login"],
            Layout.csrfField(token),
            message.map { HTML.element("p", ["class": "error", "role": "alert"], .text($0)) } ?? .empty,
            .element("label", ["for": "username"], .text("User")),
            .element(
                "input",
                ["type": "text", "id": "username", "name": "username", "autocomplete": "username", "required": ""]
            ),
            .element("label", ["for": "password"], .text("Password")),
            .element(
                "input",
                [
                    "type": "password", "id": "password", "name": "password", "autocomplete": "current-password",
                    "required": "",
                ]
            ),
            .element("button", ["type": "submit"], .text("Sign in"))
        )
        var response = Reply.html(status, Layout.page(title: "Sign in", current: nil, signedIn: nil, csrf: nil, [form]))
        response.setCookie(cookie(Self.loginCookie, token, maxAge: 3600))
        return response
    }

    func login(_ request: Request, _ context: DashboardContext) async throws -> Response {
        let fields = try await Reply.form(request)
        let user = fields["username"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let password = fields["password"] ?? ""
        let formToken = fields["csrf_token"] ?? ""
        let cookieToken = request.cookies[Self.loginCookie]?.value ?? ""
        guard !formToken.isEmpty, Credentials.constantTimeEqual(formToken, cookieToken) else {
            return loginPage(status: .forbidden, message: "The sign-in form expired. Try again.")
        }
        let now = self.now()
        let address = context.clientAddress
        let admitted = throttle.withLock { $0.admit(address: address, user: user, now: now) }
        guard admitted.allowed else {
            var response = loginPage(
                status: .tooManyRequests,
                message: "Too many wrong passwords. Wait \(admitted.retryAfter) s and try again."
            )
            response.headers[.retryAfter] = String(admitted.retryAfter)
            return response
        }
        let hash = try await store.dashboard(.passwordHash(user))
        // An unknown user costs the same bcrypt check as a wrong password.
        let valid = Credentials.verify(password, hash: hash ?? Credentials.decoy) && hash != nil
        guard valid else {
            throttle.withLock { $0.fail(address: address, user: user, now: now) }
            return loginPage(status: .unauthorized, message: "Wrong user or password.")
        }
        throttle.withLock { $0.succeed(address: address, user: user) }
        let token = Credentials.token()
        let session = WebSession(
            operatorName: user,
            csrfToken: Credentials.token(),
            expiresAt: now.addingTimeInterval(options.sessionLifetime)
        )
        try await store.dashboard(.createSession(tokenHash: Credentials.tokenHash(token), session: session, at: now))
        var response = Reply.redirect("/")
        response.setCookie(cookie(SessionMiddleware.cookie, token, maxAge: Int(options.sessionLifetime)))
        response.setCookie(cookie(Self.loginCookie, "", maxAge: 0))
        return response
    }
}
