import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

/// Issue 9 §3 at the scenario level: any method, auth helpers, repeated headers, body limits,
/// binary excerpts, deep JSON.
@Suite struct HTTPSemanticsScenarioTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        for method in [HTTPTypes.HTTPRequest.Method.trace, HTTPTypes.HTTPRequest.Method("PROPFIND")!] {
            router.on("/dav", method: method) { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 16)
                return textResponse("\(request.method.rawValue) \(String(buffer: body))")
            }
        }
        router.get("/whoami") { request, _ in
            textResponse(request.headers[.authorization] ?? "none")
        }
        router.get("/many") { _, _ -> Response in
            var fields = HTTPFields()
            fields.append(HTTPField(name: headerName("Link"), value: "</a>; rel=next"))
            fields.append(HTTPField(name: headerName("Link"), value: "</b>; rel=prev"))
            fields.append(HTTPField(name: headerName("X-Tag"), value: "a"))
            fields.append(HTTPField(name: headerName("X-Tag"), value: "b"))
            fields.append(HTTPField(name: .setCookie, value: "one=1; Path=/"))
            fields.append(HTTPField(name: .setCookie, value: "two=2; Path=/"))
            return textResponse("many", headers: fields)
        }
        router.get("/png") { _, _ in
            bytesResponse(
                [
                    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                    0x00, 0x01,
                ],
                headers: [.contentType: "image/png"]
            )
        }
        router.get("/nul") { _, _ in
            bytesResponse(Array("before".utf8) + [0x00] + Array("after".utf8), headers: [.contentType: "text/plain"])
        }
        router.get("/euros") { _, _ in
            textResponse(String(repeating: "€", count: 20_000))
        }
        router.get("/deep") { _, _ in
            jsonResponse(String(repeating: "[", count: 600) + "1" + String(repeating: "]", count: 600))
        }
    }

    @Test func anyMethodByNameAndTrace() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Methods
                steps:
                  - name: Trace
                    trace: /dav
                    expect: { body: "TRACE " }
                  - name: Propfind
                    method: PROPFIND
                    path: /dav
                    body: "<propfind/>"
                    content_type: application/xml
                    expect: { body: "PROPFIND <propfind/>" }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.step("Propfind")?.method == "PROPFIND")
        }
    }

    @Test func basicAndBearerAuthFromTheEnvironmentAreSentAndRedacted() async throws {
        try await withServer(Self.routes) { server, _ in
            let environment = ["API_PASSWORD": "pa55word", "API_TOKEN": "tok-123456"]
            let result = try await runScenario(
                """
                scenario: Auth
                steps:
                  - name: Basic
                    get: /whoami
                    auth: { basic: { user: ana, password: "{{ env.API_PASSWORD }}" } }
                    capture: { seen: { body: true } }
                    expect: { body: "Basic YW5hOnBhNTV3b3Jk" }
                  - name: Bearer
                    get: /whoami
                    headers: { Authorization: "replaced" }
                    auth: { bearer: "{{ env.API_TOKEN }}" }
                    expect: { body: "Bearer tok-123456" }
                """,
                baseURL: server.baseURL,
                environment: environment
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            for step in result.steps {
                let recorded =
                    (step.requestExcerpt ?? "") + (step.responseExcerpt ?? "") + step.captures.values.joined()
                #expect(
                    !recorded.contains("pa55word") && !recorded.contains("YW5hOnBhNTV3b3Jk")
                        && !recorded.contains("tok-123456"),
                    "\(recorded)"
                )
            }
        }
    }

    @Test func digestAuthMD5AndSHA256() async throws {
        for algorithm in ["MD5", "SHA-256"] {
            try await withServer { router, _ in
                HTTPDigestRoute.install(router, algorithm: algorithm)
            } run: { server, _ in
                let result = try await runScenario(
                    """
                    scenario: Digest
                    steps:
                      - name: Digest
                        get: /digest/area
                        auth: { digest: { user: ana, password: "{{ env.DIGEST_PASSWORD }}" } }
                        expect: { status: 200, body: "welcome ana" }
                    """,
                    baseURL: server.baseURL,
                    environment: ["DIGEST_PASSWORD": "s3cr3t-pw"]
                )
                #expect(result.status == .pass, "\(algorithm): \(result.errorMessage ?? "")")
                let wrong = try await runScenario(
                    """
                    scenario: Digest wrong
                    steps:
                      - name: Digest
                        get: /digest/area
                        auth: { digest: { user: ana, password: "{{ env.DIGEST_PASSWORD }}" } }
                        expect: { status: 200 }
                    """,
                    baseURL: server.baseURL,
                    environment: ["DIGEST_PASSWORD": "wrong"]
                )
                #expect(wrong.step("Digest")?.status == 401)
            }
        }
    }

    @Test func repeatedHeadersAreAllVisible() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Many headers
                steps:
                  - name: Many
                    get: /many
                    expect:
                      headers: { X-Tag: a, Link: { contains: "rel=prev" } }
                      that:
                        - "headers['x-tag'] == 'a, b'"
                        - "length(headers['set-cookie']) == 2"
                    capture:
                      links: { header: Link, all: true }
                      last_tag: { header: X-Tag }
                  - name: No match
                    get: /many
                    expect: { headers: { X-Tag: c } }
                """,
                baseURL: server.baseURL
            )
            #expect(
                result.step("Many")?.outcome == .passed,
                "\(result.step("Many")?.assertions.filter { !$0.passed } ?? [])"
            )
            #expect(result.step("Many")?.captures["links"] == #"["</a>; rel=next","</b>; rel=prev"]"#)
            #expect(result.step("Many")?.captures["last_tag"] == "b")
            let failed = try #require(result.step("No match")?.assertions.first { !$0.passed })
            #expect(failed.actual.contains("'a', 'b'"), "\(failed.actual)")
        }
    }

    @Test func anEndlessBodyFailsAtMaxBodyWithTheResponseRecorded() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".utf8)
        let server = try HTTPHostileServer(
            reply: .endless(head: head, chunk: [UInt8](repeating: UInt8(ascii: "y"), count: 65536))
        )
        defer { server.stop() }
        let result = try await runScenario(
            """
            scenario: Endless
            steps:
              - name: Endless
                get: /stream
            """,
            baseURL: server.baseURL
        ) { $0.maxBody = 2 << 20 }
        let step = try #require(result.step("Endless"))
        #expect(result.status == .error)
        #expect(step.error?.contains("exceeded the limit of 2097152 bytes") == true, "\(step.error ?? "")")
        #expect(step.status == 200)
        #expect(step.timings != nil)
        #expect(step.responseExcerpt?.contains("yyyy") == true)
    }

    @Test func aBodyCutByTheTimeoutStillRecordsTheResponse() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".utf8)
        let server = try HTTPHostileServer(
            reply: .trickle(head: head, chunk: Array("zzzz".utf8), pause: .milliseconds(50))
        )
        defer { server.stop() }
        let result = try await runScenario(
            """
            scenario: Trickle
            steps:
              - name: Trickle
                get: /slow
                timeout: 500ms
            """,
            baseURL: server.baseURL
        )
        let step = try #require(result.step("Trickle"))
        #expect(result.status == .error)
        #expect(step.error?.contains("timed out") == true, "\(step.error ?? "")")
        #expect(step.status == 200)
        #expect(step.responseExcerpt?.contains("zzzz") == true, "\(step.responseExcerpt ?? "nil")")
    }

    @Test func binaryBodiesAreMarkedAndNeverCutAtANul() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Binary
                steps:
                  - name: Png
                    get: /png
                  - name: Nul
                    get: /nul
                """,
                baseURL: server.baseURL
            )
            let png = try #require(result.step("Png")?.responseExcerpt)
            #expect(png.contains("[binary body: 18 bytes, image/png; base64]\niVBORw0KGgoAAAANSUhEUgAB"), "\(png)")
            let euros = try await runScenario(
                "scenario: E\nsteps:\n  - name: Euros\n    get: /euros\n",
                baseURL: server.baseURL
            )
            let text = try #require(euros.step("Euros")?.responseExcerpt)
            #expect(
                text.contains("€€€€") && !text.contains("\\x") && !text.contains("not UTF-8"),
                "a long text cut mid-character is still plain text"
            )
            let nul = try #require(result.step("Nul")?.responseExcerpt)
            #expect(nul.contains(#"before\x00after"#), "\(nul)")
            #expect(
                nul.contains(#"[12 bytes, text/plain; control characters and bytes that are not UTF-8 shown as \xNN]"#),
                "the marker names what was escaped: \(nul)"
            )
            #expect(!nul.contains("\u{0}"))
        }
    }

    @Test func deepJSONIsReportedAsTooDeepAndTheLimitIsConfigurable() async throws {
        try await withServer(Self.routes) { server, _ in
            let yaml = """
                scenario: Deep
                steps:
                  - name: Deep
                    get: /deep
                    expect: { json: { "$[0]": { exists: true } } }
                """
            let result = try await runScenario(yaml, baseURL: server.baseURL)
            let failed = try #require(result.step("Deep")?.assertions.first { !$0.passed })
            #expect(failed.actual.contains("nested deeper than 512 levels"), "\(failed.actual)")
            #expect(!failed.actual.contains("not JSON"))
            let allowed = try await runScenario(yaml, baseURL: server.baseURL) { $0.jsonMaxDepth = 1000 }
            #expect(allowed.status == .pass, "\(allowed.errorMessage ?? "")")
        }
    }
}
