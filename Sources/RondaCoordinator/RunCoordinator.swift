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
}

/// Creates runs, enqueues one job per scenario, and finalizes runs exactly once.
public struct RunCoordinator: Sendable {
    public let store: any ResultStore
    public let queue: any JobQueue
    public var logger: Logger

    public init(store: any ResultStore, queue: any JobQueue, logger: Logger = Logger(label: "ronda.coordinator")) {
        self.store = store
        self.queue = queue
        self.logger = logger
    }

    /// Creates a run for these scenarios and enqueues their jobs. For a scheduled run whose
    /// (schedule, slot) exists already, returns `nil` and enqueues nothing: only the creator enqueues.
    public func startRun(
        _ scenarios: [ScenarioSnapshot], trigger: RunTrigger, schedule: String? = nil, slot: Date? = nil,
        deadline: Date, variables: [String: String] = [:], id: String = UUID().uuidString.lowercased()
    ) async throws -> RunRecord? {
        let run = RunRecord(
            id: id, trigger: trigger, schedule: schedule, slot: slot, status: .running,
            totals: RunTotals(scenarios: scenarios.count), startedAt: Date(), deadline: deadline
        )
        guard try await store.createRun(run) else { return nil }
        let jobs = scenarios.map {
            Job(runID: run.id, scenario: $0.scenario.name, source: $0.source, file: $0.scenario.file, variables: variables)
        }
        try await queue.enqueue(jobs)
        logger.info("run started", metadata: ["run": "\(run.id)", "scenarios": "\(scenarios.count)", "trigger": "\(trigger.rawValue)"])
        return run
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
