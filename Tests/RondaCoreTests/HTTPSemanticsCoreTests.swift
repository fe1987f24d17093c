import Foundation
import Testing

@testable import RondaCore

/// Issue 9 §3 in the scenario model: method:/path:, auth:, capture all:, expect.tls, repeated headers, deep JSON.
struct HTTPSemanticsCoreTests {
    func problems(_ steps: String) -> String {
        let text = "scenario: S\nsteps:\n" + steps
        do {
            _ = try ScenarioLoader.parse(text, file: "s.yml")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func step(_ steps: String) throws -> Step {
        try #require(try ScenarioLoader.parse("scenario: S\nsteps:\n" + steps, file: "s.yml").steps.first)
    }

    @Test func methodAndPathAndTraceLoad() throws {
        let dav = try step("  - name: D\n    method: PROPFIND\n    path: /dav/{{ id }}\n")
        #expect(dav.method == "PROPFIND")
        #expect(dav.path.source == "/dav/{{ id }}")
        #expect(try step("  - name: T\n    trace: /x\n").method == "TRACE")
    }

    @Test func methodAndPathMistakesAreNamed() {
        #expect(problems("  - name: D\n    method: PROPFIND\n").contains("needs 'path:'"))
        #expect(problems("  - name: D\n    get: /a\n    path: /b\n").contains("'path:' goes with 'method:'"))
        #expect(
            problems("  - name: D\n    get: /a\n    method: PURGE\n    path: /b\n").contains("both 'get' and 'method'")
        )
        #expect(problems("  - name: D\n    method: \"BAD METHOD\"\n    path: /b\n").contains("is not an HTTP method"))
    }

    @Test func authLoadsAndSecretsMustComeFromTheEnvironment() throws {
        let basic = try step(
            "  - name: A\n    get: /\n    auth: { basic: { user: ana, password: \"{{ env.PW }}\" } }\n"
        )
        guard case .basic(let user, let password)? = basic.auth else {
            Issue.record("not basic")
            return
        }
        #expect(user.source == "ana")
        #expect(password.environmentNames == ["PW"])
        let digest = try step(
            "  - name: A\n    get: /\n    auth: { digest: { user: ana, password: \"{{ env.PW }}\" } }\n"
        )
        if case .digest? = digest.auth {} else { Issue.record("not digest") }
        let bearer = try step("  - name: A\n    get: /\n    auth: { bearer: \"{{ env.TOKEN }}\" }\n")
        if case .bearer? = bearer.auth {} else { Issue.record("not bearer") }
        #expect(
            problems("  - name: A\n    get: /\n    auth: { basic: { user: ana, password: hunter2 } }\n").contains(
                "secrets come from environment variables"
            )
        )
        #expect(
            problems("  - name: A\n    get: /\n    auth: { bearer: abc }\n").contains(
                "secrets come from environment variables"
            )
        )
        #expect(problems("  - name: A\n    get: /\n    auth: { basic: { user: ana } }\n").contains("needs 'password"))
        #expect(problems("  - name: A\n    get: /\n    auth: { ntlm: x }\n").contains("ntlm"))
        #expect(
            problems(
                "  - name: A\n    get: /\n    auth: { bearer: \"{{ env.T }}\", basic: { user: a, password: \"{{ env.P }}\" } }\n"
            ).contains("one scheme")
        )
    }

    @Test func captureAllGoesWithHeaderOnly() throws {
        let s = try step("  - name: A\n    get: /\n    capture: { links: { header: Link, all: true } }\n")
        #expect(s.captures.first?.source == .headerValues("Link"))
        #expect(
            problems("  - name: A\n    get: /\n    capture: { x: { json: \"$.a\", all: true } }\n").contains(
                "goes with 'header:'"
            )
        )
    }

    @Test func tlsExpectationLoadsInDays() throws {
        let s = try step(
            "  - name: A\n    get: /\n    expect: { tls: { expires_in: { \">\": 14d, \"<\": 36h }, issuer: { contains: R3 }, subject: \"CN = x\" } }\n"
        )
        let tls = try #require(s.expect.tls)
        #expect(tls.expiresIn?.checks == [.compare(">", .value(.double(14))), .compare("<", .value(.double(1.5)))])
        #expect(tls.issuer != nil && tls.subject != nil)
        #expect(
            problems("  - name: A\n    get: /\n    expect: { tls: { expires_in: 14d } }\n").contains(
                "expected checks like"
            )
        )
        #expect(
            problems("  - name: A\n    get: /\n    expect: { tls: { expires_in: { \">\": soon } } }\n").contains(
                "number of days"
            )
        )
    }

    func context() -> EvaluationContext { EvaluationContext(environment: { _ in nil }) }

    @Test func tlsChecksReadTheCertificate() throws {
        let tls = TLSExpectation(
            expiresIn: Matcher([.compare(">", .value(.double(14)))]),
            issuer: Matcher([.compare("contains", .value(.string("Let's Encrypt")))]),
            subject: Matcher([.compare("contains", .value(.string("example.com")))])
        )
        var view = ResponseView(status: 200, headers: [], body: [], duration: 0)
        view.certificate = .init(
            subject: "CN = example.com",
            issuer: "C = US, O = Let's Encrypt, CN = R3",
            notAfter: Date().timeIntervalSince1970 + 86_400
        )
        var ctx = context()
        var expectation = Expectation()
        expectation.tls = tls
        let results = try expectation.check(view, context: &ctx)
        #expect(results.map(\.passed) == [false, true, true])
        #expect(results[0].subject == "tls expires_in (days)")
        view.certificate = nil
        let none = try expectation.check(view, context: &ctx)
        #expect(none.count == 1 && !none[0].passed && none[0].actual.contains("https"))
    }

    @Test func repeatedHeadersMatchAnyValueAndJoinInVariables() throws {
        let view = ResponseView(
            status: 200,
            headers: [("Vary", "Accept"), ("vary", "Origin"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
            body: [],
            duration: 0
        )
        var ctx = context()
        let pass = try Expectation(headers: [("Vary", Matcher([.compare("==", .value("Origin"))]))]).check(
            view,
            context: &ctx
        )
        #expect(pass.allSatisfy { $0.passed })
        let fail = try Expectation(headers: [("Vary", Matcher([.compare("==", .value("Cookie"))]))]).check(
            view,
            context: &ctx
        )
        #expect(fail.count == 1 && !fail[0].passed && fail[0].actual.contains("'Accept', 'Origin'"))
        guard case .object(let headers)? = view.variables["headers"] else {
            Issue.record("no headers")
            return
        }
        #expect(headers["vary"] == .string("Accept, Origin"))
        #expect(headers["set-cookie"] == .array(["a=1", "b=2"]))
    }

    @Test func deepJSONIsTooDeepNotInvalid() throws {
        let deep = Array((String(repeating: "[", count: 30) + String(repeating: "]", count: 30)).utf8)
        #expect(JSONValue.parse(deep, maxDepth: 29).tooDeep)
        #expect(JSONValue.parse(deep, maxDepth: 30).value != nil)
        #expect(JSONValue.parse(Array("[1,".utf8), maxDepth: 30).tooDeep == false)
        let view = ResponseView(status: 200, headers: [], body: deep, duration: 0, jsonMaxDepth: 10)
        var ctx = context()
        let results = try Expectation(json: [(try JSONPath(parsing: "$[0]"), Matcher([.exists(true)]))]).check(
            view,
            context: &ctx
        )
        #expect(results.first?.actual.contains("nested deeper than 10 levels") == true)
    }

    @Test func configKeysForBodyLimitAndJSONDepth() throws {
        let config = try RondaConfig.parse("defaults:\n  max_body: 2097152\n  json_max_depth: 64\n", file: "ronda.yml")
        #expect(config.defaults.maxBody == 2_097_152)
        #expect(config.defaults.jsonMaxDepth == 64)
        #expect(RondaConfig().defaults.maxBody == 32 << 20)
        #expect(throws: (any Error).self) {
            try RondaConfig.parse("defaults:\n  json_max_depth: 100000\n", file: "ronda.yml")
        }
    }
}
