public import Foundation
import Logging
public import RondaCore
import RondaQueue
import RondaStore

extension ErrorKind {
    /// The queue gave up on the job: delivered too many times without a result.
    public static let deadLettered = ErrorKind(rawValue: "dead_lettered")
}

extension RunCoordinator {
    /// Records every dead letter no coordinator has recorded yet as an error result of its run,
    /// at once (the run then finalizes without waiting for its deadline). Returns how many
    /// results this call inserted. A dead letter of a run that is gone, or that has a result
    /// already, changes nothing (the result is unique per run and scenario).
    public func recordDeadLetters(now: Date) async throws -> Int {
        var inserted = 0
        while true {
            let letters = try await queue.unrecordedDeadLetters(limit: 200)
            guard let last = letters.last else { return inserted }
            for letter in letters {
                guard let job = letter.job else { continue }
                // The planned module and priority; a job from an older Ronda has them in its snapshot.
                let scenario = job.module == nil ? (try? ScenarioLoader.parse(job.source, file: job.file)) : nil
                let deliveries =
                    letter.deliveries.map { "after \($0) deliveries" } ?? "(\(letter.reason ?? "no reason given"))"
                let lastError =
                    letter.lastError
                    ?? "none reported (each worker holding it was killed or stopped before it could record a result)"
                let result = ScenarioResult(
                    runID: job.runID,
                    scenario: job.scenario,
                    module: job.module ?? scenario?.module ?? "unknown",
                    priority: job.priority ?? scenario?.priority ?? .p2,
                    status: .error,
                    attempt: letter.deliveries ?? 0,
                    worker: "coordinator",
                    errorKind: .deadLettered,
                    errorMessage: "dead-lettered \(deliveries) without a result; last error: \(lastError)",
                    startedAt: now,
                    completedAt: now
                )
                do {
                    if try await store.recordResult(result) {
                        inserted += 1
                        logger.warning(
                            "job dead-lettered; recorded as an error",
                            metadata: [
                                "run": "\(job.runID)", "scenario": "\(job.scenario)",
                                "deliveries": "\(letter.deliveries ?? 0)",
                            ]
                        )
                    }
                } catch let error as StoreError where error.code == .unknownRun {
                    continue
                }
            }
            try await queue.markDeadLettersRecorded(through: last.id)
            if letters.count < 200 { return inserted }
        }
    }

    /// Writes the store's pause switch into the control plane when it has no record of it
    /// (Redis restarted without its data). Returns `true` when it restored it.
    func restorePauseSwitch() async throws -> Bool {
        guard let control, try await control.pauseSwitch() == .unknown else { return false }
        let paused = try await store.pausedSetting() ?? false
        guard try await control.restorePause(paused) else { return false }
        if paused {
            logger.warning(
                "the pause switch was gone from Redis (did it lose its data?); restored from the database: paused"
            )
        } else {
            logger.info("pause switch written to Redis from the database: not paused")
        }
        return true
    }

    /// Whether the store and the queue answer now (one cheap query and the queue's counts).
    public func serversAnswer() async -> Bool {
        do {
            _ = try await store.run(id: "")
            _ = try await queue.stats()
            return true
        } catch {
            return false
        }
    }
}
