import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaQueue
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
    /// its lease was lost.
    func run(_ lease: Lease, consumer: String) async -> Lease? {
        state.started()
        defer { state.finished() }
        let lost = LeaseFlag()
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.renewLoop(lease, lost: lost) }
            let recorded = await self.runAndRecord(lease, consumer: consumer, lost: lost)
            group.cancelAll()
            return recorded ? lease : nil
        }
    }

    private func renewLoop(_ lease: Lease, lost: LeaseFlag) async {
        while !Task.isCancelled {
            do { try await cancellableSleep(for: renewInterval) } catch { return }
            do {
                if try await !queue.renew(lease) {
                    lost.set()
                    try? await queue.noteFailure(lease, "delivery \(lease.deliveries) on worker \(name): the lease was lost (not renewed within the lease time)")
                    logger.warning("lease lost: another worker took the job over; this worker will not record it", metadata: ["job": "\(lease.job.id)"])
                    return
                }
            } catch {
                // The queue is away; the lease may still be ours. Keep trying.
                logger.warning("cannot renew a lease; retrying", metadata: ["job": "\(lease.job.id)", "error": "\(error)"])
            }
        }
    }

    /// Returns `true` once the result is committed (inserted now or by an earlier delivery).
    private func runAndRecord(_ lease: Lease, consumer: String, lost: LeaseFlag) async -> Bool {
        let result = await execute(lease, consumer: consumer)
        if Task.isCancelled {
            // A hard stop in the middle of the scenario: the result is not trustworthy; re-deliver.
            try? await queue.noteFailure(lease, "delivery \(lease.deliveries) on worker \(name): cancelled before it finished (drain timeout or SIGQUIT)")
            await release(lease)
            return false
        }
        var backoff = 0.2
        while true {
            if lost.isSet { return false }
            do {
                let inserted = try await store.recordResult(result)
                if inserted {
                    state.recorded()
                    onResult?(result)
                }
                break
            } catch let error as StoreError where error.code == .unknownRun {
                // The run is gone (deleted by retention): nothing will ever take this result.
                logger.error("dropping a job whose run no longer exists", metadata: ["job": "\(lease.job.id)", "error": "\(error.message)"])
                return true
            } catch {
                logger.warning("cannot record the result; retrying", metadata: ["scenario": "\(result.scenario)", "error": "\(error)"])
                if Task.isCancelled { return false }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 5)
            }
        }
        return true
    }

    /// Loads the job's snapshot and runs it with the run's variables; never throws.
    func execute(_ lease: Lease, consumer: String) async -> ScenarioResult {
        let job = lease.job
        do {
            let scenario = try ScenarioLoader.parse(job.source, file: job.file)
            var runner = self.runner
            if let baseURL = job.variables[Job.baseURLVariable] { runner.configuration.baseURL = baseURL }
            if let limiter = rateLimiter {
                let logger = self.logger
                runner.configuration.beforeRequest = { host in
                    do { try await limiter.acquire(host: host) } catch {
                        if !Task.isCancelled {
                            logger.warning("rate limiter unavailable; sending without it", metadata: ["host": "\(host)", "error": "\(error)"])
                        }
                    }
                }
            }
            return await runner.run(scenario, runID: job.runID, worker: consumer, attempt: lease.deliveries)
        } catch {
            return ScenarioResult(
                runID: job.runID, scenario: job.scenario, module: "unknown", priority: .p2, status: .error,
                attempt: lease.deliveries, worker: consumer, errorKind: .configuration,
                errorMessage: "the scenario snapshot in the job does not load: \(error.description)"
            )
        }
    }
}

/// Set once a job's lease is found lost.
final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
