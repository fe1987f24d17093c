import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Synchronization
import Testing

@Suite struct CookieTests {
    /// `/login` sets a fresh `sid` cookie; `/me` answers 200 only when the request carries a sid the server issued.
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        let issued = Mutex<[String]>([])
        router.post("/login") { request, _ -> Response in
            try await log.record(request)
            let sid = "sid-\(UUID().uuidString.prefix(8))"
            issued.withLock { $0.append(sid) }
            return textResponse("welcome", headers: [.setCookie: "sid=\(sid); Path=/; HttpOnly"])
        }
        router.get("/me") { request, _ -> Response in
            let seen = try await log.record(request)
            let cookie = seen.header("cookie") ?? ""
            let known = issued.withLock { sids in sids.contains { cookie.contains("sid=\($0)") } }
            return known
                ? jsonResponse(#"{"user":"ana"}"#) : jsonResponse(#"{"error":"not logged in"}"#, status: .unauthorized)
        }
    }

    @Test func cookiesFromLoginAreSentByLaterStepsOfTheSameScenario() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Session
                steps:
                  - name: Log in
                    post: /login
                    form: { user: ana }
                    expect: { status: 200 }
                  - name: Who am I
                    get: /me
                    expect: { status: 200, json: { $.user: ana } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let me = log.to("/me")
            #expect(me.count == 1)
            #expect(me.first?.header("cookie")?.contains("sid=sid-") == true)
        }
    }

    @Test func cookiesDoNotLeakIntoAnotherScenarioRun() async throws {
        try await withServer(Self.routes) { server, log in
            let first = try await runScenario(
                """
                scenario: Logs in
                steps:
                  - name: Log in
                    post: /login
                    form: { user: ana }
                  - name: Who am I
                    get: /me
                    expect: { status: 200 }
                """,
                baseURL: server.baseURL
            )
            #expect(first.status == .pass, "\(first.errorMessage ?? "")")
            let second = try await runScenario(
                """
                scenario: Anonymous
                steps:
                  - name: Who am I
                    get: /me
                    expect: { status: 401 }
                """,
                baseURL: server.baseURL
            )
            #expect(second.status == .pass, "\(second.errorMessage ?? "")")
            let me = log.to("/me")
            #expect(me.count == 2)
            #expect(me.last?.header("cookie") == nil, "the second run sent \(me.last?.header("cookie") ?? "")")
        }
    }
}

@Suite struct RedirectTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/old") { request, _ -> Response in
            try await log.record(request)
            return Response(status: .found, headers: [.location: "/new"])
        }
        router.get("/new") { request, _ -> Response in
            try await log.record(request)
            return textResponse("landed on new")
        }
        router.get("/loop") { request, _ -> Response in
            try await log.record(request)
            return Response(status: .found, headers: [.location: "/loop"])
        }
    }

    @Test func redirectsAreFollowedByDefault() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Follow
                steps:
                  - name: Old page
                    get: /old
                    expect: { status: 200, body: { contains: landed } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.step("Old page")?.status == 200)
            #expect(log.count("/new") == 1)
        }
    }

    @Test func followRedirectsFalseReturnsTheRedirectAndItsLocationCanBeCaptured() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: No follow
                steps:
                  - name: Old page
                    get: /old
                    follow_redirects: false
                    expect: { status: 302, headers: { Location: /new } }
                    capture: { next_page: { header: Location } }
                  - name: Go there
                    get: "{{ next_page }}"
                    expect: { status: 200 }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let old = try #require(result.step("Old page"))
            #expect(old.status == 302)
            #expect(old.captures["next_page"] == "/new")
            // Not followed by the first step: /new was requested once, by the second.
            #expect(log.count("/new") == 1)
            #expect(result.step("Go there")?.url == server.url("/new"))
        }
    }

    @Test func aRedirectLoopIsAnErrorNamingTheStep() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Loop
                steps:
                  - name: Follow the loop
                    get: /loop
                  - name: Never reached
                    get: /new
                """,
                baseURL: server.baseURL
            ) { $0.maxRedirects = 5 }
            #expect(result.status == .error)
            #expect(result.failingStep == "Follow the loop")
            #expect(result.errorMessage?.contains("step 'Follow the loop'") == true, "\(result.errorMessage ?? "")")
            #expect(result.step("Never reached") == nil)
            #expect(log.count("/loop") == 6, "1 request + 5 redirects")
            #expect(log.count("/new") == 0)
        }
    }
}
