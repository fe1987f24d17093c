import DemoTarget
import Foundation
import Logging
import RondaCore
import Testing

@testable import RondaCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The demo app's faults: the catalogue, the suite catching each one, the admin endpoint that
/// switches them, and the command line around them. Serialized: each case runs the whole suite,
/// and running them all at once on two cores would only test the machine's patience.
@Suite("Demo faults", .serialized)
struct FaultTests {
    @Test("the catalogue has at least 12 faults, with unique names and summaries")
    func catalogue() {
        let faults = DemoFaults.all
        #expect(faults.count >= 12, "\(faults.count) faults: \(faults.map(\.name))")
        #expect(Set(faults.map(\.name)).count == faults.count, "fault names repeat: \(faults.map(\.name))")
        #expect(Set(faults.map(\.summary)).count == faults.count, "fault summaries repeat")
        for fault in faults {
            #expect(
                fault.name.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil,
                "'\(fault.name)' is not kebab-case"
            )
            #expect(!fault.summary.isEmpty && !fault.summary.contains("\n"), "'\(fault.name)' needs a one-line summary")
        }
    }

    @Test("the suite catches the fault, and a failure's message names its failing step", arguments: DemoFaults.all)
    func suiteCatches(_ fault: DemoFault) async throws {
        let database = DemoSuiteTests.temporaryDatabase()
        defer { DemoSuiteTests.removeDatabase(database) }
        let runner = try DemoSuiteTests.runner(database: database)
        let (outcome, _) = try await runner.runFresh(faults: [fault.name])
        #expect(!outcome.run.totals.allPassed, "\(fault.name) (\(fault.summary)) was not caught: every scenario passed")
        let problems = outcome.results.filter { $0.status == .fail || $0.status == .error }
        let named = problems.filter { r in
            guard let message = r.errorMessage, !message.isEmpty, let step = r.failingStep, !step.isEmpty else {
                return false
            }
            return message.contains(step)
        }
        #expect(
            problems.isEmpty || !named.isEmpty,
            "\(fault.name): no failure names its step: \(DemoSuiteTests.problems(outcome))"
        )
        let mutant = DemoRunner.mutant(faults: [fault.name], outcome: outcome)
        #expect(mutant.caught == !problems.isEmpty)
        #expect(mutant.firstFailure.map { !$0.isEmpty } ?? problems.isEmpty)
    }

    @Test("an unknown fault is refused: by DemoApp.start, and by `ronda demo` with exit status 2")
    func unknownFault() async throws {
        await #expect(throws: UnknownFaultError.self) { _ = try await DemoApp.start(faults: ["no-such-fault"]) }
        #expect(throws: UnknownFaultError.self) { _ = try DemoFaults.validate(["no-such-fault"]) }
        #expect(await RondaCommand.main(arguments: ["demo", "--fault", "no-such-fault"]) == 2)
        #expect(await RondaCommand.main(arguments: ["demo-target", "--fault", "no-such-fault"]) == 2)
        #expect(await RondaCommand.main(arguments: ["demo", "--mutation", "--fault", "x"]) == 2)
        let error = UnknownFaultError(unknown: ["nope"], known: ["a", "b"])
        #expect(error.description == "unknown fault 'nope' (known: a, b)")
    }

    @Test("the admin endpoint wants the token, refuses unknown faults and switches them at runtime")
    func adminEndpoint() async throws {
        let demo = try await DemoApp.start(adminToken: "test-admin-token")
        do {
            try await Self.checkAdminEndpoint(demo)
            await demo.stop()
        } catch {
            await demo.stop()
            throw error
        }
    }

    static func checkAdminEndpoint(_ demo: RunningDemo) async throws {
        #expect(demo.adminToken == "test-admin-token")
        let url = demo.baseURL + "/__admin/faults"

        #expect(try await request("GET", url, token: nil).status == 401)
        #expect(try await request("GET", url, token: "wrong").status == 401)
        #expect(try await request("PUT", url, token: "wrong", body: #"{"active":[]}"#).status == 401)

        let listed = try await request("GET", url, token: "test-admin-token")
        #expect(listed.status == 200)
        let list = try JSONDecoder().decode(FaultList.self, from: listed.body)
        #expect(list.active == [])
        #expect(list.faults.map(\.name) == DemoFaults.all.map(\.name))
        #expect(list.faults.allSatisfy { !$0.active })

        let unknown = try await request("PUT", url, token: "test-admin-token", body: #"{"active":["no-such-fault"]}"#)
        #expect(unknown.status == 400)
        #expect(String(decoding: unknown.body, as: UTF8.self).contains("no-such-fault"))
        #expect(try await request("PUT", url, token: "test-admin-token", body: "not json").status == 400)
        #expect(demo.faults.active.isEmpty, "a refused update changes nothing")

        if let fault = DemoFaults.all.first {
            let on = try await request("PUT", url, token: "test-admin-token", body: #"{"active":["\#(fault.name)"]}"#)
            #expect(on.status == 200)
            #expect(try JSONDecoder().decode(FaultList.self, from: on.body).active == [fault.name])
            #expect(demo.faults.active == [fault.name])
            #expect(demo.faults.isOn(fault))
            let off = try await request("PUT", url, token: "test-admin-token", body: #"{"active":[]}"#)
            #expect(off.status == 200)
            #expect(demo.faults.active.isEmpty)
        }
    }

    @Test("without DEMO_ADMIN_TOKEN the admin token is random; with it, it is that value")
    func adminToken() {
        let a = DemoApp.adminToken(environment: [:])
        let b = DemoApp.adminToken(environment: ["DEMO_ADMIN_TOKEN": ""])
        #expect(a.count == 32 && b.count == 32 && a != b)
        #expect(DemoApp.adminToken(environment: ["DEMO_ADMIN_TOKEN": "mine"]) == "mine")
    }

    @Test("`--list-faults` prints one fault a line: its name, then its summary")
    func listFaults() async throws {
        let text = DemoCommand.faultList()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == DemoFaults.all.count)
        for (line, fault) in zip(lines, DemoFaults.all) {
            #expect(line.hasPrefix(fault.name + " "), "\(line)")
            #expect(line.hasSuffix("  " + fault.summary), "\(line)")
        }
        #expect(
            DemoCommand.faultList([DemoFault("a", "first"), DemoFault("long-name", "second")])
                == "a          first\nlong-name  second\n"
        )
        let (status, output) = try await DemoSuiteTests.runBinary(["demo-target", "--list-faults"])
        #expect(status == 0)
        #expect(output == text)
        let (demoStatus, demoOutput) = try await DemoSuiteTests.runBinary(["demo", "--list-faults"])
        #expect(demoStatus == 0)
        #expect(demoOutput == text)
    }

    @Test("`ronda demo --fault NAME` exits 1 and prints a 100% mutation score")
    func binaryFault() async throws {
        guard let fault = DemoFaults.all.first else { return }
        let (status, output) = try await DemoSuiteTests.runDemoBinary(
            extraEnvironment: [:],
            arguments: ["--fault", fault.name]
        )
        #expect(status == 1, "\(output)")
        #expect(output.contains("Faults switched on: \(fault.name)"), "\(output)")
        #expect(output.contains("caught      \(fault.name)"), "\(output)")
        #expect(output.contains("mutation score: 1/1 (100%)"), "\(output)")
    }

    @Test("the mutation score line")
    func scoreLine() {
        #expect(DemoRunner.scoreLine(caught: 12, injected: 12) == "mutation score: 12/12 (100%)")
        #expect(DemoRunner.scoreLine(caught: 2, injected: 3) == "mutation score: 2/3 (66%)")
        #expect(DemoRunner.scoreLine(caught: 0, injected: 0) == "mutation score: 0/0 (no fault injected)")
    }

    /// The admin endpoint's answer.
    struct FaultList: Decodable {
        struct State: Decodable {
            var name: String
            var summary: String
            var active: Bool
        }
        var active: [String]
        var faults: [State]
    }

    static func request(
        _ method: String,
        _ url: String,
        token: String?,
        body: String? = nil
    ) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue(token, forHTTPHeaderField: "X-Admin-Token") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? -1, data)
    }
}

/// The HTML report stands alone and escapes what the target sent.
@Suite("HTML report")
struct HTMLReportTests {
    /// `src=`/`href=` attributes that point at another host.
    static func externalReferences(_ html: String) -> [String] {
        let pattern = #"(src|href)\s*=\s*["']?\s*(https?:)?//"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive) else {
            return ["bad pattern"]
        }
        let range = NSRange(html.startIndex..., in: html)
        return regex.matches(in: html, range: range).compactMap { Range($0.range, in: html).map { String(html[$0]) } }
    }

    static func sample() -> (RunRecord, [ScenarioResult]) {
        let run = RunRecord(
            id: "run-1",
            trigger: .manual,
            status: .completed,
            totals: RunTotals(scenarios: 3, passed: 1, failed: 1, errored: 1),
            errorsFound: 2,
            executionTime: 1.25,
            deadline: Date().addingTimeInterval(60)
        )
        let failing = StepResult(
            index: 2,
            name: "Create <order>",
            outcome: .failed,
            method: "POST",
            url: "http://127.0.0.1:9/api/v1/orders/?a=1&b=2",
            status: 500,
            timings: Timings(dns: 0.001, connect: 0.002, firstByte: 0.010, total: 0.012),
            attempts: 1,
            assertions: [AssertionResult(subject: "status", op: "==", expected: "201", actual: "500", passed: false)],
            requestExcerpt: #"{"items":[{"product_id":1}]}"#,
            responseExcerpt: "<script>alert('x')</script><img src=\"https://evil.example/x.png\">"
        )
        let results = [
            ScenarioResult(
                runID: "run-1",
                scenario: "Menu lists products",
                module: "orders",
                priority: .p1,
                status: .pass,
                duration: 0.2
            ),
            ScenarioResult(
                runID: "run-1",
                scenario: "Place an <order>",
                module: "orders",
                priority: .p0,
                status: .fail,
                stepsExecuted: 2,
                stepsPassed: 1,
                failingStep: "Create <order>",
                errorKind: .assertion,
                errorMessage: "step 'Create <order>': expected status 201, got 500",
                duration: 0.5,
                steps: [
                    StepResult(
                        index: 1,
                        name: "Log in",
                        phase: .login,
                        outcome: .passed,
                        method: "POST",
                        url: "http://127.0.0.1:9/login/",
                        status: 302
                    ), failing,
                ]
            ),
            ScenarioResult(
                runID: "run-1",
                scenario: "Patient search",
                module: "patients",
                priority: .p2,
                status: .error,
                failingStep: "Search",
                errorKind: .transport,
                errorMessage: "step 'Search': connection refused",
                duration: 0.1
            ),
        ]
        return (run, results)
    }

    @Test("self-contained: inline CSS and SVG, no external src or href, no script")
    func selfContained() {
        let (run, results) = Self.sample()
        let html = HTMLReport.render(run: run, results: results)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg"))
        #expect(Self.externalReferences(html).isEmpty, "\(Self.externalReferences(html))")
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<link"))
    }

    @Test("escapes scenario names, step names, URLs and response excerpts")
    func escapes() {
        let (run, results) = Self.sample()
        let html = HTMLReport.render(run: run, results: results)
        #expect(html.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=&quot;https://evil.example/x.png&quot;&gt;"))
        #expect(html.contains("Place an &lt;order&gt;"))
        #expect(html.contains("orders/?a=1&amp;b=2"))
        #expect(!html.contains("<order>"))
    }

    @Test("shows totals, each failing scenario's steps with timings and failed assertions, and the mutation table")
    func contents() throws {
        let (run, results) = Self.sample()
        let mutant = DemoRunner.Mutant(
            faults: ["order-total-off-by-one"],
            caught: true,
            failures: 2,
            firstFailure: "orders/Place: <boom>",
            runID: "r2"
        )
        let html = HTMLReport.render(
            run: run,
            results: results,
            faults: ["order-total-off-by-one"],
            mutation: HTMLReport.Mutation(mutants: [mutant], scoreLine: "mutation score: 1/1 (100%)")
        )
        #expect(html.contains("1 of 3") == false)  // two did not pass
        #expect(html.contains("2 of 3 scenarios did not pass"))
        #expect(html.contains("expected status 201, got 500"))
        #expect(html.contains("POST http://127.0.0.1:9/api/v1/orders/"))
        #expect(html.contains("12.0"))  // total ms of the failing step
        #expect(html.contains("connection refused"))
        #expect(html.contains("mutation score: 1/1 (100%)"))
        #expect(html.contains("orders/Place: &lt;boom&gt;"))
        #expect(html.contains("<rect class=\"fail\""))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ronda-html-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try HTMLReport.write(EmbeddedRun.Outcome(run: run, results: results), directory: folder + "/nested")
        #expect(path == folder + "/nested/run-run-1.html")
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
