import Foundation
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCoordinator

/// The coordinator keeps one `RunLifecycle` for each run it handles, for the run's life.
struct RunCoordinatorLifecycleTests {
    func snapshot(_ name: String, module: String, priority: Priority) throws -> ScenarioSnapshot {
        let source = """
            scenario: \(name)
            module: \(module)
            priority: \(priority.rawValue)
            steps:
              - name: Ping
                get: /ping
            """
        return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
    }

    func result(_ run: RunRecord, _ scenario: String) -> ScenarioResult {
        ScenarioResult(
            runID: run.id,
            scenario: scenario,
            module: "net",
            priority: .p2,
            status: .pass,
            attempt: 1,
            worker: "test"
        )
    }

    func openStore() async throws -> SQLiteStore {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        return store
    }

    @Test func theRunsLifecycleLivesFromItsStartToItsFinalization() async throws {
        let store = try await openStore()
        let coordinator = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await coordinator.startRun(
                [try snapshot("A", module: "net", priority: .p1), try snapshot("B", module: "net", priority: .p1)],
                trigger: .manual,
                deadline: Date().addingTimeInterval(600)
            )
        )
        let started = try #require(coordinator.lifecycle(ofRun: run.id))
        #expect(started.expected == ["A", "B"])
        #expect(started.deadline == run.deadline)
        #expect(started.state == .running)

        #expect(try await store.recordResult(result(run, "A")))
        // A copy of the coordinator (the scheduler's) sees the same lifecycle.
        let copy = coordinator
        #expect(try await copy.finalizeIfDue(runID: run.id) == nil)
        #expect(coordinator.lifecycle(ofRun: run.id)?.received == ["A"])
        #expect(coordinator.lifecycle(ofRun: run.id)?.decide(at: Date()) == .wait)

        #expect(try await store.recordResult(result(run, "B")))
        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id))
        #expect(finalized.totals.passed == 2)
        let done = try #require(coordinator.lifecycle(ofRun: run.id))
        #expect(done.state == .finalized)
        #expect(done.decide(at: Date()) == .none)
        #expect(try await coordinator.finalizeIfDue(runID: run.id) == nil)
        // Once the store no longer lists it as running, the coordinator forgets it.
        #expect(coordinator.lifecycle(ofRun: run.id) == nil)
        try await store.close()
    }

    @Test func aRestartedCoordinatorRebuildsTheLifecycleFromTheStoreAndFilesLostResultsAsPlanned() async throws {
        let store = try await openStore()
        let first = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await first.startRun(
                [
                    try snapshot("Pay", module: "billing", priority: .p0),
                    try snapshot("Login", module: "auth", priority: .p3),
                    try snapshot("Done", module: "auth", priority: .p1),
                ],
                trigger: .schedule,
                schedule: "hourly",
                slot: Date(timeIntervalSince1970: 7200),
                deadline: Date().addingTimeInterval(-1)
            )
        )
        #expect(try await store.recordResult(result(run, "Done")))
        // A new process: it knows nothing of the run until it handles it.
        let restarted = RunCoordinator(store: store, queue: InProcessQueue())
        #expect(restarted.lifecycle(ofRun: run.id) == nil)
        let report = try await restarted.sweep()
        #expect(report.finalized.map(\.id) == [run.id])
        let lost = try await store.results(runID: run.id).filter { $0.errorKind == .lost }
        #expect(lost.map(\.scenario) == ["Login", "Pay"])
        #expect(lost.map(\.module) == ["auth", "billing"])
        #expect(lost.map(\.priority) == [.p3, .p0])
        let lifecycle = try #require(restarted.lifecycle(ofRun: run.id))
        #expect(lifecycle.expected == ["Pay", "Login", "Done"])
        #expect(lifecycle.received == ["Pay", "Login", "Done"])
        #expect(lifecycle.state == .finalized)
        // The next sweep no longer finds it running and drops it.
        _ = try await restarted.sweep()
        #expect(restarted.lifecycle(ofRun: run.id) == nil)
        try await store.close()
    }

    @Test func forceEndsTheWaitNowAndFilesTheMissingAsLost() async throws {
        let store = try await openStore()
        let coordinator = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await coordinator.startRun(
                [try snapshot("Slow", module: "reports", priority: .p2)],
                trigger: .manual,
                deadline: Date().addingTimeInterval(3600)
            )
        )
        let now = Date()
        #expect(try await coordinator.finalizeIfDue(runID: run.id, now: now) == nil)
        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id, now: now, force: true))
        #expect(finalized.totals.errored == 1)
        #expect(coordinator.lifecycle(ofRun: run.id)?.deadline == now)
        let lost = try #require(try await store.results(runID: run.id).first)
        #expect(lost.errorKind == .lost)
        #expect(lost.module == "reports")
        try await store.close()
    }

    @Test func aRunFinalizedByAnotherCoordinatorIsForgottenWithoutWritingAnything() async throws {
        let store = try await openStore()
        let mine = RunCoordinator(store: store, queue: InProcessQueue())
        let other = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await mine.startRun(
                [try snapshot("A", module: "net", priority: .p2)],
                trigger: .manual,
                deadline: Date().addingTimeInterval(-1)
            )
        )
        #expect(try await other.finalizeIfDue(runID: run.id) != nil)
        #expect(mine.lifecycle(ofRun: run.id) != nil)
        #expect(try await mine.finalizeIfDue(runID: run.id) == nil)
        #expect(mine.lifecycle(ofRun: run.id) == nil)
        #expect(try await store.results(runID: run.id).count == 1)
        try await store.close()
    }

    @Test func aSweepDropsTheLifecyclesOfRunsThatAreNoLongerRunning() async throws {
        let store = try await openStore()
        let mine = RunCoordinator(store: store, queue: InProcessQueue())
        let other = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await mine.startRun(
                [try snapshot("A", module: "net", priority: .p2)],
                trigger: .manual,
                deadline: Date().addingTimeInterval(-1)
            )
        )
        #expect(try await other.finalizeIfDue(runID: run.id) != nil)
        _ = try await mine.sweep()
        #expect(mine.lifecycle(ofRun: run.id) == nil)
        try await store.close()
    }
}
