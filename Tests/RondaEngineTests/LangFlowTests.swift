import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

/// The step flow of issue 9: continue_on_failure, every failed check in the message, captures
/// before checks, teardown once per `cases:` row.
@Suite struct LangFlowTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/a") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"id":1,"total":5}"#)
        }
        router.get("/b") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"id":2}"#)
        }
        router.get("/c") { request, _ -> Response in
            try await log.record(request)
            return jsonResponse(#"{"id":3}"#)
        }
        router.post("/accounts") { request, _ -> Response in
            let seen = try await log.record(request)
            let email = JSONValue.parse(seen.body)?["email"]?.stringValue ?? ""
            return jsonResponse(#"{"account_id":"acct-\#(email)"}"#, status: .created)
        }
        router.delete("/accounts/:id") { request, _ -> Response in
            try await log.record(request)
            return Response(status: .noContent)
        }
        router.post("/cleanup") { request, _ -> Response in
            try await log.record(request)
            return textResponse("ok")
        }
    }

    static let threeSteps = """
        steps:
          - name: First
            get: /a
            expect: { json: { $.total: 6 } }
            CONTINUE
          - name: Second
            get: /b
            expect: { json: { $.id: 2 } }
          - name: Third
            get: /c
            expect: { json: { $.id: 4 } }
        teardown:
          - name: Clean up
            post: /cleanup
        """

    @Test func continueOnFailureRunsTheLaterStepsAndTheScenarioStillFailsAtTheFirst() async throws {
        try await withServer(Self.routes) { server, log in
            let yaml =
                "scenario: Keep going\n"
                + Self.threeSteps.replacingOccurrences(of: "CONTINUE", with: "continue_on_failure: true")
            let result = try await runScenario(yaml, baseURL: server.baseURL)
            #expect(result.status == .fail)
            #expect(result.errorKind == .assertion)
            #expect(result.failingStep == "First")
            #expect(log.count("/b") == 1 && log.count("/c") == 1, "the later steps ran")
            #expect(result.steps.map(\.outcome) == [.failed, .passed, .failed, .passed])
            #expect(
                result.errorMessage == """
                    step 'First': expected json $.total 6, got 5
                    step 'Third': expected json $.id 4, got 3
                    """
            )
            #expect(log.count("/cleanup") == 1, "teardown runs once, as before")
            #expect(result.stepsExecuted == 4 && result.stepsPassed == 2)
        }
    }

    /// A skipped step, two that ran (one failing) and one the failure stopped.
    static let counted = """
        scenario: Counted
        steps:
          - name: Skipped
            if: "false"
            get: /a
          - name: First
            get: /a
          - name: Second
            get: /b
            expect: { json: { $.id: 3 } }
          - name: After the failure
            get: /c
        """

    /// The result's counts come from its steps: a skipped step is not executed, and the response
    /// time is the mean of the steps that sent a request.
    @Test func aResultCountsItsExecutedAndPassedStepsAndAveragesTheirTimes() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(Self.counted, baseURL: server.baseURL)
            #expect(result.steps.map(\.outcome) == [.skipped, .passed, .failed])
            #expect(result.stepsExecuted == 2)
            #expect(result.stepsPassed == 1)
            let times = result.steps.compactMap(\.timings?.total)
            #expect(times.count == 2)
            #expect(result.responseTime == times.reduce(0, +) / 2)
            #expect(result.responseTime > 0)
        }
    }

    @Test func withoutContinueOnFailureTheFirstFailureStops() async throws {
        try await withServer(Self.routes) { server, log in
            let yaml = "scenario: Stop\n" + Self.threeSteps.replacingOccurrences(of: "CONTINUE", with: "")
            let result = try await runScenario(yaml, baseURL: server.baseURL)
            #expect(result.status == .fail)
            #expect(log.count("/b") == 0 && log.count("/c") == 0)
            #expect(result.errorMessage == "step 'First': expected json $.total 6, got 5")
        }
    }

    @Test func theConfigurationDefaultAppliesAndAStepCanOverrideIt() async throws {
        try await withServer(Self.routes) { server, log in
            let keepGoing = "scenario: Default\n" + Self.threeSteps.replacingOccurrences(of: "CONTINUE", with: "")
            let result = try await runScenario(keepGoing, baseURL: server.baseURL) { $0.continueOnFailure = true }
            #expect(result.failingStep == "First")
            #expect(log.count("/c") == 1, "defaults.continue_on_failure went on")
            let overridden =
                "scenario: Override\n"
                + Self.threeSteps.replacingOccurrences(of: "CONTINUE", with: "continue_on_failure: false")
            let stopped = try await runScenario(overridden, baseURL: server.baseURL) { $0.continueOnFailure = true }
            #expect(stopped.failingStep == "First")
            #expect(log.count("/c") == 1, "the step's own false stopped the scenario")
            var config = RondaConfig()
            config.defaults.continueOnFailure = true
            #expect(EngineConfiguration(config: config, baseURL: server.baseURL).continueOnFailure)
        }
    }

    @Test func anErrorIsNotContinuedPast() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Errors stop
                steps:
                  - name: First
                    get: /a
                    continue_on_failure: true
                    capture: { nothing: "$.nope" }
                  - name: Second
                    get: /b
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .capture)
            #expect(log.count("/b") == 0)
        }
    }

    @Test func aStepsChecksReadItsOwnCapturesAndNamedChecksNameTheFailure() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Own captures
                steps:
                  - name: Read
                    get: /a
                    capture: { id: $.id, total: $.total }
                    expect:
                      json: { $.id: "{{ id }}" }
                      that:
                        - "id == 1"
                        - { total is six: "total == 6" }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.errorMessage == "step 'Read': total is six: expected total == 6 is true, got false")
            let assertions = try #require(result.step("Read")?.assertions)
            #expect(assertions.filter(\.passed).count == 3, "\(assertions.map(\.message))")
            #expect(assertions.last?.name == "total is six")
        }
    }

    @Test func teardownRunsOncePerCaseRowWithThatRowsVariables() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Sign up twice
                vars:
                  account_id: null
                cases:
                  - { name: first, email: one }
                  - { name: second, email: two }
                steps:
                  - name: Sign up
                    post: /accounts
                    json: { email: "{{ email }}", had: "{{ default(account_id, 'none') }}" }
                    expect: { status: 201 }
                    capture: { account_id: $.account_id }
                teardown:
                  - name: Delete the account
                    if: "account_id != null"
                    delete: "/accounts/{{ account_id }}"
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let deleted = log.all.filter { $0.method == "DELETE" }.map(\.path)
            #expect(deleted == ["/accounts/acct-one", "/accounts/acct-two"], "no account is left behind")
            let signups = log.to("/accounts").map { JSONValue.parse($0.body)?["had"]?.stringValue }
            #expect(signups == ["none", "none"], "a row does not see the captures of the row before")
            #expect(result.steps.map(\.phase) == [.main, .teardown, .main, .teardown])
            #expect(result.steps.map(\.caseLabel) == ["first", "first", "second", "second"])
        }
    }

    @Test func aFailingRowStillTearsDownAndStopsTheRows() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Stop at the first bad row
                cases:
                  - { name: bad, want: 9 }
                  - { name: good, want: 5 }
                steps:
                  - name: Total
                    get: /a
                    expect: { json: { $.total: "{{ want }}" } }
                teardown:
                  - name: Clean up
                    post: /cleanup
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            #expect(result.errorMessage == "step 'Total' [bad]: expected json $.total 9, got 5")
            #expect(log.count("/a") == 1 && log.count("/cleanup") == 1)
            #expect(result.step("Clean up")?.caseLabel == "bad")
        }
    }
}
