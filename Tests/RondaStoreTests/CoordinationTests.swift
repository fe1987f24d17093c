import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

/// The store methods the distributed coordinator uses, on both stores.
@Suite struct CoordinationTests {
    let planned = [
        PlannedScenario(
            scenario: "login",
            file: "scenarios/login.yml",
            source: "name: login\n",
            module: "auth",
            priority: .p0
        ),
        PlannedScenario(
            scenario: "checkout",
            file: "scenarios/checkout.yml",
            source: "name: checkout # ünïcødé\n",
            module: "billing",
            priority: .p3
        ),
    ]

    @Test(arguments: StoreKind.available)
    func createRunStoresPlannedScenariosInNameOrder(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            var run = makeRun(id: "r", trigger: .schedule, schedule: "hourly", slot: time(3600))
            run.variables = ["base_url": "http://127.0.0.1:8080", "empty": ""]
            #expect(try await store.createRun(run, planned: planned))
            #expect(try await store.plannedScenarios(runID: "r") == planned.sorted { $0.scenario < $1.scenario })
            #expect(try await store.run(id: "r") == run)
            // The loser of the slot writes nothing, planned scenarios included.
            let loser = makeRun(id: "loser", trigger: .schedule, schedule: "hourly", slot: time(3600))
            #expect(
                try await store.createRun(loser, planned: [PlannedScenario(scenario: "x", file: "x", source: "x")])
                    == false
            )
            #expect(try await store.plannedScenarios(runID: "loser").isEmpty)
            #expect(try await store.plannedScenarios(runID: "unknown").isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func markEnqueuedSetsTheMarkOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "r"))
            #expect(try await store.run(id: "r")?.enqueuedAt == nil)
            try await store.markEnqueued(runID: "r", at: time(5))
            try await store.markEnqueued(runID: "r", at: time(50))
            #expect(try await store.run(id: "r")?.enqueuedAt == time(5))
            try await store.markEnqueued(runID: "unknown", at: time(5))  // no run: nothing to mark, no error
        }
    }

    @Test(arguments: StoreKind.available)
    func runningRunsAreOldestFirstAndExcludeFinalized(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            for (id, start) in [("b", 20.0), ("a", 10.0), ("c", 30.0)] {
                _ = try await store.createRun(makeRun(id: id, startedAt: time(start)))
            }
            _ = try await store.finalizeRun(id: "a", at: time(40))
            #expect(try await store.runningRuns().map(\.id) == ["b", "c"])
        }
    }

    @Test(arguments: StoreKind.available)
    func latestSlotIsPerSchedule(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            #expect(try await store.latestSlot(schedule: "hourly") == nil)
            for (id, slot) in [("1", 3600.0), ("2", 10_800.0), ("3", 7200.0)] {
                _ = try await store.createRun(makeRun(id: id, trigger: .schedule, schedule: "hourly", slot: time(slot)))
            }
            _ = try await store.createRun(makeRun(id: "n", trigger: .schedule, schedule: "nightly", slot: time(99_999)))
            #expect(try await store.latestSlot(schedule: "hourly") == time(10_800))
        }
    }

    @Test(arguments: StoreKind.available)
    func summaryCountsRunsAndResultsInTheWindow(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            #expect(try await store.summary(since: time(0)) == StoreSummary())
            _ = try await store.createRun(makeRun(id: "old", startedAt: time(-100)))
            _ = try await store.recordResult(makeResult(runID: "old", scenario: "a"))
            for id in ["r1", "r2"] {
                _ = try await store.createRun(makeRun(id: id, startedAt: time(10)))
            }
            _ = try await store.recordResult(makeResult(runID: "r1", scenario: "a", status: .pass))
            _ = try await store.recordResult(makeResult(runID: "r1", scenario: "b", status: .fail))
            _ = try await store.recordResult(makeResult(runID: "r2", scenario: "a", status: .pass))
            _ = try await store.finalizeRun(id: "r1", at: time(20))
            let summary = try await store.summary(since: time(0))
            #expect(summary == StoreSummary(runs: 2, running: 1, results: 3, passed: 2))
        }
    }

    @Test(arguments: StoreKind.available)
    func deleteRunsRemovesPlannedScenarios(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "old", startedAt: time(-10)), planned: planned)
            #expect(try await store.deleteRuns(startedBefore: time(0)) == 1)
            #expect(try await store.plannedScenarios(runID: "old").isEmpty)
            // The id is free again: the planned rows did not survive their run.
            #expect(try await store.createRun(makeRun(id: "old", startedAt: time(5)), planned: planned))
        }
    }
}
