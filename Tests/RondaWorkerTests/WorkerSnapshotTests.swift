import Foundation
import RondaCore
import RondaEngine
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCoordinator
@testable import RondaWorker

/// A worker validates the snapshot a job carries before running it.
struct WorkerSnapshotTests {
    let runner = ScenarioRunner(
        configuration: EngineConfiguration(
            baseURL: "http://127.0.0.1:1",
            requestTimeout: .seconds(5),
            connectTimeout: .seconds(2)
        )
    )

    /// Parses, but breaks two semantic rules: a duplicate step name and a variable nothing sets.
    static let invalid = """
        scenario: Checkout
        module: billing
        priority: P0
        steps:
          - name: Pay
            get: /pay
          - name: Pay
            get: "/orders/{{ order_id }}"
        """

    /// Starts a run of `snapshots` through the coordinator and the in-process queue, works it
    /// with one worker and finalizes it.
    func work(_ snapshots: [ScenarioSnapshot]) async throws -> (RunRecord, [ScenarioResult]) {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue)
        let run = try #require(
            try await coordinator.startRun(snapshots, trigger: .manual, deadline: Date().addingTimeInterval(600))
        )
        await queue.close()
        await Worker(name: "w", queue: queue, store: store, runner: runner).run(concurrency: 2)
        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id))
        let results = try await store.results(runID: run.id)
        #expect(await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
        try await store.close()
        return (finalized, results)
    }

    @Test func aSnapshotThatDoesNotValidateEndsAsOneErrorWithTheValidatorsMessage() async throws {
        let scenario = try ScenarioLoader.parse(Self.invalid, file: "checkout.yml")
        let problems = ScenarioValidator.validate(scenario, config: nil)
        #expect(problems.count >= 2)
        let (run, results) = try await work([ScenarioSnapshot(scenario: scenario, source: Self.invalid)])
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result.scenario == "Checkout")
        #expect(result.status == .error)
        #expect(result.errorKind == .configuration)
        #expect(result.stepsExecuted == 0)
        #expect(result.module == "billing")
        #expect(result.priority == .p0)
        let message = try #require(result.errorMessage)
        #expect(message.hasPrefix("the scenario snapshot in the job does not validate: "))
        for problem in problems { #expect(message.contains(problem.description), "\(message)") }
        #expect(message.contains("duplicate step name 'Pay'"))
        #expect(message.contains("order_id"))
        #expect(run.totals == RunTotals(scenarios: 1, passed: 0, failed: 0, errored: 1, skipped: 0))
    }

    @Test func aSnapshotThatDoesNotParseIsFiledUnderItsPlannedModuleAndPriority() async throws {
        let valid = """
            scenario: Refund
            module: payments
            priority: P1
            steps:
              - name: Refund
                post: /refunds
            """
        let planned = try ScenarioLoader.parse(valid, file: "refund.yml")
        let (_, results) = try await work([ScenarioSnapshot(scenario: planned, source: "scenario: [unclosed")])
        #expect(results.count == 1)
        let result = try #require(results.first)
        #expect(result.status == .error)
        #expect(result.errorKind == .configuration)
        #expect(result.module == "payments")
        #expect(result.priority == .p1)
        #expect(result.errorMessage?.contains("does not load") == true)
        #expect(result.errorMessage?.contains("refund.yml:") == true)
    }

    @Test func aValidSnapshotStillRuns() async throws {
        let (_, results) = try await work([try unreachableScenario("Fine")])
        #expect(results.map(\.errorKind) == [.transport])
        #expect(results.map(\.module) == ["net"])
    }
}
