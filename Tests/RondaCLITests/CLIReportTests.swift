import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// The summary, JUnit and JSON reports list every failed check, from the step results.
struct CLIReportTests {
    static let started = Date(timeIntervalSince1970: 1_700_000_000.123)

    /// A scenario whose main step failed two checks (one passed) and whose teardown then errored;
    /// its message, like the engine's, names only the first check.
    static func checkout() -> ScenarioResult {
        ScenarioResult(
            runID: "r",
            scenario: "Checkout",
            module: "orders",
            priority: .p1,
            status: .fail,
            failingStep: "Create order",
            errorKind: .assertion,
            errorMessage: "step 'Create order': expected status 201, got 500 (and 1 more)",
            startedAt: started,
            duration: 0.5,
            steps: [
                StepResult(
                    index: 0,
                    name: "Log in",
                    phase: .login,
                    outcome: .passed,
                    method: "POST",
                    url: "http://x/login",
                    status: 200,
                    timings: Timings(total: 0.1),
                    attempts: 1,
                    startedAt: started
                ),
                StepResult(
                    index: 1,
                    name: "Create order",
                    outcome: .failed,
                    method: "POST",
                    url: "http://x/orders",
                    status: 500,
                    timings: Timings(total: 0.25),
                    attempts: 1,
                    assertions: [
                        AssertionResult(subject: "status", op: "==", expected: "201", actual: "500", passed: false),
                        AssertionResult(
                            subject: "header Content-Type",
                            op: "contains",
                            expected: "text",
                            actual: "text/plain",
                            passed: true
                        ),
                        AssertionResult(
                            subject: "json $.id",
                            op: "exists",
                            expected: "true",
                            actual: "absent",
                            passed: false
                        ),
                    ],
                    requestExcerpt: "POST http://x/orders\ncontent-type: application/json\n\n{\"qty\":1}",
                    responseExcerpt: "HTTP 500\ncontent-type: text/plain\n\nboom \u{1B}]0;owned\u{07}",
                    startedAt: started.addingTimeInterval(0.2)
                ),
                StepResult(
                    index: 2,
                    name: "Cancel",
                    phase: .teardown,
                    outcome: .errored,
                    method: "POST",
                    url: "http://x/cancel",
                    error: "cannot connect to x: connection refused",
                    startedAt: started.addingTimeInterval(0.4)
                ),
            ]
        )
    }

    static func others() -> [ScenarioResult] {
        [
            ScenarioResult(
                runID: "r",
                scenario: "Health",
                module: "net",
                priority: .p0,
                status: .pass,
                startedAt: started,
                duration: 0.1,
                steps: [
                    StepResult(
                        index: 0,
                        name: "Ping",
                        outcome: .passed,
                        method: "GET",
                        url: "http://x/ping",
                        status: 200,
                        timings: Timings(total: 0.05),
                        attempts: 1
                    ),
                    StepResult(index: 1, name: "Maybe", outcome: .skipped),
                ]
            ),
            ScenarioResult(
                runID: "r",
                scenario: "Lost one",
                module: "net",
                priority: .p2,
                status: .error,
                errorKind: .lost,
                errorMessage: "no result before the run's deadline",
                startedAt: started
            ),
            ScenarioResult(
                runID: "r",
                scenario: "Not run",
                module: "net",
                priority: .p3,
                status: .skip,
                startedAt: started
            ),
        ]
    }

    static func run(_ totals: RunTotals) -> RunRecord {
        RunRecord(
            id: "run-1",
            trigger: .manual,
            status: .completed,
            totals: totals,
            startedAt: started,
            executionTime: 1.25,
            deadline: started
        )
    }

    @Test func theSummaryListsEveryFailedCheckOfEveryProblemWithSingularCounts() {
        let text = Reports.summary(run: Self.run(RunTotals(scenarios: 1, failed: 1)), results: [Self.checkout()])
        #expect(text.contains("FAIL  [P1] orders/Checkout: 3 failed checks"), "\(text)")
        #expect(text.contains("      step 'Create order': expected status 201, got 500"))
        #expect(text.contains("      step 'Create order': expected json $.id exists true, got absent"))
        #expect(text.contains("      teardown step 'Cancel': cannot connect to x: connection refused"))
        #expect(!text.contains("and 1 more"))
        #expect(text.contains("1 scenario: 0 passed, 1 failed, 0 errored, 0 skipped"))
        #expect(!text.contains("\u{1B}"), "no colour when not asked for")

        let line = Reports.line(Self.checkout())
        #expect(
            line.hasSuffix(
                "FAIL  orders/Checkout (0.50 s): step 'Create order': expected status 201, got 500 (+2 more failed checks)"
            ) || line.contains("(+2 more failed checks)"),
            "\(line)"
        )
        let lost = Reports.summary(run: Self.run(RunTotals(scenarios: 1, errored: 1)), results: [Self.others()[1]])
        #expect(lost.contains("ERROR [P2] net/Lost one: no result before the run's deadline"), "\(lost)")
    }

    @Test func theJSONReportListsEveryFailedCheckAndKeepsMilliseconds() throws {
        let data = try Reports.json(
            run: Self.run(RunTotals(scenarios: 2, passed: 1, failed: 1)),
            results: [Self.checkout(), Self.others()[0]]
        )
        let document = try #require(JSONValue.parse(Array(data)))
        #expect(document["run"]?["startedAt"] == .string("2023-11-14T22:13:20.123Z"))
        let result = try #require(document["results"]?[0])
        #expect(result["startedAt"] == .string("2023-11-14T22:13:20.123Z"))
        #expect(result["steps"]?[1]?["startedAt"] == .string("2023-11-14T22:13:20.323Z"))
        #expect(result["scenario"] == .string("Checkout"))
        let failures = try #require(result["failures"]?.arrayValue)
        #expect(failures.count == 3)
        #expect(
            failures[0]
                == .object([
                    "step": .string("Create order"), "phase": .string("main"), "kind": .string("assertion"),
                    "message": .string("expected status 201, got 500"),
                ])
        )
        #expect(failures[1]["message"] == .string("expected json $.id exists true, got absent"))
        #expect(failures[2]["phase"] == .string("teardown"))
        #expect(failures[2]["kind"] == .string("error"))
        #expect(document["results"]?[1]?["failures"] == .array([]))
    }

    @Test func theJUnitReportHasATestCaseAStepWithItsChecksRequestAndResponse() async throws {
        let results = [Self.checkout()] + Self.others()
        let xml = Reports.junit(
            run: Self.run(RunTotals(scenarios: 4, passed: 1, failed: 1, errored: 1, skipped: 1)),
            results: results
        )
        #expect(
            xml.contains(
                "<testsuites name=\"ronda run run-1\" tests=\"7\" failures=\"1\" errors=\"2\" time=\"1.250\">"
            ),
            "\(xml)"
        )
        #expect(xml.contains("<testsuite name=\"orders\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\""))
        #expect(xml.contains("<testcase classname=\"orders.Checkout\" name=\"[login] Log in\" time=\"0.100\"/>"))
        #expect(
            xml.contains(
                "<testcase classname=\"orders.Checkout\" name=\"Create order\" time=\"0.250\">\n      <failure message=\"expected status 201, got 500; expected json $.id exists true, got absent\" type=\"assertion\">- expected status 201, got 500\n- expected json $.id exists true, got absent\n\nRequest:\nPOST http://x/orders\ncontent-type: application/json\n\n{&quot;qty&quot;:1}\n\nResponse:\nHTTP 500\ncontent-type: text/plain\n\nboom  ]0;owned </failure>"
            )
        )
        #expect(
            xml.contains(
                "<testcase classname=\"orders.Checkout\" name=\"[teardown] Cancel\" time=\"0.000\">\n      <error message=\"cannot connect to x: connection refused\" type=\"error\">"
            )
        )
        #expect(
            xml.contains(
                "<testcase classname=\"net.Health\" name=\"Maybe\" time=\"0.000\"><skipped message=\"condition false\"/></testcase>"
            )
        )
        #expect(
            xml.contains(
                "<testcase classname=\"net.Lost one\" name=\"(scenario)\" time=\"0.000\">\n      <error message=\"no result before the run&apos;s deadline\" type=\"lost\">"
            )
        )
        #expect(
            xml.contains(
                "<testcase classname=\"net.Not run\" name=\"Not run\" time=\"0.000\"><skipped message=\"not run\"/></testcase>"
            )
        )

        let file = try Checkout.temporaryDirectory("ronda-junit") + "/report.xml"
        try xml.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, log) = try await Self.validate(file)
        #expect(status == 0, "\(log)")
        #expect(log.contains("report.xml: valid"))
    }

    @Test func theSchemaCheckRejectsWhatJenkinsDoesNotRead() async throws {
        // `skipped` on <testsuites>, as the report had it before: the check must see it.
        let file = try Checkout.temporaryDirectory("ronda-junit") + "/old.xml"
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="ronda" tests="1" failures="0" errors="0" skipped="0" time="0.100">
          <testsuite name="m" tests="1" failures="0" errors="0" time="0.100"><testcase classname="m" name="a"/></testsuite>
        </testsuites>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, log) = try await Self.validate(file)
        #expect(status == 1, "\(log)")
        #expect(log.contains("'skipped' attribute not allowed"))
    }

    /// Runs ops/check_junit.sh (xmlschema against Tests/Fixtures/junit/jenkins-junit.xsd).
    static func validate(_ file: String) async throws -> (status: Int32?, log: String) {
        let child = try ChildProcess(
            "/bin/bash",
            [Checkout.root + "/ops/check_junit.sh", file],
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSHomeDirectory()],
            logPath: file + ".check.log"
        )
        _ = await child.wait(timeout: .seconds(300))
        return (child.exitCode, child.log)
    }

    @Test func aRunReportsEveryFailedCheckFromTheStoredSteps() async throws {
        let (server, log) = try await CLICannedTarget.start([
            "/orders": .init(status: 500, contentType: "application/json", body: #"{"error":"boom"}"#)
        ])
        try await withTeardown {
            let dir = try Checkout.temporaryDirectory("ronda-cli-report")
            try FileManager.default.createDirectory(atPath: dir + "/suite", withIntermediateDirectories: true)
            try """
            scenario: Checkout
            module: orders
            steps:
              - name: Create order
                post: /orders
                json: { qty: 1 }
                expect: { status: 201, json: { "$.id": { exists: true }, "$.error": none } }
            teardown:
              - name: Clean up
                post: /orders
                expect: { status: 204 }
            """.write(toFile: dir + "/suite/checkout.yml", atomically: true, encoding: .utf8)
            let status = await RondaCommand.main(arguments: [
                "run", "--base-url", server.baseURL, "--suite", dir + "/suite", "--database", dir + "/r.sqlite",
                "--junit", dir + "/report.xml", "--json", dir + "/report.json",
            ])
            #expect(status == 1)
            #expect(log.count("/orders") == 2)
            let document = try #require(
                JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))))
            )
            let failures = document["results"]?[0]?["failures"]?.arrayValue ?? []
            let messages = failures.compactMap { $0["message"]?.stringValue }
            #expect(messages.count == 4, "\(failures)")
            #expect(
                messages.prefix(2) == ["expected status 201, got 500", "expected json $.id exists true, got absent"]
            )
            #expect(messages.dropFirst(2).first?.hasPrefix("expected json $.error") == true)
            #expect(messages.last == "expected status 204, got 500")
            #expect(failures.last?["phase"] == .string("teardown"))
            let started = document["results"]?[0]?["startedAt"]?.stringValue ?? ""
            #expect(started.range(of: #"\.\d{3}Z$"#, options: .regularExpression) != nil, "\(started)")
            let xml = try String(contentsOfFile: dir + "/report.xml", encoding: .utf8)
            #expect(xml.contains("<testcase classname=\"orders.Checkout\" name=\"Create order\""))
            #expect(xml.contains("Response:\nHTTP 500"), "\(xml)")
            #expect(xml.contains("name=\"[teardown] Clean up\""))
            let (valid, check) = try await Self.validate(dir + "/report.xml")
            #expect(valid == 0, "\(check)")
        } teardown: {
            await server.stop()
        }
    }
}
