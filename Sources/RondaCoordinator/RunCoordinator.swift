import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore

/// A scenario as the coordinator enqueues it: its name and its file's text.
public struct ScenarioSnapshot: Sendable, Hashable {
    public var scenario: Scenario
    public var source: String

    public init(scenario: Scenario, source: String) {
        self.scenario = scenario
        self.source = source
    }

    /// Reads the scenario's file again to snapshot it.
    public init(scenario: Scenario) throws {
        self.scenario = scenario
        self.source = try String(contentsOfFile: scenario.file, encoding: .utf8)
    }

    var planned: PlannedScenario { PlannedScenario(scenario: scenario.name, file: scenario.file, source: source) }
}

/// Creates runs, enqueues one job per scenario, and finalizes runs exactly once.
///
/// Creating is idempotent per (schedule, slot) and only the creator enqueues: it inserts the
/// run with its planned scenarios, enqueues their jobs, marks the run in the control plane
/// (a mark that vanishes with the queue's data), then marks it enqueued in the store. A crash
/// between those steps is repaired by `sweep`.
public struct RunCoordinator: Sendable {
    public let store: any ResultStore
    public let queue: any JobQueue
    /// Run marks; `nil` in embedded runs (the in-process queue cannot lose jobs).
    public let control: (any ControlPlane)?
    public var logger: Logger
    /// A run created this long ago and still not marked enqueued is enqueued by the sweeper.
    public var enqueueGrace: Double = 30

    public init(
        store: any ResultStore, queue: any JobQueue, control: (any ControlPlane)? = nil,
        logger: Logger = Logger(label: "ronda.coordinator")
    ) {
        self.store = store
        self.queue = queue
        self.control = control
        self.logger = logger
    }

    /// Creates a run for these scenarios and enqueues their jobs. For a scheduled run whose
    /// (schedule, slot) exists already, returns `nil` and enqueues nothing: only the creator enqueues.
    public func startRun(
        _ scenarios: [ScenarioSnapshot], trigger: RunTrigger, schedule: String? = nil, slot: Date? = nil,
        deadline: Date, variables: [String: String] = [:], id: String = UUID().uuidString.lowercased(), now: Date = Date()
    ) async throws -> RunRecord? {
        let run = RunRecord(
            id: id, trigger: trigger, schedule: schedule, slot: slot, status: .running,
            totals: RunTotals(scenarios: scenarios.count), startedAt: now, deadline: deadline, variables: variables
        )
        guard try await store.createRun(run, planned: scenarios.map(\.planned)) else { return nil }
        try await enqueue(run, scenarios.map(\.planned), now: now)
        logger.info("run started", metadata: ["run": "\(run.id)", "scenarios": "\(scenarios.count)", "trigger": "\(trigger.rawValue)"])
        return run
    }

    /// Enqueues jobs for `planned`, then marks the run enqueued (control plane, then store).
    func enqueue(_ run: RunRecord, _ planned: [PlannedScenario], now: Date) async throws {
        let jobs = planned.map {
            Job(runID: run.id, scenario: $0.scenario, source: $0.source, file: $0.file, variables: run.variables)
        }
        try await queue.enqueue(jobs)
        if let control {
            // Kept a day past the deadline; the sweeper only asks while the run is running.
            let ttl = max(60, run.deadline.timeIntervalSince(now) + 86_400)
            try await control.markRunEnqueued(run.id, ttl: .seconds(ttl))
        }
        try await store.markEnqueued(runID: run.id, at: now)
    }

    /// Finalizes a run if its lifecycle says so: all results in, or the deadline passed (the
    /// missing scenarios are recorded as lost errors first). Returns the finalized run when this
    /// call finalized it, `nil` otherwise.
    public func finalizeIfDue(runID: String, expected: [String], now: Date = Date(), force: Bool = false) async throws -> RunRecord? {
        guard let run = try await store.run(id: runID), run.status == .running else { return nil }
        var lifecycle = RunLifecycle(expected: expected, deadline: force ? min(now, run.deadline) : run.deadline)
        for name in try await store.scenariosWithResults(runID: runID) { lifecycle.received(name) }
        switch lifecycle.decide(at: now) {
        case .wait, .none:
            return nil
        case .finalize:
            break
        case .finalizeWithLost(let missing):
            for name in missing {
                let lost = ScenarioResult(
                    runID: runID, scenario: name, module: "unknown", priority: .p2, status: .error, attempt: 0,
                    worker: "coordinator", errorKind: .lost,
                    errorMessage: "no result before the run's deadline: the job was lost (a worker crashed or the queue lost it)",
                    startedAt: now, completedAt: now
                )
                _ = try await store.recordResult(lost)
            }
        }
        let finalized = try await store.finalizeRun(id: runID, at: now)
        if let finalized {
            logger.info("run finalized", metadata: [
                "run": "\(runID)", "passed": "\(finalized.totals.passed)", "failed": "\(finalized.totals.failed)",
                "errored": "\(finalized.totals.errored)",
            ])
        }
        return finalized
    }
}
