import Foundation
import RondaCore
import RondaEngine
import RondaQueue
import RondaTestSupport
import Synchronization
import Testing

@testable import RondaCoordinator
@testable import RondaStore
@testable import RondaWorker

/// A real SQLite store whose first `failures` writes of results fail, as a database that went away would.
actor FlakyStore: ResultStore {
    let inner: SQLiteStore
    var failures: Int
    private(set) var attempts = 0

    init(inner: SQLiteStore, failures: Int) {
        self.inner = inner
        self.failures = failures
    }

    func migrate() async throws { try await inner.migrate() }
    func dashboard<Value: Sendable>(_ query: DashboardQuery<Value>) async throws -> Value {
        try await inner.dashboard(query)
    }
    func createRun(_ run: RunRecord, planned: [PlannedScenario]) async throws -> Bool {
        try await inner.createRun(run, planned: planned)
    }
    func markEnqueued(runID: String, at date: Date) async throws {
        try await inner.markEnqueued(runID: runID, at: date)
    }
    func latestSlot(schedule: String) async throws -> Date? { try await inner.latestSlot(schedule: schedule) }
    func runningRuns() async throws -> [RunRecord] { try await inner.runningRuns() }
    func plannedScenarios(runID: String) async throws -> [PlannedScenario] {
        try await inner.plannedScenarios(runID: runID)
    }
    func summary(since date: Date) async throws -> StoreSummary { try await inner.summary(since: date) }
    func recordResult(_ result: ScenarioResult) async throws -> Bool {
        attempts += 1
        if failures > 0 {
            failures -= 1
            throw StoreError(.query, "database is away (test)")
        }
        return try await inner.recordResult(result)
    }
    func finalizeRun(id: String, at date: Date, historyWindow: Int, analysis: RunAnalysis?) async throws -> RunRecord? {
        try await inner.finalizeRun(id: id, at: date, historyWindow: historyWindow, analysis: analysis)
    }
    func errorGroups(status: ErrorGroupStatus?, limit: Int) async throws -> [ErrorGroup] {
        try await inner.errorGroups(status: status, limit: limit)
    }
    func errorGroups(prefix: String) async throws -> [ErrorGroup] { try await inner.errorGroups(prefix: prefix) }
    func setErrorGroupStatus(
        _ group: ErrorGroup,
        to status: ErrorGroupStatus,
        at date: Date
    ) async throws
        -> ErrorGroup
    {
        try await inner.setErrorGroupStatus(group, to: status, at: date)
    }
    func scenarioHistory(scenario: String?, window: Int) async throws -> [String: [ScenarioHistoryEntry]] {
        try await inner.scenarioHistory(scenario: scenario, window: window)
    }
    func claimAlerts(owner: String, now: Date, until: Date) async throws -> [OutboxEntry] {
        try await inner.claimAlerts(owner: owner, now: now, until: until)
    }
    func completeAlert(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await inner.completeAlert(id: id, owner: owner, outcome: outcome)
    }
    func alertOutbox(limit: Int) async throws -> [OutboxEntry] { try await inner.alertOutbox(limit: limit) }
    func quarantined() async throws -> [QuarantineEntry] { try await inner.quarantined() }
    func errorStats(since date: Date) async throws -> ErrorStats { try await inner.errorStats(since: date) }
    func setQuarantined(_ scenario: String, _ on: Bool, reason: String?, at date: Date) async throws -> Bool {
        try await inner.setQuarantined(scenario, on, reason: reason, at: date)
    }
    func run(id: String) async throws -> RunRecord? { try await inner.run(id: id) }
    func recentRuns(limit: Int) async throws -> [RunRecord] { try await inner.recentRuns(limit: limit) }
    func results(runID: String) async throws -> [ScenarioResult] { try await inner.results(runID: runID) }
    func scenariosWithResults(runID: String) async throws -> Set<String> {
        try await inner.scenariosWithResults(runID: runID)
    }
    func deleteRuns(startedBefore date: Date) async throws -> Int { try await inner.deleteRuns(startedBefore: date) }
    func close() async throws { try await inner.close() }
    func setting(named name: String) async throws -> String? { try await inner.setting(named: name) }
    func setSetting(named name: String, to value: String, at date: Date) async throws {
        try await inner.setSetting(named: name, to: value, at: date)
    }
}

/// A scenario against a port nothing listens on: it ends as a transport error, quickly and for real.
func unreachableScenario(_ name: String) throws -> ScenarioSnapshot {
    let source = """
        scenario: \(name)
        module: net
        steps:
          - name: Ping
            get: /ping
        """
    return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
}

struct WorkerTests {
    let runner = ScenarioRunner(
        configuration: EngineConfiguration(
            baseURL: "http://127.0.0.1:1",
            requestTimeout: .seconds(5),
            connectTimeout: .seconds(2)
        )
    )

    @Test func everyJobEndsWithExactlyOneResultAndTheRunIsFinalizedOnce() async throws {
        let path = temporaryDatabase()
        let store = try await SQLiteStore.open(path: path)
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue)
        let snapshots = try (1...6).map { try unreachableScenario("S\($0)") }
        let run = try #require(
            try await coordinator.startRun(snapshots, trigger: .manual, deadline: Date().addingTimeInterval(600))
        )
        await queue.close()
        let seen = Mutex<[String]>([])
        let worker = Worker(
            name: "w",
            queue: queue,
            store: store,
            runner: runner,
            onResult: { r in seen.withLock { $0.append(r.scenario) } }
        )
        await worker.run(concurrency: 3)

        let results = try await store.results(runID: run.id)
        #expect(results.map(\.scenario).sorted() == ["S1", "S2", "S3", "S4", "S5", "S6"])
        #expect(results.allSatisfy { $0.status == .error && $0.errorKind == .transport })
        #expect(results.allSatisfy { $0.errorMessage?.contains("step 'Ping'") == true })
        #expect(seen.withLock { $0.sorted() } == results.map(\.scenario).sorted())
        #expect(await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))

        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id))
        #expect(finalized.status == .completed)
        #expect(finalized.totals == RunTotals(scenarios: 6, passed: 0, failed: 0, errored: 6, skipped: 0))
        #expect(try await coordinator.finalizeIfDue(runID: run.id) == nil)
        try await store.close()
    }

    @Test func aResultIsRetriedUntilTheStoreTakesItThenAcknowledged() async throws {
        let inner = try await SQLiteStore.open(path: temporaryDatabase())
        let store = FlakyStore(inner: inner, failures: 2)
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue)
        let run = try #require(
            try await coordinator.startRun(
                [try unreachableScenario("Only")],
                trigger: .manual,
                deadline: Date().addingTimeInterval(600)
            )
        )
        await queue.close()
        await Worker(name: "w", queue: queue, store: store, runner: runner).run(concurrency: 1)
        #expect(await store.attempts == 3)
        #expect(try await store.results(runID: run.id).count == 1)
        #expect(await queue.stats().inFlight == 0)
        try await store.close()
    }

    @Test func aJobWhoseSnapshotDoesNotLoadIsRecordedAsAConfigurationError() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let run = RunRecord(
            id: "r1",
            trigger: .manual,
            totals: RunTotals(scenarios: 1),
            deadline: Date().addingTimeInterval(60)
        )
        #expect(try await store.createRun(run))
        await queue.enqueue([Job(runID: "r1", scenario: "Broken", source: "scenario: [unclosed", file: "broken.yml")])
        await queue.close()
        await Worker(name: "w", queue: queue, store: store, runner: runner).run(concurrency: 2)
        let result = try #require(try await store.results(runID: "r1").first)
        #expect(result.status == .error)
        #expect(result.errorKind == .configuration)
        #expect(result.errorMessage?.contains("broken.yml:") == true)
        #expect(result.errorMessage?.contains("invalid YAML") == true)
        try await store.close()
    }

    @Test func missingResultsAreRecordedAsLostAtTheDeadline() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue)
        let snapshots = try ["A", "B"].map(unreachableScenario)
        let run = try #require(
            try await coordinator.startRun(
                snapshots,
                trigger: .schedule,
                schedule: "hourly",
                slot: Date(timeIntervalSince1970: 3600),
                deadline: Date().addingTimeInterval(-1)
            )
        )
        // Nobody works the queue: at the deadline both are lost.
        let finalized = try #require(try await coordinator.finalizeIfDue(runID: run.id))
        #expect(finalized.totals.errored == 2)
        let results = try await store.results(runID: run.id)
        #expect(results.map(\.errorKind) == [.lost, .lost])
        // A second coordinator for the same slot creates nothing and enqueues nothing.
        let again = try await coordinator.startRun(
            snapshots,
            trigger: .schedule,
            schedule: "hourly",
            slot: Date(timeIntervalSince1970: 3600),
            deadline: Date()
        )
        #expect(again == nil)
        #expect(await queue.stats().pending == 2)
        try await store.close()
    }

    @Test func beforeTheDeadlineAnIncompleteRunIsNotFinalized() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let coordinator = RunCoordinator(store: store, queue: InProcessQueue())
        let run = try #require(
            try await coordinator.startRun(
                [try unreachableScenario("A")],
                trigger: .manual,
                deadline: Date().addingTimeInterval(600)
            )
        )
        #expect(try await coordinator.finalizeIfDue(runID: run.id) == nil)
        #expect(try await store.run(id: run.id)?.status == .running)
        try await store.close()
    }
}
