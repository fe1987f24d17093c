import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

@Suite struct IdempotencyTests {
    @Test(arguments: StoreKind.available)
    func duplicateResultKeepsTheFirst(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "r"))
            let first = makeResult(runID: "r", scenario: "s", status: .fail, worker: "w1")
            let second = makeResult(runID: "r", scenario: "s", status: .pass, worker: "w2", steps: [makeStep(9)])
            #expect(try await store.recordResult(first))
            #expect(try await store.recordResult(second) == false)
            #expect(try await store.results(runID: "r") == [first])
            #expect(try await store.rowCount(.stepResults) == first.steps.count)
        }
    }

    @Test(arguments: StoreKind.available)
    func concurrentDuplicatesInsertExactlyOne(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "r"))
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await store.recordResult(makeResult(runID: "r", scenario: "s", worker: "w\(index)"))
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(inserted == 1)
            #expect(try await store.rowCount(.scenarioResults) == 1)
            #expect(try await store.rowCount(.stepResults) == 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func twoStoresOnOneDatabaseInsertExactlyOne(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, fixture async throws in
            // A second store on the same database stands in for another process (own connections, own locks).
            let other = try await fixture.openAnother()
            try await other.migrate()
            _ = try await store.createRun(makeRun(id: "r"))
            let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    let target = index.isMultiple(of: 2) ? store : other
                    group.addTask {
                        try await target.recordResult(makeResult(runID: "r", scenario: "s", worker: "w\(index)"))
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(inserted == 1)
            #expect(try await other.rowCount(.scenarioResults) == 1)
            #expect(try await other.rowCount(.stepResults) == 3)
            try await other.close()
        }
    }

    @Test(arguments: StoreKind.available)
    func resultForUnknownRunIsRejected(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let error = await #expect(throws: StoreError.self) {
                try await store.recordResult(makeResult(runID: "nope"))
            }
            #expect(error?.code == .unknownRun)
            #expect(error?.message.contains("run nope does not exist") == true)
            #expect(try await store.rowCount(.scenarioResults) == 0)
        }
    }

    @Test(arguments: StoreKind.available)
    func scheduledRunIsUniquePerSlot(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let slot = time(3600)
            #expect(try await store.createRun(makeRun(id: "a", trigger: .schedule, schedule: "hourly", slot: slot)))
            #expect(
                try await store.createRun(makeRun(id: "b", trigger: .schedule, schedule: "hourly", slot: slot)) == false
            )
            #expect(try await store.run(id: "b") == nil)
            // Another slot, another schedule: new runs.
            #expect(
                try await store.createRun(makeRun(id: "c", trigger: .schedule, schedule: "hourly", slot: time(7200)))
            )
            #expect(try await store.createRun(makeRun(id: "d", trigger: .schedule, schedule: "nightly", slot: slot)))
            // Manual runs (no schedule, no slot) always insert.
            #expect(try await store.createRun(makeRun(id: "m1")))
            #expect(try await store.createRun(makeRun(id: "m2")))
            // The same id twice is not a second run.
            #expect(try await store.createRun(makeRun(id: "m1")) == false)
            #expect(try await store.rowCount(.runs) == 5)
        }
    }

    @Test(arguments: StoreKind.available)
    func finalizeComputesTotalsOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let run = makeRun(id: "r", scenarios: 6, startedAt: time(0))
            _ = try await store.createRun(run)
            let outcomes: [ScenarioOutcome] = [.pass, .pass, .fail, .error, .skip]
            for (index, outcome) in outcomes.enumerated() {
                _ = try await store.recordResult(makeResult(runID: "r", scenario: "s\(index)", status: outcome))
            }
            let finalized = try #require(try await store.finalizeRun(id: "r", at: time(90.5)))
            #expect(finalized.status == .completed)
            #expect(finalized.totals == RunTotals(scenarios: 6, passed: 2, failed: 1, errored: 1, skipped: 1))
            #expect(finalized.errorsFound == 2)
            #expect(finalized.completedAt == time(90.5))
            #expect(finalized.executionTime == 90.5)
            #expect(try await store.run(id: "r") == finalized)

            #expect(try await store.finalizeRun(id: "r", at: time(120)) == nil)
            #expect(try await store.run(id: "r") == finalized)
            #expect(try await store.finalizeRun(id: "unknown", at: time(120)) == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func finalizeCountsMoreResultsThanExpected(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "r", scenarios: 1))
            for index in 0..<3 {
                _ = try await store.recordResult(makeResult(runID: "r", scenario: "s\(index)", status: .fail))
            }
            let finalized = try #require(try await store.finalizeRun(id: "r", at: time(10)))
            #expect(finalized.totals == RunTotals(scenarios: 3, passed: 0, failed: 3))
            #expect(finalized.errorsFound == 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func concurrentFinalizersFinalizeOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.createRun(makeRun(id: "r"))
            let finalized = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await store.finalizeRun(id: "r", at: time(5)) != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(finalized == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func deleteRunsCascadesToResultsAndSteps(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            for (id, start) in [("old1", -7200.0), ("old2", -3600.0), ("new", 0.0)] {
                _ = try await store.createRun(makeRun(id: id, startedAt: time(start)))
                _ = try await store.recordResult(makeResult(runID: id, scenario: "a"))
                _ = try await store.recordResult(makeResult(runID: id, scenario: "b", steps: [makeStep(0)]))
            }
            #expect(try await store.rowCount(.scenarioResults) == 6)
            #expect(try await store.rowCount(.stepResults) == 12)

            #expect(try await store.deleteRuns(startedBefore: time(-1)) == 2)
            #expect(try await store.rowCount(.runs) == 1)
            #expect(try await store.rowCount(.scenarioResults) == 2)
            #expect(try await store.rowCount(.stepResults) == 4)
            #expect(try await store.results(runID: "old1").isEmpty)
            #expect(try await store.results(runID: "new").count == 2)
            #expect(try await store.deleteRuns(startedBefore: time(-1)) == 0)
        }
    }
}
