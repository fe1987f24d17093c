import Foundation
import RondaHTTP
import RondaStore
import RondaTestSupport
import RondaWeb
import Testing

/// The login wall over HTTP: every route but /health needs a session, forms need the CSRF
/// token, wrong passwords are throttled, cookies carry the right attributes.
struct LoginTests {
    static let pages = [
        "/", "/runs", "/runs/x", "/errors", "/errors/abc", "/scenarios", "/uptime", "/workers", "/coverage",
        "/scenarios/x",
    ]
    static let api = [
        "/api/overview", "/api/runs", "/api/runs/x", "/api/errors", "/api/errors/abc", "/api/scenarios", "/api/uptime",
        "/api/workers", "/api/coverage", "/api/scenarios/x",
    ]

    @Test func everyRouteButHealthNeedsASession() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            let health = try await browser.get("/health")
            #expect(health.status == 200)
            #expect(health.bodyText.contains("\"status\":\"ok\""))
            for path in Self.pages {
                let response = try await browser.get(path)
                #expect(response.status == 303, "\(path)")
                #expect(response.header("Location") == "/login", "\(path)")
            }
            for path in Self.api {
                let response = try await browser.get(path)
                #expect(response.status == 401, "\(path)")
                #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            }
            // A forged cookie is no session.
            let forged = try await browser.get("/", headers: [HTTPHeader("Cookie", "ronda_session=forged")])
            #expect(forged.status == 303)
            // POSTs too.
            let post = try await browser.post("/scenarios/quarantine", form: ["scenario": "x", "quarantine": "on"])
            #expect(post.status == 303)
            #expect(try await web.store.quarantined().isEmpty)
        }
    }

    @Test func signingInOpensEveryPageAndSigningOutClosesThem() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            let login = try await browser.login()
            #expect(login.status == 303)
            #expect(login.header("Location") == "/")
            let cookie = try #require(login.headers(named: "Set-Cookie").first { $0.hasPrefix("ronda_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))  // plain http on loopback
            for path in ["/", "/runs", "/errors", "/scenarios", "/uptime", "/workers", "/coverage"] {
                let page = try await browser.get(path)
                #expect(page.status == 200, "\(path)")
                #expect(page.header("Content-Security-Policy")?.contains("script-src 'none'") == true)
                #expect(!page.bodyText.contains("<script"))
            }
            for path in [
                "/api/overview", "/api/runs", "/api/errors", "/api/scenarios", "/api/uptime", "/api/workers",
                "/api/coverage",
            ] {
                let answer = try await browser.get(path)
                #expect(answer.status == 200, "\(path)")
                #expect((try? JSONSerialization.jsonObject(with: Data(answer.body))) != nil, "\(path) is JSON")
            }
            #expect(try await browser.get("/runs/unknown").status == 404)
            #expect(try await browser.get("/api/runs/unknown").status == 404)
            #expect(try await web.store.dashboard(.operators).first?.lastLoginAt != nil)

            let csrf = try await browser.sessionCSRF()
            let logout = try await browser.post("/logout", form: ["csrf_token": csrf])
            #expect(logout.status == 303)
            #expect(try await browser.get("/").status == 303)
        }
    }

    @Test func secureCookiesBehindAnHTTPSPublicURL() async throws {
        try await WebFixture.with(options: DashboardOptions(publicURL: "https://ronda.example.com")) { web in
            let login = try await web.browser().login()
            let cookie = try #require(login.headers(named: "Set-Cookie").first { $0.hasPrefix("ronda_session=") })
            #expect(cookie.contains("Secure"))
        }
    }

    @Test func wrongPasswordsAndUnknownUsersAreRefusedAlike() async throws {
        try await WebFixture.with { web in
            let wrong = try await web.browser().login("ana", "not the password")
            #expect(wrong.status == 401)
            #expect(wrong.bodyText.contains("Wrong user or password."))
            let unknown = try await web.browser().login("nobody", WebFixture.password)
            #expect(unknown.status == 401)
            #expect(unknown.bodyText.contains("Wrong user or password."))
            #expect(wrong.headers(named: "Set-Cookie").allSatisfy { !$0.hasPrefix("ronda_session=") })
        }
    }

    @Test func theTenthWrongPasswordInAMinuteGets429() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            for attempt in 1...9 {
                #expect(try await browser.login("ana", "wrong \(attempt)").status == 401, "attempt \(attempt)")
            }
            let tenth = try await browser.login("ana", "wrong 10")
            #expect(tenth.status == 429)
            #expect(Int(tenth.header("Retry-After") ?? "") ?? 0 >= 1)
            // The right password is refused too until the window passes: the throttle checks before the password.
            #expect(try await browser.login().status == 429)
        }
    }

    @Test func theLoginFormNeedsItsOwnToken() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            _ = try await browser.get("/login")
            let forged = try await browser.post(
                "/login",
                form: ["username": "ana", "password": WebFixture.password, "csrf_token": "guess"]
            )
            #expect(forged.status == 403)
            let missing = try await web.browser().post(
                "/login",
                form: ["username": "ana", "password": WebFixture.password]
            )
            #expect(missing.status == 403)
        }
    }

    @Test func aPostWithoutTheSessionsCSRFTokenGets403() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            try await browser.login()
            let missing = try await browser.post(
                "/scenarios/quarantine",
                form: ["scenario": "checkout", "quarantine": "on"]
            )
            #expect(missing.status == 403)
            let wrong = try await browser.post(
                "/scenarios/quarantine",
                form: ["scenario": "checkout", "quarantine": "on", "csrf_token": "not-it"]
            )
            #expect(wrong.status == 403)
            #expect(try await web.store.quarantined().isEmpty)
            let csrf = try await browser.sessionCSRF()
            let right = try await browser.post(
                "/scenarios/quarantine",
                form: ["scenario": "checkout", "quarantine": "on", "csrf_token": csrf]
            )
            #expect(right.status == 303)
            #expect(try await web.store.quarantined().map(\.scenario) == ["checkout"])
            // Another session's token is not this one's.
            let other = web.browser()
            try await other.login()
            let otherToken = try await other.sessionCSRF()
            #expect(otherToken != csrf)
            let crossed = try await browser.post(
                "/scenarios/quarantine",
                form: ["scenario": "checkout", "quarantine": "off", "csrf_token": otherToken]
            )
            #expect(crossed.status == 403)
        }
    }
}

/// A browser asks for /favicon.ico and may open /login twice: neither expires the form shown.
struct LoginFormTokenTests {
    @Test func anotherLoadOfTheLoginPageKeepsTheFormValid() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            let form = try await browser.get("/login")
            let token = Browser.csrf(in: form.bodyText) ?? ""
            #expect(try await browser.get("/favicon.ico").status == 204)
            let again = try await browser.get("/login")
            #expect(Browser.csrf(in: again.bodyText) == token)
            let login = try await browser.post(
                "/login",
                form: ["username": "ana", "password": WebFixture.password, "csrf_token": token]
            )
            #expect(login.status == 303)
            // A malformed cookie value is not reused.
            let odd = try await web.browser().get("/login", headers: [HTTPHeader("Cookie", "ronda_login=x\"y")])
            #expect(Browser.csrf(in: odd.bodyText)?.count == 43)
        }
    }
}
