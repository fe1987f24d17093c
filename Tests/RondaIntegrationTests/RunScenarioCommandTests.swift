import DemoTarget
import Foundation
import RondaCore
import Testing

@testable import RondaCLI

/// `ronda run-scenario` against the demo app: the verbose single-file mode.
struct RunScenarioCommandTests {
    func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ronda-run-scenario-\(UUID().uuidString).yml"
        )
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func aPassingFileExitsZeroAndAFailingOneExitsOne() async throws {
        // No response-time bound here: the test is about exit codes, and a loaded machine may take seconds.
        let good = try write(
            """
            scenario: Health and menu
            steps:
              - name: Health
                get: /health
                expect: { status: 200, json: { "$.status": ok } }
              - name: Menu
                get: /api/v1/products
                expect: { status: 200, schema: { type: array, minItems: 1 } }
            """
        )
        let bad = try write(
            """
            scenario: Wrong status
            steps:
              - name: Health
                get: /health
                expect: { status: 201, json: { "$.status": ok } }
                capture: { state: "$.status" }
              - name: Never reached
                get: /health
            teardown:
              - name: Skipped teardown
                if: "false"
                get: /health
            """
        )
        let demo = try await DemoApp.start()
        #expect(await RondaCommand.main(arguments: ["run-scenario", "--base-url", demo.baseURL, good]) == 0)
        #expect(await RondaCommand.main(arguments: ["run-scenario", "--base-url", demo.baseURL, bad]) == 1)
        await demo.stop()
    }

    @Test func aBrokenFileOrAMissingTargetIsAUsageError() async throws {
        let broken = try write("scenario: X\nsteps: nope\n")
        #expect(await RondaCommand.main(arguments: ["run-scenario", "--base-url", "http://127.0.0.1:9", broken]) == 2)
        let unknownVariable = try write("scenario: X\nsteps:\n  - name: A\n    get: \"/{{ nothing }}\"\n")
        #expect(
            await RondaCommand.main(arguments: ["run-scenario", "--base-url", "http://127.0.0.1:9", unknownVariable])
                == 2
        )
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ronda-no-config-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(
            await RondaCommand.main(arguments: [
                "run-scenario", "--config", empty.appendingPathComponent("none.yml").path, broken,
            ]) == 2
        )
    }

    @Test func theVerboseStepDescriptionShowsRequestTimingsChecksAndCaptures() {
        let step = StepResultFixture.make()
        let text = RunScenarioCommand.describe(step)
        #expect(text.contains("✘ Create"))
        #expect(text.contains("  > POST http://x/orders"))
        #expect(text.contains("timings: dns"))
        #expect(text.contains("(2 attempts)"))
        #expect(text.contains("FAIL expected status 201, got 500"))
        #expect(text.contains("captured id = 7"))
        #expect(text.contains("error: boom"))
        #expect(RunScenarioCommand.describe(StepResultFixture.skipped()).contains("skipped"))
    }
}

enum StepResultFixture {
    static func make() -> StepResult {
        StepResult(
            index: 0,
            name: "Create",
            phase: .main,
            outcome: .failed,
            method: "POST",
            url: "http://x/orders",
            status: 500,
            timings: Timings(dns: 0.001, connect: 0.002, tls: 0.002, firstByte: 0.01, total: 0.02),
            attempts: 2,
            assertions: [AssertionResult(subject: "status", op: "==", expected: "201", actual: "500", passed: false)],
            captures: ["id": "7"],
            requestExcerpt: "POST http://x/orders",
            responseExcerpt: "HTTP 500",
            error: "boom"
        )
    }

    static func skipped() -> StepResult {
        StepResult(index: 1, name: "Maybe", phase: .teardown, outcome: .skipped)
    }
}
