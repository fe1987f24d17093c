import Foundation
import Logging
import RondaCore
import RondaEngine
public import RondaQueue
import RondaRuntime
import RondaStore
import Synchronization

extension Worker {
    /// Runs one leased job and records its result; acknowledges only after the commit.
    /// The lease is renewed until then; if it is lost, nothing is written for the job.
    public func process(_ lease: Lease, consumer: String) async {
        var recorded = await run(lease, consumer: consumer)
        await acknowledge(&recorded, retrying: true)
    }

    /// Runs one leased job and records its result (renewing the lease meanwhile). Returns the
    /// lease to acknowledge — the result is committed — or `nil` when the job was released or
    /// its lease was lost. What happens is decided by the lease's `LeaseLifecycle`.
    func run(_ lease: Lease, consumer: String) async -> TrackedLease? {
        let tracked = TrackedLease(lease)
        tracked.handle(.start)
        state.started()
        defer { state.finished() }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.renewLoop(tracked) }
            await self.runAndRecord(tracked, consumer: consumer)
            group.cancelAll()
            return tracked.needsAcknowledgement ? tracked : nil
        }
    }

    private func renewLoop(_ tracked: TrackedLease) async {
        let lease = tracked.lease
        while !Task.isCancelled {
            do { try await cancellableSleep(for: renewInterval) } catch { return }
            do {
                if try await !queue.renew(lease) {
                    let before = tracked.state
                    tracked.handle(.renewLost)
                    guard before != .recorded else { return }
                    try? await queue.noteFailure(
                        lease,
                        "delivery \(lease.deliveries) on worker \(name): the lease was lost (not renewed within the lease time)"
                    )
                    logger.warning(
                        "lease lost: another worker took the job over; this worker will not record it",
                        metadata: ["job": "\(lease.job.id)"]
                    )
                    return
                }
            } catch {
                // The queue is away; the lease may still be ours. Keep trying.
                logger.warning(
                    "cannot renew a lease; retrying",
                    metadata: ["job": "\(lease.job.id)", "error": "\(error)"]
                )
            }
        }
    }

    /// Runs the job and records its result while the lifecycle allows it; leaves the lifecycle
    /// `recorded` once the result is committed (now or by an earlier delivery).
    private func runAndRecord(_ tracked: TrackedLease, consumer: String) async {
        let lease = tracked.lease
        let result = await execute(lease, consumer: consumer)
        if Task.isCancelled {
            // A hard stop in the middle of the scenario: the result is not trustworthy; re-deliver.
            tracked.handle(.cancelled)
            guard tracked.needsRelease else { return }
            try? await queue.noteFailure(
                lease,
                "delivery \(lease.deliveries) on worker \(name): cancelled before it finished (drain timeout or SIGQUIT)"
            )
            await release(tracked)
            return
        }
        var backoff = 0.2
        while tracked.mayRecord {
            do {
                let inserted = try await store.recordResult(result)
                if inserted {
                    state.recorded()
                    WorkerMetrics.recorded(result)
                    onResult?(result)
                }
                if !tracked.handle(.recorded) {
                    logger.warning(
                        "the result is committed but the lease was lost meanwhile; the job's new holder acknowledges it",
                        metadata: ["job": "\(lease.job.id)"]
                    )
                }
                return
            } catch let error as StoreError where error.code == .unknownRun {
                // The run is gone (deleted by retention): nothing will ever take this result.
                logger.error(
                    "dropping a job whose run no longer exists",
                    metadata: ["job": "\(lease.job.id)", "error": "\(error.message)"]
                )
                tracked.handle(.recorded)
                return
            } catch {
                logger.warning(
                    "cannot record the result; retrying",
                    metadata: ["scenario": "\(result.scenario)", "error": "\(error)"]
                )
                if Task.isCancelled { return }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 5)
            }
        }
    }

    /// Loads and validates the job's snapshot and runs it with the run's variables; never throws.
    /// A snapshot that does not load or validate ends as one `configuration` error result with
    /// the loader's or validator's message, under the planned module and priority.
    func execute(_ lease: Lease, consumer: String) async -> ScenarioResult {
        let job = lease.job
        do {
            let scenario = try ScenarioLoader.parse(job.source, file: job.file)
            // The worker does not know the run's configuration: role checks are the engine's.
            let problems = ScenarioValidator.validate(scenario, config: nil)
            if !problems.isEmpty {
                return ScenarioResult(
                    runID: job.runID,
                    scenario: job.scenario,
                    module: job.module ?? scenario.module,
                    priority: job.priority ?? scenario.priority,
                    status: .error,
                    attempt: lease.deliveries,
                    worker: consumer,
                    errorKind: .configuration,
                    errorMessage: "the scenario snapshot in the job does not validate: "
                        + problems.map(\.description).joined(separator: "\n")
                )
            }
            var runner = self.runner
            if let baseURL = job.variables[Job.baseURLVariable] { runner.configuration.baseURL = baseURL }
            if let limiter = rateLimiter {
                let logger = self.logger
                runner.configuration.beforeRequest = { host in
                    do { try await limiter.acquire(host: host) } catch {
                        if !Task.isCancelled {
                            logger.warning(
                                "rate limiter unavailable; sending without it",
                                metadata: ["host": "\(host)", "error": "\(error)"]
                            )
                        }
                    }
                }
            }
            return await runner.run(scenario, runID: job.runID, worker: consumer, attempt: lease.deliveries)
        } catch {
            return ScenarioResult(
                runID: job.runID,
                scenario: job.scenario,
                module: job.module ?? "unknown",
                priority: job.priority ?? .p2,
                status: .error,
                attempt: lease.deliveries,
                worker: consumer,
                errorKind: .configuration,
                errorMessage: "the scenario snapshot in the job does not load: \(error.operatorMessage)"
            )
        }
    }
}
