import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaEngine
import RondaHTTP
import RondaQueue
import RondaStore
import RondaWorker

/// One run in embedded mode: the same coordinator, worker and store code as the distributed
/// mode, with the in-process queue and SQLite.
struct EmbeddedRun {
    /// The scenarios with the text `Suite.load` validated: what the jobs carry.
    var snapshots: [ScenarioSnapshot]
    var engine: EngineConfiguration
    var databasePath: String
    var parallel: Int
    var delayBetween: Duration
    var trigger: RunTrigger
    var logger: Logger
    var onResult: (@Sendable (ScenarioResult) -> Void)?
    /// The alert policy (`ronda run --notify`: decisions and delivery); `nil` groups errors only.
    var alerts: AlertSetup? = nil
    /// The target's release, read before the run (`alerts.release`).
    var release: String? = nil

    struct Outcome {
        var run: RunRecord
        var results: [ScenarioResult]
        /// What delivering the run's alert decisions came to (`--notify`).
        var alerts: AlertDeliverer.Pass? = nil
    }

    var scenarios: [Scenario] { snapshots.map(\.scenario) }

    func execute() async throws -> Outcome {
        let store: SQLiteStore
        do {
            store = try await SQLiteStore.open(path: databasePath, logger: logger)
            try await store.migrate()
        } catch {
            throw CLIError(
                code: .storage,
                message: "cannot use the results database at \(databasePath): \(error.operatorMessage)"
            )
        }
        do {
            let outcome = try await execute(store: store)
            try? await store.close()
            return outcome
        } catch {
            try? await store.close()
            throw error
        }
    }

    private func execute(store: SQLiteStore) async throws -> Outcome {
        let queue = InProcessQueue()
        var coordinator = RunCoordinator(store: store, queue: queue, logger: logger)
        if let alerts { coordinator.alerts = alerts.policy }
        let longest = scenarios.map(\.timeout).max() ?? .seconds(300)
        let waves = (scenarios.count + max(parallel, 1) - 1) / max(parallel, 1)
        let deadline = Date().addingTimeInterval(
            ((longest + engine.teardownTimeout + delayBetween) * waves + .seconds(60)).inSeconds
        )
        guard
            let run = try await coordinator.startRun(
                snapshots,
                trigger: trigger,
                deadline: deadline,
                release: release
            )
        else {
            throw CLIError(code: .storage, message: "the run could not be created")
        }
        await queue.close()
        let worker = Worker(
            name: "embedded-\(ProcessInfo.processInfo.processIdentifier)",
            queue: queue,
            store: store,
            runner: ScenarioRunner(
                configuration: engine,
                logger: logger,
                executor: .forConcurrency(parallel)
            ),
            delayBetween: delayBetween,
            leaseWait: .seconds(1),
            logger: logger,
            onResult: onResult
        )
        await worker.run(concurrency: min(max(parallel, 1), max(scenarios.count, 1)))
        let finalized = try await coordinator.finalizeIfDue(runID: run.id, force: true)
        var final = finalized
        if final == nil { final = try await store.run(id: run.id) }
        guard let final else {
            throw CLIError(code: .storage, message: "the run \(run.id) vanished from the database")
        }
        var delivered: AlertDeliverer.Pass?
        if let alerts, !alerts.channels.isEmpty {
            // This run's decisions, and any an earlier run left pending; what waits for a
            // backoff is sent by the next `ronda run --notify` (or a coordinator).
            delivered = try await alerts.deliverer(store: store, logger: logger).drain(
                until: Date().addingTimeInterval(60)
            )
        }
        return Outcome(run: final, results: try await store.results(runID: run.id), alerts: delivered)
    }
}
