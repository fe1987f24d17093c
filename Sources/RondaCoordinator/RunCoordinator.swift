public import Foundation
public import Logging
import Metrics
public import RondaCore
public import RondaQueue
public import RondaStore

/// A scenario as the coordinator enqueues it: the scenario and the exact text it was parsed and
/// validated from (never the file read again: an edit after validation must not run unvalidated).
public struct ScenarioSnapshot: Sendable, Hashable {
    public var scenario: Scenario
    public var source: String

    public init(scenario: Scenario, source: String) {
        self.scenario = scenario
        self.source = source
    }

    /// A scenario `Suite.load` validated, with the text it validated.
    public init(_ entry: Suite.Entry) {
        self.init(scenario: entry.scenario, source: entry.source)
    }

    var planned: PlannedScenario {
        PlannedScenario(
            scenario: scenario.name,
            file: scenario.file,
            source: source,
            module: scenario.module,
            priority: scenario.priority
        )
    }
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
    public var enqueueGrace: Duration = .seconds(30)
    /// What finalization decides: error groups always; outbox rows when the policy notifies.
    public var alerts: AlertPolicy = .groupingOnly
    /// The lifecycle of each running run this coordinator handles, kept for the run's life
    /// (shared by the copies of this coordinator).
    let lifecycles = RunLifecycles()

    public init(
        store: any ResultStore,
        queue: any JobQueue,
        control: (any ControlPlane)? = nil,
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
        _ scenarios: [ScenarioSnapshot],
        trigger: RunTrigger,
        schedule: String? = nil,
        slot: Date? = nil,
        deadline: Date,
        variables: [String: String] = [:],
        release: String? = nil,
        id: String = UUID().uuidString.lowercased(),
        now: Date = Date()
    ) async throws -> RunRecord? {
        let run = RunRecord(
            id: id,
            trigger: trigger,
            schedule: schedule,
            slot: slot,
            status: .running,
            totals: RunTotals(scenarios: scenarios.count),
            startedAt: now,
            deadline: deadline,
            variables: variables,
            release: release
        )
        let planned = scenarios.map(\.planned)
        guard try await store.createRun(run, planned: planned) else { return nil }
        lifecycles.track(TrackedRun(run: run, planned: planned))
        try await enqueue(run, planned, now: now)
        logger.info(
            "run started",
            metadata: ["run": "\(run.id)", "scenarios": "\(scenarios.count)", "trigger": "\(trigger.rawValue)"]
        )
        return run
    }

    /// Enqueues jobs for `planned`, then marks the run enqueued (control plane, then store).
    func enqueue(_ run: RunRecord, _ planned: [PlannedScenario], now: Date) async throws {
        let jobs = planned.map {
            Job(
                runID: run.id,
                scenario: $0.scenario,
                source: $0.source,
                file: $0.file,
                variables: run.variables,
                module: $0.module,
                priority: $0.priority
            )
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
    /// missing scenarios are recorded as lost errors first, under their planned module and
    /// priority). With `force`, the deadline is now (the run's owner is done waiting). The run's
    /// lifecycle lives as long as the run: made when this coordinator started it, or once from
    /// the store (its planned scenarios) the first time it handles a run another process started.
    /// Returns the finalized run when this call finalized it, `nil` otherwise.
    public func finalizeIfDue(runID: String, now: Date = Date(), force: Bool = false) async throws -> RunRecord? {
        guard let run = try await store.run(id: runID), run.status == .running else {
            lifecycles.finished(runID)
            return nil
        }
        return try await finalizeIfDue(run, planned: nil, now: now, force: force)
    }

    /// `finalizeIfDue(runID:now:force:)` for a run read as running; `planned`, when the caller
    /// has it, saves reading it again to rebuild a lifecycle.
    func finalizeIfDue(_ run: RunRecord, planned: [PlannedScenario]?, now: Date, force: Bool) async throws -> RunRecord?
    {
        var tracked: TrackedRun
        if let known = lifecycles[run.id] {
            tracked = known
        } else {
            let rows: [PlannedScenario]
            if let planned { rows = planned } else { rows = try await store.plannedScenarios(runID: run.id) }
            tracked = TrackedRun(run: run, planned: rows)
        }
        if force { tracked.lifecycle.endNow(at: now) }
        for name in try await store.scenariosWithResults(runID: run.id) { tracked.lifecycle.received(name) }
        defer { lifecycles.track(tracked) }
        switch tracked.lifecycle.decide(at: now) {
        case .wait, .none:
            return nil
        case .finalize:
            break
        case .finalizeWithLost(let missing):
            for name in missing {
                let placement = tracked.placement(of: name)
                let lost = ScenarioResult(
                    runID: run.id,
                    scenario: name,
                    module: placement.module,
                    priority: placement.priority,
                    status: .error,
                    attempt: 0,
                    worker: "coordinator",
                    errorKind: .lost,
                    errorMessage:
                        "no result before the run's deadline: the job was lost (a worker crashed or the queue lost it)",
                    startedAt: now,
                    completedAt: now
                )
                _ = try await store.recordResult(lost)
                tracked.lifecycle.received(name)
            }
        }
        let policy = alerts
        let finalized = try await store.finalizeRun(
            id: run.id,
            at: now,
            historyWindow: max(policy.config.flakyWindow, policy.config.escalateAfter),
            analysis: { input in policy.analyze(input, now: now) }
        )
        // Whoever finalized it (the store says exactly once), this run is done.
        tracked.lifecycle.finalized()
        if let finalized {
            Counter(
                label: "ronda_runs_finalized_total",
                dimensions: [("verdict", finalized.totals.allPassed ? "passed" : "failed")]
            )
            .increment()
            logger.info(
                "run finalized",
                metadata: [
                    "run": "\(run.id)", "passed": "\(finalized.totals.passed)", "failed": "\(finalized.totals.failed)",
                    "errored": "\(finalized.totals.errored)",
                ]
            )
        }
        return finalized
    }

    /// The lifecycle this coordinator keeps for a run, if it handles it now.
    public func lifecycle(ofRun id: String) -> RunLifecycle? { lifecycles[id]?.lifecycle }
}
