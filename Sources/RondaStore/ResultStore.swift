import Foundation
import RondaCore

/// Where runs and their scenario results live. SQLite for the embedded mode,
/// PostgreSQL for the distributed mode; both with one schema and the same migrations.
///
/// Every write is idempotent where a retry or a re-delivered job could repeat it:
/// a result is unique per (run, scenario), a scheduled run per (schedule, slot),
/// and a run is finalized once.
public protocol ResultStore: Sendable {
    /// Applies the migrations that have not been applied yet. Safe to call on every start.
    func migrate() async throws

    /// Inserts a run. Returns `false` (and writes nothing) when a scheduled run for the
    /// same (schedule, slot) exists already; manual runs always insert.
    func createRun(_ run: RunRecord) async throws -> Bool

    /// Inserts a scenario result and its steps in one transaction, unless the run already
    /// has a result for that scenario. Returns `true` when this call inserted it.
    func recordResult(_ result: ScenarioResult) async throws -> Bool

    /// Completes a running run: totals and errors found are computed from its results,
    /// status becomes `completed`, completion time and execution time are set.
    /// Returns the finalized run, or `nil` when the run was not running (finalized already,
    /// or unknown), so a run is finalized exactly once.
    func finalizeRun(id: String, at date: Date) async throws -> RunRecord?

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
}
