import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@Suite struct AssertionTests {
    static let patient =
        #"{"id":42,"name":"Ana María","tags":["a","b","c"],"price":19.5,"active":true,"note":null,"email":"ana@example.com","status":"confirmed"}"#

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/patient") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(patient, headers: [headerName("X-Request-Id"): "req-77"])
        }
        router.post("/appointments") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"error":"database down"}"#, status: .internalServerError)
        }
        router.post("/cleanup") { request, _ -> Response in
            try await log.record(request)
            return textResponse("ok")
        }
    }

    @Test func teardownRunsAfterAnAssertionFailureAndTheMessageNamesTheStep() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: CreateAppointment
                steps:
                  - name: Create appointment
                    post: /appointments
                    json: { patient: 42 }
                    expect: { status: 201 }
                  - name: Show appointment
                    get: /patient
                teardown:
                  - name: Cancel appointment
                    post: /cleanup
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.errorKind == .assertion)
            #expect(result.failingStep == "Create appointment")
            #expect(result.errorMessage == "step 'Create appointment': expected status 201, got 500")
            #expect(log.count("/cleanup") == 1, "teardown reached the server")
            #expect(log.count("/patient") == 0, "the step after the failure did not run")
            #expect(result.step("Cancel appointment")?.phase == .teardown)
            #expect(result.step("Create appointment")?.outcome == .failed)
            let status = try #require(result.step("Create appointment")?.assertions.first)
            #expect(status.subject == "status" && status.expected == "201" && status.actual == "500" && !status.passed)
        }
    }

    @Test func aConditionalTeardownStepIsSkippedWhenItsCaptureWasNeverMade() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: CreateAppointment
                steps:
                  - name: Create appointment
                    post: /appointments
                    expect: { status: 201 }
                    capture: { appointment_id: "$.id" }
                teardown:
                  - name: Cancel appointment
                    if: "appointment_id != null"
                    post: "/appointments/{{ appointment_id }}/cancel"
                  - name: Clean up
                    post: /cleanup
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.errorMessage == "step 'Create appointment': expected status 201, got 500")
            #expect(result.step("Cancel appointment")?.outcome == .skipped)
            #expect(result.step("Clean up")?.outcome == .passed)
            #expect(log.count("/cleanup") == 1)
        }
    }

    @Test func everyOperatorPassesWhenItHolds() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Operators pass
                steps:
                  - name: Check everything
                    get: /patient
                    expect:
                      status: [200, 201]
                      headers:
                        Content-Type: { contains: application/json }
                        X-Request-Id: req-77
                        X-Absent: { exists: false }
                      json:
                        $.id: { "==": 42, "!=": 7, "<": 100, "<=": 42, ">": 0, ">=": 42, in: [41, 42], type: integer }
                        $.name: { contains: "Ana", not_contains: "Bob", matches: "^Ana M", type: string, length: 9 }
                        $.tags: { contains: b, length: { ">=": 3 }, type: array }
                        $.price: { ">": 19, "<=": 19.5, type: number }
                        $.active: true
                        $.note: { type: "null", exists: true }
                        $.missing: { exists: false }
                        $.status: { in: [pending, confirmed] }
                        $.email: { exists: true }
                      schema:
                        type: object
                        required: [id, name, tags]
                        properties:
                          id: { type: integer, minimum: 1 }
                          tags: { type: array, items: { type: string } }
                      body: { contains: "ana@example.com" }
                      response_time: { "<": 30s }
                      that:
                        - "json.id == 42 and status == 200"
                        - "json.tags contains 'c'"
                        - "headers['x-request-id'] == 'req-77'"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let step = try #require(result.step("Check everything"))
            #expect(step.assertions.count >= 35, "\(step.assertions.count) assertions recorded")
            for assertion in step.assertions where !assertion.passed {
                Issue.record("failed: \(assertion.message)")
            }
        }
    }

    @Test func eachFailingCheckRecordsExpectedAndActual() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Operators fail
                steps:
                  - name: Check everything
                    get: /patient
                    expect:
                      status: [201, 204]
                      headers:
                        Content-Type: { contains: text/html }
                        X-Request-Id: { exists: false }
                      json:
                        $.id: { "==": 43, "!=": 42, "<": 10, "<=": 41, ">": 42, ">=": 43, in: [1, 2], type: string }
                        $.name: { contains: "Bob", not_contains: "Ana", matches: "^Bob", length: 3 }
                        $.tags: { length: { ">": 5 } }
                        $.missing: { exists: true }
                      schema:
                        type: object
                        properties:
                          id: { type: string }
                      body: { contains: "nobody@example.com" }
                      response_time: { "<": 0ms }
                      that: "json.price > 100"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.errorKind == .assertion)
            let assertions = try #require(result.step("Check everything")?.assertions)
            #expect(
                assertions.allSatisfy { !$0.passed },
                "passed unexpectedly: \(assertions.filter(\.passed).map(\.message))"
            )
            #expect(assertions.count == 21)

            func find(_ subject: String, _ op: String) -> AssertionResult? {
                assertions.first { $0.subject == subject && $0.op == op }
            }
            let expectations: [(String, String, String, String)] = [
                ("status", "in", "[201, 204]", "200"),
                ("header Content-Type", "contains", "'text/html'", "'application/json'"),
                ("header X-Request-Id", "exists", "false", "present ('req-77')"),
                ("json $.id", "==", "43", "42"),
                ("json $.id", "!=", "42", "42"),
                ("json $.id", "<", "10", "42"),
                ("json $.id", "<=", "41", "42"),
                ("json $.id", ">", "42", "42"),
                ("json $.id", ">=", "43", "42"),
                ("json $.id", "in", "[1,2]", "42"),
                ("json $.id", "type", "string", "integer"),
                ("json $.name", "contains", "'Bob'", "'Ana María'"),
                ("json $.name", "not_contains", "'Ana'", "'Ana María'"),
                ("json $.name", "matches", "'^Bob'", "'Ana María'"),
                ("length of json $.name", "==", "3", "9"),
                ("length of json $.tags", ">", "5", "3"),
                ("json $.missing", "exists", "true", "absent"),
                ("body", "contains", "'nobody@example.com'", ""),
                ("json.price > 100", "is", "true", "false"),
            ]
            for (subject, op, expected, actual) in expectations {
                guard let found = find(subject, op) else {
                    Issue.record("no assertion \(subject) \(op) in \(assertions.map { "\($0.subject) \($0.op)" })")
                    continue
                }
                #expect(found.expected == expected, "\(subject) \(op)")
                if !actual.isEmpty { #expect(found.actual == actual, "\(subject) \(op)") }
            }
            let schema = try #require(find("body", "schema"))
            #expect(schema.actual.contains("id"), "schema failure names the property: \(schema.actual)")
            let time = try #require(assertions.first { $0.subject.contains("response time") })
            #expect(time.op == "<" && ["0", "0.0"].contains(time.expected) && !time.actual.isEmpty)
            #expect(
                result.errorMessage?.hasPrefix(
                    "step 'Check everything': 21 checks failed: expected status in [201, 204], got 200; "
                ) == true,
                "\(result.errorMessage ?? "")"
            )
            for assertion in assertions {
                #expect(
                    result.errorMessage?.contains(assertion.message) == true,
                    "the message lists every failed check: \(assertion.message)"
                )
            }
        }
    }

    @Test func aStepWithoutExpectationsFailsOnAnErrorStatus() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Implicit status
                steps:
                  - name: Create appointment
                    post: /appointments
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            let assertion = try #require(result.step("Create appointment")?.assertions.first)
            #expect(assertion.subject == "status" && assertion.actual == "500" && !assertion.passed)
        }
    }
}
