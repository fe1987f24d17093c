import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaQueue
import RondaStore

/// The worker loop: lease → engine → store → acknowledge.
///
/// A result is committed before its job is acknowledged, so a crash at any line re-delivers
/// the job and the store's unique (run, scenario) key absorbs a second result.
public struct Worker: Sendable {
    public var name: String
    public let queue: any JobQueue
    public let store: any ResultStore
    public let runner: ScenarioRunner
    /// Pause between two scenarios of one slot.
    public var delayBetween: Double
    /// How long one lease call waits for a job.
    public var leaseWait: Duration
    public var logger: Logger
    /// Called with each result this worker recorded (for progress output).
    public var onResult: (@Sendable (ScenarioResult) -> Void)?

    public init(
        name: String, queue: any JobQueue, store: any ResultStore, runner: ScenarioRunner,
        delayBetween: Double = 0, leaseWait: Duration = .seconds(1), logger: Logger = Logger(label: "ronda.worker"),
        onResult: (@Sendable (ScenarioResult) -> Void)? = nil
    ) {
        self.name = name
        self.queue = queue
        self.store = store
        self.runner = runner
        self.delayBetween = delayBetween
        self.leaseWait = leaseWait
        self.logger = logger
        self.onResult = onResult
    }

    /// Runs `concurrency` slots until the queue has nothing more (embedded: closed and empty)
    /// or the task is cancelled. Jobs leased but not started when cancelled are released.
    public func run(concurrency: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<max(1, concurrency) {
                group.addTask { await self.runSlot(slot) }
            }
        }
    }

    func runSlot(_ slot: Int) async {
        let consumer = "\(name)-\(slot)"
        var first = true
        while !Task.isCancelled {
            let lease: Lease?
            do {
                lease = try await queue.lease(consumer: consumer, wait: leaseWait)
            } catch {
                logger.error("cannot lease a job", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let lease else { return }
            if Task.isCancelled {
                try? await queue.release(lease)
                return
            }
            if !first, delayBetween > 0 {
                try? await Task.sleep(for: .seconds(delayBetween))
            }
            first = false
            await process(lease, consumer: consumer)
        }
    }

    /// Runs one leased job and records its result; acknowledges only after the commit.
    public func process(_ lease: Lease, consumer: String) async {
        let result: ScenarioResult
        do {
            let scenario = try ScenarioLoader.parse(lease.job.source, file: lease.job.file)
            result = await runner.run(scenario, runID: lease.job.runID, worker: consumer, attempt: lease.deliveries)
        } catch {
            result = ScenarioResult(
                runID: lease.job.runID, scenario: lease.job.scenario, module: "unknown", priority: .p2, status: .error,
                attempt: lease.deliveries, worker: consumer, errorKind: .configuration,
                errorMessage: "the scenario snapshot in the job does not load: \(error.description)"
            )
        }
        var backoff = 0.2
        while true {
            do {
                let inserted = try await store.recordResult(result)
                if inserted { onResult?(result) }
                break
            } catch {
                logger.warning("cannot record the result; retrying", metadata: ["scenario": "\(result.scenario)", "error": "\(error)"])
                if Task.isCancelled { return }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 5)
            }
        }
        do {
            try await queue.acknowledge(lease)
        } catch {
            logger.warning("cannot acknowledge a recorded job (it will be re-delivered and absorbed)", metadata: ["job": "\(lease.job.id)", "error": "\(error)"])
        }
    }
}
