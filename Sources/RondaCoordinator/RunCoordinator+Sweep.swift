public import Foundation
import Logging
public import RondaCore
import RondaQueue
import RondaStore

/// What one sweep did.
public struct SweepReport: Sendable, Hashable {
    /// Runs found created but never enqueued, now enqueued.
    public var enqueued: [String] = []
    /// Runs whose jobs vanished from the queue (it lost its data), enqueued again.
    public var requeued: [String] = []
    /// Jobs enqueued by this sweep.
    public var jobs = 0
    /// Runs finalized by this sweep.
    public var finalized: [RunRecord] = []
    /// Dead-lettered jobs recorded as error results by this sweep.
    public var deadLettered = 0
    /// Whether this sweep wrote the pause switch back into Redis (it had lost it).
    public var pauseRestored = false

    public init() {}
}

extension RunCoordinator {
    /// Repairs and finishes running runs, safe to run from several coordinators at once:
    /// - a run created but not marked enqueued after `enqueueGrace` gets its jobs enqueued
    ///   (its creator crashed between the two steps);
    /// - a run whose queue mark vanished (Redis lost its data) gets the jobs of scenarios
    ///   without a result enqueued again;
    /// - a dead-lettered job is recorded at once as an error result of its run;
    /// - the pause switch is written back into Redis from the store when Redis lost it;
    /// - a run with every result in, or past its deadline, is finalized (missing ones lost).
    /// A job enqueued twice is harmless: the store keeps one result per (run, scenario).
    public func sweep(now: Date = Date()) async throws -> SweepReport {
        var report = SweepReport()
        report.pauseRestored = try await restorePauseSwitch()
        report.deadLettered = try await recordDeadLetters(now: now)
        let running = try await store.runningRuns()
        // Lifecycles of runs finalized elsewhere (another coordinator, `run --distributed`) go.
        lifecycles.keep(only: Set(running.map(\.id)))
        for run in running {
            let planned = try await store.plannedScenarios(runID: run.id)
            // Runs without planned scenarios are embedded runs: their process owns them.
            guard !planned.isEmpty else { continue }
            if now < run.deadline {
                if run.enqueuedAt == nil {
                    guard now.timeIntervalSince(run.startedAt) >= enqueueGrace.inSeconds else { continue }
                    report.jobs += try await enqueueMissing(run, planned, now: now)
                    report.enqueued.append(run.id)
                    logger.warning(
                        "run was created but never enqueued (its coordinator stopped); enqueued now",
                        metadata: ["run": "\(run.id)"]
                    )
                } else if let control, try await !control.isRunEnqueued(run.id) {
                    report.jobs += try await enqueueMissing(run, planned, now: now)
                    report.requeued.append(run.id)
                    logger.warning(
                        "the queue lost this run's jobs (Redis lost its data?); enqueued again",
                        metadata: ["run": "\(run.id)"]
                    )
                }
            }
            if let finalized = try await finalizeIfDue(run, planned: planned, now: now, force: false) {
                report.finalized.append(finalized)
            }
        }
        return report
    }

    private func enqueueMissing(_ run: RunRecord, _ planned: [PlannedScenario], now: Date) async throws -> Int {
        let done = try await store.scenariosWithResults(runID: run.id)
        let missing = planned.filter { !done.contains($0.scenario) }
        try await enqueue(run, missing, now: now)
        return missing.count
    }

    /// Deletes runs started more than `retention` before `now`. Returns how many.
    public func cleanup(retention: Duration, now: Date = Date()) async throws -> Int {
        let deleted = try await store.deleteRuns(startedBefore: now.addingTimeInterval(-retention.inSeconds))
        logger.info(
            "cleanup",
            metadata: ["deleted_runs": "\(deleted)", "retention_days": "\(retention.inSeconds / 86_400)"]
        )
        return deleted
    }
}
