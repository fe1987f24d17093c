import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Synchronization
import Testing

@Suite struct CaptureTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.post("/orders") { request, _ -> Response in
            try await log.record(request)
            return Response(
                status: .created,
                headers: [
                    .contentType: "text/html", headerName("X-Trace-Id"): "trace-9f2",
                    .setCookie: "cart=cart-55; Path=/",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "<p>Order #A-991 created</p><span data-id=\"7\">"))
            )
        }
        router.get("/patients") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"results":[{"id":314,"name":"Ana"}],"count":1}"#)
        }
        router.get("/patients/empty") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"results":[],"count":0}"#)
        }
        router.get("/use") { request, _ -> Response in
            try await log.record(request)
            return textResponse("used")
        }
        router.post("/patients") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"patient_id":900}"#, status: .created)
        }
    }

    @Test func capturesFromJSONRegexHeaderCookieAndStatusFeedLaterSteps() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Captures
                steps:
                  - name: Create order
                    post: /orders
                    expect: { status: 201 }
                    capture:
                      order: { regex: "Order #([A-Z]-[0-9]+)" }
                      whole: { regex: "data-id=\\"[0-9]+\\"", group: 0 }
                      trace: { header: x-trace-id }
                      cart: { cookie: cart }
                      code: { status: true }
                  - name: Search
                    get: /patients
                    capture:
                      patient_id: "$.results[0].id"
                      patient_name: { json: "$.results[0].name" }
                  - name: Use them
                    get: /use
                    query:
                      order: "{{ order }}"
                      whole: "{{ whole }}"
                      trace: "{{ trace }}"
                      cart: "{{ cart }}"
                      code: "{{ code }}"
                      patient: "{{ patient_id }}-{{ patient_name }}"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let create = try #require(result.step("Create order"))
            #expect(create.captures["order"] == "A-991")
            #expect(create.captures["whole"] == "data-id=\"7\"")
            #expect(create.captures["trace"] == "trace-9f2")
            // A cookie's value is a session credential: used by later steps, recorded masked.
            #expect(create.captures["cart"] == Redactor.mask)
            #expect(create.captures["code"] == "201")
            #expect(result.step("Search")?.captures["patient_id"] == "314")
            let use = try #require(log.to("/use").first)
            let query = Dictionary(use.queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            #expect(
                query == [
                    "order": "A-991", "whole": "data-id=\"7\"", "trace": "trace-9f2", "cart": "cart-55", "code": "201",
                    "patient": "314-Ana",
                ]
            )
        }
    }

    @Test func anOptionalCaptureThatFindsNothingIsNullAndAnIfStepThenRuns() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Find or create
                steps:
                  - name: Search patient
                    get: /patients/empty
                    capture: { patient_id: { json: "$.results[0].id", optional: true } }
                  - name: Create patient
                    if: "patient_id == null"
                    post: /patients
                    form: { name: Ana }
                    expect: { status: [200, 201] }
                    capture: { patient_id: "$.patient_id" }
                  - name: Use patient
                    get: "/use?id={{ patient_id }}"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.step("Search patient")?.captures["patient_id"] == "")
            #expect(result.step("Create patient")?.outcome == .passed)
            #expect(log.count("/patients") == 1, "the create request was sent (POST /patients)")
            #expect(log.to("/use").first?.query == "id=900")
        }
    }

    @Test func aRequiredCaptureThatFindsNothingIsACaptureError() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Must find
                steps:
                  - name: Search patient
                    get: /patients/empty
                    capture: { patient_id: "$.results[0].id" }
                  - name: Use patient
                    get: "/use?id={{ patient_id }}"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .capture)
            #expect(result.failingStep == "Search patient")
            #expect(result.errorMessage?.contains("patient_id") == true, "\(result.errorMessage ?? "")")
            #expect(result.errorMessage?.contains("$.results[0].id") == true, "\(result.errorMessage ?? "")")
            #expect(result.step("Search patient")?.outcome == .errored)
            #expect(log.count("/use") == 0)
        }
    }
}

@Suite struct FlowTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog, readyAfter: Int) {
        let calls = Mutex(0)
        router.get("/ping") { request, _ -> Response in
            try await log.record(request)
            return textResponse("pong")
        }
        router.get("/price") { request, _ -> Response in
            let seen = try await log.record(request)
            let quantity = Int(seen.queryItems.first { $0.name == "qty" }?.value ?? "") ?? 0
            let discount = quantity >= 100 ? 20 : quantity >= 10 ? 10 : 0
            return jsonResponse(#"{"qty":\#(quantity),"discount":\#(discount)}"#)
        }
        router.get("/modules") { request, _ -> Response in
            try await log.record(request)
            let n = calls.withLock {
                $0 += 1
                return $0
            }
            return n >= readyAfter ? textResponse("Plan: Activo") : textResponse("Plan: Pendiente")
        }
    }

    @Test func aFalseIfSkipsTheStep() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: 1)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Skip
                vars: { plan: basic }
                steps:
                  - name: Only for premium
                    if: "plan == 'premium'"
                    get: /ping
                  - name: Always
                    get: /ping
                    query: { from: always }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let skipped = try #require(result.step("Only for premium"))
            #expect(skipped.outcome == .skipped)
            #expect(skipped.status == nil)
            #expect(skipped.attempts == 0)
            #expect(log.count("/ping") == 1)
            #expect(log.to("/ping").first?.query == "from=always")
            #expect(result.stepsExecuted == 1)
        }
    }

    @Test func casesRunTheStepsOncePerRow() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: 1)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Volume discounts
                cases:
                  - { name: single, qty: 1, discount: 0 }
                  - { name: dozen, qty: 12, discount: 10 }
                  - { name: bulk, qty: 150, discount: 20 }
                steps:
                  - name: Price
                    get: /price
                    query: { qty: "{{ qty }}" }
                    expect: { json: { $.discount: "{{ discount }}" } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.steps(named: "Price").map(\.caseLabel) == ["single", "dozen", "bulk"])
            #expect(log.to("/price").map(\.query) == ["qty=1", "qty=12", "qty=150"])
        }
    }

    @Test func aWrongCaseRowFailsNamingTheRow() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: 1)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Volume discounts
                cases:
                  - { name: single, qty: 1, discount: 0 }
                  - { name: dozen, qty: 12, discount: 15 }
                  - { name: bulk, qty: 150, discount: 20 }
                steps:
                  - name: Price
                    get: /price
                    query: { qty: "{{ qty }}" }
                    expect: { json: { $.discount: "{{ discount }}" } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.failingStep == "Price")
            #expect(result.errorMessage?.contains("dozen") == true, "\(result.errorMessage ?? "")")
            #expect(
                result.errorMessage?.contains("expected json $.discount 15, got 10") == true,
                "\(result.errorMessage ?? "")"
            )
            #expect(result.steps(named: "Price").last?.caseLabel == "dozen")
            #expect(log.count("/price") == 2, "the scenario stops at the failing row")
        }
    }

    @Test func retryUntilPassesOnceTheEndpointIsReady() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: 3)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Wait for activation
                steps:
                  - name: Modules activated
                    get: /modules
                    retry: { until: "body contains 'Activo'", timeout: 30s, interval: 20ms }
                    expect: { body: { contains: Activo } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.step("Modules activated")?.attempts == 3)
            #expect(log.count("/modules") == 3)
        }
    }

    @Test func retryUntilThatNeverHoldsFailsWithAMessageAboutTheRetry() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: .max)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Never activated
                steps:
                  - name: Modules activated
                    get: /modules
                    retry: { until: "body contains 'Activo'", timeout: 300ms, interval: 50ms }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.failingStep == "Modules activated")
            #expect(result.errorMessage?.contains("retry") == true, "\(result.errorMessage ?? "")")
            #expect(result.errorMessage?.contains("body contains 'Activo'") == true, "\(result.errorMessage ?? "")")
            let attempts = try #require(result.step("Modules activated")?.attempts)
            #expect(attempts >= 1)
            #expect(log.count("/modules") == attempts)
        }
    }

    @Test func retryStopsAtMaxAttempts() async throws {
        try await withServer {
            Self.routes($0, $1, readyAfter: .max)
        } run: { server, log in
            let result = try await runScenario(
                """
                scenario: Bounded retry
                steps:
                  - name: Modules activated
                    get: /modules
                    retry: { until: "body contains 'Activo'", timeout: 60s, interval: 10ms, max_attempts: 4 }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.step("Modules activated")?.attempts == 4)
            #expect(log.count("/modules") == 4)
        }
    }
}
