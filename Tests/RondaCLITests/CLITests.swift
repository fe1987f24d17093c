import Foundation
import RondaCore
import Testing

@testable import RondaCLI

/// Drives the command line in process and checks exit statuses and files it writes.
struct CLITests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ronda-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func validateAcceptsGoodFilesAndListsEveryProblemWithPositions() async throws {
        let dir = try folder()
        try "scenario: Good\nsteps:\n  - name: A\n    get: /a\n".write(
            to: dir.appendingPathComponent("good.yml"),
            atomically: true,
            encoding: .utf8
        )
        #expect(await RondaCommand.main(arguments: ["validate", dir.path]) == 0)
        try "scenario: Bad\nsteps:\n  - name: A\n    get: /a\n    expect: { status: 999 }\n  - nme: B\n".write(
            to: dir.appendingPathComponent("bad.yml"),
            atomically: true,
            encoding: .utf8
        )
        #expect(await RondaCommand.main(arguments: ["validate", dir.path]) == 1)
        do {
            _ = try ScenarioLoader.load(file: dir.appendingPathComponent("bad.yml").path)
            Issue.record("the bad file loaded")
        } catch {
            #expect(error.issues.count >= 2)
            #expect(error.issues.allSatisfy { $0.location.line > 0 && $0.location.column > 0 })
        }
    }

    @Test func validateRejectsAnUnknownVariableAndAMissingRole() async throws {
        let dir = try folder()
        try "scenario: V\nas: ghost\nsteps:\n  - name: A\n    get: \"/a/{{ missing_id }}\"\n".write(
            to: dir.appendingPathComponent("v.yml"),
            atomically: true,
            encoding: .utf8
        )
        try "target: { base_url: 'http://127.0.0.1:9' }\n".write(
            to: dir.appendingPathComponent("ronda.yml"),
            atomically: true,
            encoding: .utf8
        )
        let suite = Suite.load(
            [dir.appendingPathComponent("v.yml").path],
            config: try RondaConfig.load(file: dir.appendingPathComponent("ronda.yml").path)
        )
        #expect(suite.issues.contains { $0.message.contains("missing_id") })
        #expect(suite.issues.contains { $0.message.contains("ghost") })
        #expect(
            await RondaCommand.main(arguments: [
                "validate", "--config", dir.appendingPathComponent("ronda.yml").path, dir.path,
            ]) == 1
        )
    }

    @Test func usageAndConfigurationErrorsExitWithTwo() async throws {
        let dir = try folder()
        #expect(
            await RondaCommand.main(arguments: ["run", "--config", dir.appendingPathComponent("nope.yml").path]) == 2
        )
        #expect(await RondaCommand.main(arguments: ["run", "--base-url", "ftp://x", "--suite", dir.path]) == 2)
        #expect(
            await RondaCommand.main(arguments: ["run", "--base-url", "http://127.0.0.1:1", "--suite", dir.path]) == 2
        )
        #expect(
            await RondaCommand.main(arguments: ["run", "--base-url", "http://127.0.0.1:1", "--priority", "P9"]) == 2
        )
        #expect(await RondaCommand.main(arguments: ["run", "--no-such-flag"]) == 2)
        #expect(
            await RondaCommand.main(arguments: ["validate", "--config", dir.appendingPathComponent("nope.yml").path])
                == 2
        )
        try "target: { base_url: 'not a url' }\n".write(
            to: dir.appendingPathComponent("ronda.yml"),
            atomically: true,
            encoding: .utf8
        )
        #expect(
            await RondaCommand.main(arguments: ["run", "--config", dir.appendingPathComponent("ronda.yml").path]) == 2
        )
    }

    @Test func helpAndVersionSucceed() async {
        #expect(await RondaCommand.main(arguments: ["--help"]) == 0)
        #expect(await RondaCommand.main(arguments: ["run", "--help"]) == 0)
        #expect(await RondaCommand.main(arguments: ["--version"]) == 0)
        #expect(await RondaCommand.main(arguments: ["schema"]) == 0)
    }

    @Test func aRunThatErrorsExitsWithOneAndWritesJUnitAndJSON() async throws {
        let dir = try folder()
        let suite = dir.appendingPathComponent("suite")
        try FileManager.default.createDirectory(at: suite, withIntermediateDirectories: true)
        try "scenario: Down\nmodule: net\nsteps:\n  - name: Ping\n    get: /ping\n".write(
            to: suite.appendingPathComponent("down.yml"),
            atomically: true,
            encoding: .utf8
        )
        let junit = dir.appendingPathComponent("report.xml").path
        let json = dir.appendingPathComponent("report.json").path
        let status = await RondaCommand.main(arguments: [
            "run", "--base-url", "http://127.0.0.1:1", "--suite", suite.path, "--database",
            dir.appendingPathComponent("r.sqlite").path,
            "--junit", junit, "--json", json, "--parallel", "2", "--delay-between", "0s", "--module", "net",
        ])
        #expect(status == 1)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<testcase classname=\"net.Down\" name=\"Ping\""), "\(xml)")
        #expect(xml.contains("type=\"transport\">"), "\(xml)")
        let document = try #require(JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: json)))))
        #expect(document["run"]?["totals"]?["errored"] == .int(1))
        #expect(document["results"]?[0]?["scenario"] == .string("Down"))
    }

    @Test func theSummaryTableCountsByModuleAndListsProblems() {
        let run = RunRecord(
            id: "r",
            trigger: .manual,
            status: .completed,
            totals: RunTotals(scenarios: 2, passed: 1, failed: 1),
            executionTime: 1.5,
            deadline: Date()
        )
        let results = [
            ScenarioResult(
                runID: "r",
                scenario: "A",
                module: "orders",
                priority: .p0,
                status: .pass,
                steps: [StepResult(index: 0, name: "Create", outcome: .passed, timings: Timings(total: 0.25))]
            ),
            ScenarioResult(
                runID: "r",
                scenario: "B",
                module: "orders",
                priority: .p1,
                status: .fail,
                errorMessage: "step 'X': expected status 201, got 500"
            ),
        ]
        let text = Reports.summary(run: run, results: results)
        #expect(text.contains("orders"))
        #expect(text.contains("Create (A) 250 ms"))
        #expect(text.contains("FAIL  [P1] orders/B: step 'X': expected status 201, got 500"))
        #expect(text.contains("2 scenarios: 1 passed, 1 failed, 0 errored"))
        #expect(Reports.escape("a<b>&\"'\u{01}") == "a&lt;b&gt;&amp;&quot;&apos; ")
    }
}
