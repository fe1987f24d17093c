import Foundation
import Hummingbird
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Synchronization
import Testing

@testable import RondaCoordinator

/// A local target that records when each request arrived and which scenario sent it.
final class Arrivals: Sendable {
    private let entries = Mutex<[(name: String, at: Double)]>([])
    func add(_ name: String) { entries.withLock { $0.append((name, Date().timeIntervalSince1970)) } }
    var all: [(name: String, at: Double)] { entries.withLock { $0 } }
    var names: [String] { all.map(\.name) }
}

func targetScenarios(_ count: Int, prefix: String, path: String, steps: Int = 1) throws -> [ScenarioSnapshot] {
    try (0..<count).map { index in
        let name = "\(prefix)-\(String(format: "%03d", index))"
        let body = (1...steps).map { step in
            "  - name: Step \(step)\n    get: \(path)?name=\(name)\n    expect: { status: 200 }"
        }
        let source = "scenario: \(name)\nmodule: target\ntimeout: 60s\nsteps:\n" + body.joined(separator: "\n") + "\n"
        return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
    }
}

extension Distributed {
    @Suite struct WorkerProcessTests {
        @Test func sigtermWithJobsInFlightLosesNothingAndDoublesNothing() async throws {
            // `/hold` answers only once released: the signal arrives with four scenarios surely in flight.
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                let scenarios = try DistCountingTarget.scenarios(12, prefix: "drain", path: "/hold")
                let run = try await topology.startRun(scenarios, on: target)
                let first = try topology.startWorker("first", concurrency: 4)
                // Four scenarios in flight at the target, eight waiting in the queue.
                #expect(await eventually { target.current >= 4 })
                first.signal(SIGTERM)
                #expect(await eventually { first.log.contains("draining") }, "worker log:\n\(first.log)")
                target.release()
                let status = await first.wait(timeout: .seconds(60))
                #expect(first.exitCode == 0, "worker log:\n\(first.log)")
                #expect(status != nil)
                let drained = try await topology.store.scenariosWithResults(runID: run.id)
                #expect(drained.count == 4, "the drained worker records exactly its in-flight scenarios")
                // A second worker does the rest.
                try topology.startWorker("second", concurrency: 4)
                #expect(await topology.waitForResults(run).results == 12)
                let results = try await topology.store.results(runID: run.id)
                #expect(results.count == 12)
                #expect(results.allSatisfy { $0.status == .pass })
                // Every scenario reached the target exactly once: nothing ran twice.
                #expect(target.counts.keys.sorted() == scenarios.map(\.scenario.name).sorted())
                #expect(target.repeats.isEmpty, "re-executed: \(target.repeats)")
                #expect(
                    Set(results.filter { drained.contains($0.scenario) }.map(\.worker)).allSatisfy {
                        $0.hasPrefix("first")
                    }
                )
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        @Test func theRateLimitHoldsAcrossFourWorkersWithinFivePercent() async throws {
            let arrivals = Arrivals()
            let target = try await TestHTTPServer.start { router in
                router.get("/hit") { request, _ -> String in
                    arrivals.add(request.uri.queryParameters.get("name") ?? "?")
                    return "ok"
                }
            }
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                let rate = 20.0
                for index in 1...4 {
                    try topology.startWorker(
                        "rl\(index)",
                        concurrency: 8,
                        config: "rate_limit:\n  requests_per_second: \(Int(rate))\n  burst: 1"
                    )
                }
                // 32 scenarios × 10 requests = 320 requests: 16 s of work at 20/s, a scenario for each of the 32 slots.
                let scenarios = try targetScenarios(32, prefix: "rate", path: "/hit", steps: 10)
                let run = try #require(
                    try await topology.coordinator.startRun(
                        scenarios,
                        trigger: .manual,
                        deadline: Date().addingTimeInterval(600),
                        variables: [Job.baseURLVariable: target.baseURL]
                    )
                )
                #expect(await topology.waitForResults(run).results == 32)
                let times = arrivals.all.map(\.at).sorted()
                #expect(times.count == 320)
                // A 10 s window in the steady middle (skipping the first 2 s while workers start).
                let start = try #require(times.first) + 2
                let inWindow = times.filter { $0 >= start && $0 < start + 10 }.count
                let expected = rate * 10
                #expect(
                    abs(Double(inWindow) - expected) <= expected * 0.05,
                    "\(inWindow) requests in 10 s at \(rate)/s"
                )
                // Every worker took part.
                let workers = Set(
                    try await topology.store.results(runID: run.id).map {
                        $0.worker.split(separator: "-").first.map(String.init) ?? ""
                    }
                )
                #expect(workers.count == 4)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }
    }
}
