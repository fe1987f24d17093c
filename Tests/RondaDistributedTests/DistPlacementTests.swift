import Foundation
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCoordinator

/// Placeholder results (dead-lettered, lost) are filed under the scenario's planned module and
/// priority, even when the job's snapshot does not parse.
struct DistPlacementTests {
    /// A planned scenario in `billing`, P0, whose snapshot text does not parse.
    func unparseable(_ name: String) throws -> ScenarioSnapshot {
        let valid = "scenario: \(name)\nmodule: billing\npriority: P0\nsteps:\n  - name: Pay\n    get: /pay\n"
        return ScenarioSnapshot(
            scenario: try ScenarioLoader.parse(valid, file: "\(name).yml"),
            source: "scenario: [unclosed"
        )
    }

    @Test func aDeadLetteredUnparseableJobIsFiledUnderItsPlannedModuleAndPriority() async throws {
        let directory = try Checkout.temporaryDirectory("ronda-placement")
        let redis = try await TestRedis.started(directory: directory, persistent: true)
        let store = try await SQLiteStore.open(path: directory + "/ronda.sqlite")
        try await store.migrate()
        let queue = RedisJobQueue(
            configuration: try RedisConfiguration(url: redis.url),
            options: .init(leaseTime: .milliseconds(300), maxDeliveries: 1, pollInterval: .milliseconds(50))
        )
        let coordinator = RunCoordinator(store: store, queue: queue)
        let run = try #require(
            try await coordinator.startRun(
                [try unparseable("Poison")],
                trigger: .manual,
                deadline: Date().addingTimeInterval(3600)
            )
        )
        // Two consumers lease it and vanish; with one delivery allowed, the reclaim dead-letters it.
        #expect(try await queue.lease(consumer: "crash-1", wait: .seconds(5)) != nil)
        #expect(
            try await eventually(20) {
                _ = try await queue.lease(consumer: "crash-2", wait: .milliseconds(100))
                return try await queue.stats().deadLetters == 1
            }
        )
        #expect(try await coordinator.recordDeadLetters(now: Date()) == 1)
        let result = try #require(try await store.results(runID: run.id).first)
        #expect(result.errorKind == .deadLettered)
        #expect(result.module == "billing")
        #expect(result.priority == .p0)
        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id))
        #expect(finalized.totals.errored == 1)
        queue.close()
        try await store.close()
        await redis.kill9()
    }

    @Test func aLostJobIsFiledUnderItsPlannedModuleAndPriority() async throws {
        let store = try await SQLiteStore.open(
            path: try Checkout.temporaryDirectory("ronda-placement-lost") + "/ronda.sqlite"
        )
        try await store.migrate()
        let run = try #require(
            try await RunCoordinator(store: store, queue: InProcessQueue()).startRun(
                [try unparseable("Vanished")],
                trigger: .manual,
                deadline: Date().addingTimeInterval(-1)
            )
        )
        // Another coordinator (nobody worked the queue) finds it past its deadline.
        let finalized = try #require(
            try await RunCoordinator(store: store, queue: InProcessQueue()).finalizeIfDue(runID: run.id)
        )
        #expect(finalized.totals.errored == 1)
        let result = try #require(try await store.results(runID: run.id).first)
        #expect(result.errorKind == .lost)
        #expect(result.module == "billing")
        #expect(result.priority == .p0)
        try await store.close()
    }
}
