import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaQueue
import RondaStore

/// `ronda run --distributed`: a manual run through Redis and PostgreSQL. Enqueues one job per
/// scenario for the workers, then waits for the verdict; it finalizes the run itself when every
/// result is in or the deadline passed (finalization is exactly once, so a coordinator doing
/// the same is harmless).
struct DistributedRun {
    /// The scenarios with the text `Suite.load` validated: what the jobs carry.
    var snapshots: [ScenarioSnapshot]
    var baseURL: String
    var trigger: RunTrigger
    var deadline: Duration
    var cluster: ClusterOptions
    var logger: Logger
    var onResult: (@Sendable (ScenarioResult) -> Void)?
    /// The alert policy: a distributed run writes its decisions whoever finalizes it; a
    /// coordinator (or `--notify`) delivers them.
    var alerts: AlertSetup? = nil
    var release: String? = nil
    /// Deliver the decisions here too (`--notify`), not only through a coordinator.
    var deliver = false

    func execute() async throws -> EmbeddedRun.Outcome {
        let connected = try await cluster.connectRedis(logger: logger)
        defer { connected.close() }
        return try await cluster.withStore(logger: logger) { store in
            try await execute(store: store, cluster: connected)
        }
    }

    private func execute(store: any ResultStore, cluster: Cluster) async throws -> EmbeddedRun.Outcome {
        try await store.migrate()
        var coordinator = RunCoordinator(store: store, queue: cluster.queue, control: cluster.control, logger: logger)
        if let alerts { coordinator.alerts = alerts.policy }
        guard
            let run = try await coordinator.startRun(
                snapshots,
                trigger: trigger,
                deadline: Date().addingTimeInterval(deadline.inSeconds),
                variables: [RondaQueue.Job.baseURLVariable: baseURL],
                release: release
            )
        else {
            throw CLIError(code: .storage, message: "the run could not be created")
        }
        var reported = Set<String>()
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                if let onResult {
                    let names = try await store.scenariosWithResults(runID: run.id)
                    if names.count > reported.count {
                        for result in try await store.results(runID: run.id) where !reported.contains(result.scenario) {
                            reported.insert(result.scenario)
                            onResult(result)
                        }
                    }
                }
                // A dead-lettered job ends as an error at once, without a coordinator serving.
                _ = try await coordinator.recordDeadLetters(now: Date())
                _ = try await coordinator.finalizeIfDue(runID: run.id)
                if let current = try await store.run(id: run.id), current.status != .running {
                    var delivered: AlertDeliverer.Pass?
                    if let alerts, deliver, !alerts.channels.isEmpty {
                        delivered = try await alerts.deliverer(store: store, logger: logger)
                            .drain(until: Date().addingTimeInterval(60))
                    }
                    return EmbeddedRun.Outcome(
                        run: current,
                        results: try await store.results(runID: run.id),
                        alerts: delivered
                    )
                }
                backoff = .milliseconds(100)
            } catch {
                logger.warning(
                    "waiting for the run's results; the database did not answer",
                    metadata: ["error": "\(error)"]
                )
                backoff = min(backoff * 2, .seconds(5))
            }
            try await Task.sleep(for: backoff)
        }
    }
}
