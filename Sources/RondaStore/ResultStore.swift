public import Foundation
public import RondaCore

/// Where runs and their scenario results live. SQLite for the embedded mode,
/// PostgreSQL for the distributed mode; both with one schema and the same migrations.
///
/// Every write is idempotent where a retry or a re-delivered job could repeat it:
/// a result is unique per (run, scenario), a scheduled run per (schedule, slot),
/// and a run is finalized once.
public protocol ResultStore: Sendable {
    /// Applies the migrations that have not been applied yet. Safe to call on every start.
    func migrate() async throws

    /// Inserts a run and the scenarios it expects, in one transaction. Returns `false` (and
    /// writes nothing) when a scheduled run for the same (schedule, slot), or a run with the
    /// same id, exists already; manual runs always insert.
    func createRun(_ run: RunRecord, planned: [PlannedScenario]) async throws -> Bool

    /// Records that every job of the run was enqueued (the creator's last step).
    func markEnqueued(runID: String, at date: Date) async throws

    /// The latest slot a run of `schedule` was created for, or `nil` when it never ran.
    func latestSlot(schedule: String) async throws -> Date?

    /// Runs still `running`, oldest first: what the coordinator finalizes and sweeps.
    func runningRuns() async throws -> [RunRecord]

    /// The scenarios a run expects with their snapshots, ordered by scenario name.
    func plannedScenarios(runID: String) async throws -> [PlannedScenario]

    /// Counts for `ronda stats` over runs started at or after `date`.
    func summary(since date: Date) async throws -> StoreSummary

    /// Inserts a scenario result and its steps in one transaction, unless the run already
    /// has a result for that scenario. Returns `true` when this call inserted it.
    func recordResult(_ result: ScenarioResult) async throws -> Bool

    /// Completes a running run: totals and errors found are computed from its results,
    /// status becomes `completed`, completion time and execution time are set.
    /// Returns the finalized run, or `nil` when the run was not running (finalized already,
    /// or unknown), so a run is finalized exactly once.
    ///
    /// With `analysis`, the same transaction then reads the run's results, the error groups of
    /// its scenarios, their last `historyWindow` results and the quarantine, runs `analysis` on
    /// them and writes what it returns (groups, each failed result's group, outbox rows): alert
    /// decisions exist exactly when the run is finalized. Finalizations with analysis are
    /// serialized, so two runs finalized at once never lose an update of a shared group.
    func finalizeRun(id: String, at date: Date, historyWindow: Int, analysis: RunAnalysis?) async throws -> RunRecord?

    /// Error groups, most recently seen first (`status` nil: any).
    func errorGroups(status: ErrorGroupStatus?, limit: Int) async throws -> [ErrorGroup]

    /// The groups whose fingerprint starts with `prefix` (at most two).
    func errorGroups(prefix: String) async throws -> [ErrorGroup]

    /// An operator's resolve, ignore or reopen. Returns the group as written.
    func setErrorGroupStatus(
        _ group: ErrorGroup,
        to status: ErrorGroupStatus,
        at date: Date
    ) async throws
        -> ErrorGroup

    /// Recent results, newest first, at most `window` per scenario: of one scenario, or of every
    /// scenario when `scenario` is nil.
    func scenarioHistory(scenario: String?, window: Int) async throws -> [String: [ScenarioHistoryEntry]]

    /// Claims, for `owner` until `until`, the oldest pending outbox row of each channel whose
    /// next attempt is due and that nobody else holds. Returns the rows claimed.
    func claimAlerts(owner: String, now: Date, until: Date) async throws -> [OutboxEntry]

    /// Records the outcome of an attempt on a row `owner` claimed. `false` when the claim was
    /// lost (expired and taken by another deliverer, who will record its own outcome).
    func completeAlert(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool

    /// The newest outbox rows first.
    func alertOutbox(limit: Int) async throws -> [OutboxEntry]

    /// Error figures: failing results in total and since `date`, open groups, mean execution
    /// time and errors per module since `date`, median time to resolution.
    func errorStats(since date: Date) async throws -> ErrorStats

    /// Quarantined scenarios, by name.
    func quarantined() async throws -> [QuarantineEntry]

    /// Adds (`on`) or removes a scenario from quarantine. `false` when nothing changed.
    func setQuarantined(_ scenario: String, _ on: Bool, reason: String?, at date: Date) async throws -> Bool

    /// One run, or `nil`.
    func run(id: String) async throws -> RunRecord?

    /// The most recent runs, newest first.
    func recentRuns(limit: Int) async throws -> [RunRecord]

    /// A run's scenario results with their steps, ordered by scenario name.
    func results(runID: String) async throws -> [ScenarioResult]

    /// Names of the scenarios that have a result in the run.
    func scenariosWithResults(runID: String) async throws -> Set<String>

    /// Deletes runs (with their results and steps) started before `date`. Returns how many runs.
    func deleteRuns(startedBefore date: Date) async throws -> Int

    /// Releases connections and file handles.
    func close() async throws

    /// An operator setting (`paused`), or `nil` when it was never set.
    func setting(named name: String) async throws -> String?

    /// Writes an operator setting (insert or replace).
    func setSetting(named name: String, to value: String, at date: Date) async throws

    /// Runs one of the dashboard's reads or writes (rollups, operators, sessions).
    func dashboard<Value: Sendable>(_ query: DashboardQuery<Value>) async throws -> Value
}

extension ResultStore {
    /// Finalizes a run without error grouping or alert decisions.
    public func finalizeRun(id: String, at date: Date) async throws -> RunRecord? {
        try await finalizeRun(id: id, at: date, historyWindow: 1, analysis: nil)
    }

    /// Inserts a run without planned scenarios (embedded runs, which hold their list in memory).
    public func createRun(_ run: RunRecord) async throws -> Bool {
        try await createRun(run, planned: [])
    }
}

/// One scenario a run expects, with the snapshot of its file that the job carries.
public struct PlannedScenario: Sendable, Hashable, Codable {
    public var scenario: String
    /// Where the scenario file was, for messages.
    public var file: String
    /// The text the scenario was validated from when the run was created.
    public var source: String
    /// The scenario's module and priority: what a placeholder result (lost, dead-lettered,
    /// unparseable) is filed under, so per-module totals stay right.
    public var module: String
    public var priority: Priority

    public init(scenario: String, file: String, source: String, module: String = "unknown", priority: Priority = .p2) {
        self.scenario = scenario
        self.file = file
        self.source = source
        self.module = module
        self.priority = priority
    }
}

/// What `ronda stats` shows from the store.
public struct StoreSummary: Sendable, Hashable, Codable {
    /// Runs started in the window.
    public var runs: Int
    /// Of those, still running.
    public var running: Int
    /// Scenario results of those runs.
    public var results: Int
    /// Of those results, passed.
    public var passed: Int

    public init(runs: Int = 0, running: Int = 0, results: Int = 0, passed: Int = 0) {
        self.runs = runs
        self.running = running
        self.results = results
        self.passed = passed
    }

    /// Passed over results, or `nil` when there are none.
    public var successRate: Double? { results == 0 ? nil : Double(passed) / Double(results) }
}
