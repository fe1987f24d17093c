import Foundation
public import Logging
public import RondaCore
public import RondaEngine
public import RondaQueue
public import RondaStore

/// The worker loop: lease → rate limit → engine → store → acknowledge.
///
/// A result is committed before its job is acknowledged, so a crash at any line re-delivers
/// the job and the store's unique (run, scenario) key absorbs a second result. While a job
/// runs, its lease is renewed; a lease found lost (another consumer reclaimed it) means this
/// worker stops writing for it.
public struct Worker: Sendable {
    public var name: String
    public let queue: any JobQueue
    public let store: any ResultStore
    public let runner: ScenarioRunner
    /// Heartbeats and the pause switch; `nil` in embedded runs.
    public var control: (any ControlPlane)?
    /// Awaited before every HTTP request; `nil` for no limit.
    public var rateLimiter: (any RateLimiter)?
    /// Pause between two scenarios of one slot.
    public var delayBetween: Duration
    /// How long one lease call waits for a job.
    public var leaseWait: Duration
    /// How often a running job's lease is renewed (well within the queue's lease time).
    public var renewInterval: Duration
    /// `true` (embedded): a slot stops when the queue has nothing more. `false` (distributed):
    /// slots wait for jobs until `stop()` or cancellation.
    public var exitWhenIdle: Bool
    public var logger: Logger
    /// Called with each result this worker recorded (for progress output).
    public var onResult: (@Sendable (ScenarioResult) -> Void)?
    /// In-flight counts and the stop flag, shared by the copies of this worker.
    public let state = WorkerState()
    let pauseGate: PauseGate?

    public init(
        name: String,
        queue: any JobQueue,
        store: any ResultStore,
        runner: ScenarioRunner,
        control: (any ControlPlane)? = nil,
        rateLimiter: (any RateLimiter)? = nil,
        delayBetween: Duration = .zero,
        leaseWait: Duration = .seconds(1),
        renewInterval: Duration = .seconds(10),
        exitWhenIdle: Bool = true,
        logger: Logger = Logger(label: "ronda.worker"),
        onResult: (@Sendable (ScenarioResult) -> Void)? = nil
    ) {
        self.name = name
        self.queue = queue
        self.store = store
        self.runner = runner
        self.control = control
        self.rateLimiter = rateLimiter
        self.delayBetween = delayBetween
        self.leaseWait = leaseWait
        self.renewInterval = renewInterval
        self.exitWhenIdle = exitWhenIdle
        self.logger = logger
        self.onResult = onResult
        self.pauseGate = control.map { PauseGate(control: $0, store: store) }
    }

    /// Stops leasing: each slot finishes (records and acknowledges) the job it is running,
    /// releases a job it leased but did not start, and returns.
    public func stop() { state.requestStop() }

    /// Runs `concurrency` slots until the queue has nothing more (when `exitWhenIdle`), `stop()`,
    /// or cancellation. A job cancelled mid-run is released, not recorded.
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
        // A recorded job whose acknowledgement goes out with the next lease (one round trip).
        // It is kept until an acknowledgement succeeds: dropping it would leave the job pending,
        // and another worker would run it again once the lease ran out.
        var pendingAck: TrackedLease?
        // Until its first job the slot waits on the global executor, so an idle worker starts no
        // event loop and does not load libcurl. From then on it lives on one of the HTTP
        // transport's event loops: its requests, and the scenario work between them, never
        // switch threads (docs/architecture.md).
        if await slotLoop(consumer, &first, &pendingAck, untilFirstJob: true) {
            await runner.onLoop { _ = await slotLoop(consumer, &first, &pendingAck, untilFirstJob: false) }
        }
        await acknowledge(&pendingAck, retrying: true)
    }

    /// Leases and runs jobs until the slot stops; with `untilFirstJob`, returns `true` as soon
    /// as one job was run (`false` when the slot stopped first).
    private func slotLoop(
        _ consumer: String,
        _ first: inout Bool,
        _ pendingAck: inout TrackedLease?,
        untilFirstJob: Bool
    ) async -> Bool {
        while !Task.isCancelled, !state.isStopping {
            if let pauseGate, await pauseGate.isPaused(logger: logger) {
                await acknowledge(&pendingAck, retrying: false)
                try? await Task.sleep(for: PauseGate.recheck)
                continue
            }
            let lease: Lease?
            do {
                if let done = pendingAck {
                    lease = try await queue.acknowledge(done.lease, thenLeaseFor: consumer, wait: leaseWait)
                    done.handle(.acknowledged)
                    pendingAck = nil
                } else {
                    lease = try await queue.lease(consumer: consumer, wait: leaseWait)
                }
            } catch {
                if let done = pendingAck {
                    logger.error(
                        "cannot acknowledge a recorded job and lease the next; keeping the acknowledgement, retrying in 1 s",
                        metadata: ["job": "\(done.lease.job.id)", "error": "\(error)"]
                    )
                } else {
                    logger.error("cannot lease a job; retrying in 1 s", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let lease else {
                if exitWhenIdle { break }
                continue
            }
            // Stopping, cancelled or paused while waiting: give the job back unstarted.
            if Task.isCancelled || state.isStopping {
                await release(TrackedLease(lease))
                break
            }
            if let pauseGate, await pauseGate.isPaused(logger: logger) {
                await release(TrackedLease(lease))
                continue
            }
            if !first, delayBetween > .zero {
                try? await Task.sleep(for: delayBetween)
            }
            first = false
            pendingAck = await run(lease, consumer: consumer)
            if untilFirstJob { return true }
        }
        return false
    }

    /// Acknowledges a recorded job (if any) on its own; clears `pending` once that succeeded.
    /// With `retrying`, tries again (backing off up to 5 s) until it succeeds or the task is
    /// cancelled (a drain that ran out of time); without, one try (the caller tries again later).
    func acknowledge(_ pending: inout TrackedLease?, retrying: Bool) async {
        guard let tracked = pending, tracked.needsAcknowledgement else {
            pending = nil
            return
        }
        let lease = tracked.lease
        var backoff = 0.2
        while true {
            do {
                try await queue.acknowledge(lease)
                tracked.handle(.acknowledged)
                pending = nil
                return
            } catch {
                let last = !retrying || Task.isCancelled
                logger.warning(
                    last
                        ? "cannot acknowledge a recorded job (it will be re-delivered and absorbed)"
                        : "cannot acknowledge a recorded job; retrying",
                    metadata: ["job": "\(lease.job.id)", "error": "\(error)"]
                )
                if last { return }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 5)
            }
        }
    }

    /// Gives a job back to the queue when its lifecycle says so (leased and not started, or
    /// cancelled mid-run); the lifecycle is then `released` whether or not the queue answered.
    func release(_ tracked: TrackedLease) async {
        guard tracked.needsRelease else { return }
        let lease = tracked.lease
        defer { tracked.handle(.released) }
        do { try await queue.release(lease) } catch {
            logger.warning(
                "cannot release a job (it is reclaimed after the lease time)",
                metadata: ["job": "\(lease.job.id)", "error": "\(error)"]
            )
        }
    }
}
