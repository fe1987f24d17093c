import Foundation
import RondaCore
import RondaStore
import Synchronization

/// A running run as a coordinator handles it: its lifecycle and where each planned scenario
/// is filed (module and priority), for the placeholder results of lost jobs.
struct TrackedRun: Sendable {
    struct Placement: Sendable, Hashable {
        var module: String
        var priority: Priority
    }

    let runID: String
    var lifecycle: RunLifecycle
    let placements: [String: Placement]

    init(run: RunRecord, planned: [PlannedScenario]) {
        runID = run.id
        lifecycle = RunLifecycle(expected: planned.map(\.scenario), deadline: run.deadline)
        placements = Dictionary(
            planned.map { ($0.scenario, Placement(module: $0.module, priority: $0.priority)) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    /// A scenario's planned module and priority (`unknown`, P2 for one the plan does not name).
    func placement(of scenario: String) -> Placement {
        placements[scenario] ?? Placement(module: "unknown", priority: .p2)
    }
}

/// The tracked runs of one coordinator, by run id, shared by its copies. A run is tracked from
/// its start (or the first time this coordinator handles it) until the store no longer lists it
/// as running.
final class RunLifecycles: Sendable {
    private let runs = Mutex<[String: TrackedRun]>([:])

    subscript(runID: String) -> TrackedRun? { runs.withLock { $0[runID] } }

    /// Starts tracking a run, or stores its updated state.
    func track(_ run: TrackedRun) { runs.withLock { $0[run.runID] = run } }

    /// Forgets a run the store says is no longer running.
    func finished(_ runID: String) { _ = runs.withLock { $0.removeValue(forKey: runID) } }

    /// Forgets every run not in `running`.
    func keep(only running: Set<String>) { runs.withLock { $0 = $0.filter { running.contains($0.key) } } }

    var count: Int { runs.withLock { $0.count } }
}
