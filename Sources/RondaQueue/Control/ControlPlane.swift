public import Foundation
import Synchronization

/// What a live worker reports in its heartbeat (`ronda stats` lists these).
public struct WorkerInfo: Sendable, Hashable, Codable {
    public var name: String
    public var host: String
    public var pid: Int32
    public var concurrency: Int
    /// Scenarios running now.
    public var inFlight: Int
    /// Results this worker has recorded since it started.
    public var processed: Int
    public var startedAt: Date
    public var seenAt: Date
    /// Whether the worker is holding back new scenarios because of the pause switch, as it last
    /// read it (`nil` from a worker that does not say).
    public var paused: Bool?

    public init(
        name: String,
        host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = ProcessInfo.processInfo.processIdentifier,
        concurrency: Int,
        inFlight: Int = 0,
        processed: Int = 0,
        startedAt: Date = Date(),
        seenAt: Date = Date(),
        paused: Bool? = nil
    ) {
        self.name = name
        self.host = host
        self.pid = pid
        self.concurrency = concurrency
        self.inFlight = inFlight
        self.processed = processed
        self.startedAt = startedAt
        self.seenAt = seenAt
        self.paused = paused
    }
}

/// The pause switch as the control plane holds it.
public enum PauseSwitch: String, Sendable, Hashable {
    case paused
    case running
    /// No record of it: never set, or lost with the queue's data (a Redis restarted empty).
    case unknown
}

/// The small shared state beside the queue: worker heartbeats, the pause switch, and the
/// marks that say a run's jobs are in the queue. Redis keys in distributed mode, memory embedded.
public protocol ControlPlane: Sendable {
    /// Records that `worker` is alive for `ttl` (refresh well within it).
    func heartbeat(_ worker: WorkerInfo, ttl: Duration) async throws
    /// Removes a stopping worker's heartbeat.
    func removeWorker(named name: String) async throws
    /// Workers whose heartbeat has not expired, by name.
    func liveWorkers() async throws -> [WorkerInfo]
    /// The kill switch: while paused, workers start no new scenario.
    func setPaused(_ paused: Bool) async throws
    func isPaused() async throws -> Bool
    /// The switch, telling "not paused" apart from "no record of it".
    func pauseSwitch() async throws -> PauseSwitch
    /// Writes the switch only when there is no record of it (restoring it from the durable copy
    /// after a data loss; a concurrent `setPaused` wins). Returns `true` when it wrote it.
    func restorePause(_ paused: Bool) async throws -> Bool
    /// Marks that the run's jobs are in the queue, for `ttl`. The mark disappears with the
    /// queue's data, which is how the sweeper notices that Redis lost the jobs.
    func markRunEnqueued(_ runID: String, ttl: Duration) async throws
    func isRunEnqueued(_ runID: String) async throws -> Bool
}

extension ControlPlane {
    /// For control planes that cannot lose the switch: paused or running, never unknown.
    public func pauseSwitch() async throws -> PauseSwitch { try await isPaused() ? .paused : .running }
    public func restorePause(_ paused: Bool) async throws -> Bool { false }
}

/// The embedded mode's control plane, in memory.
public final class InProcessControlPlane: ControlPlane {
    private struct State {
        var workers: [String: (info: WorkerInfo, expires: ContinuousClock.Instant)] = [:]
        var paused: Bool?
        var runs: [String: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    public init() {}

    public func heartbeat(_ worker: WorkerInfo, ttl: Duration) {
        let expires = clock.now.advanced(by: ttl)
        state.withLock { $0.workers[worker.name] = (worker, expires) }
    }

    public func removeWorker(named name: String) {
        _ = state.withLock { $0.workers.removeValue(forKey: name) }
    }

    public func liveWorkers() -> [WorkerInfo] {
        let now = clock.now
        return state.withLock { state in
            state.workers = state.workers.filter { $0.value.expires > now }
            return state.workers.values.map(\.info).sorted { $0.name < $1.name }
        }
    }

    public func setPaused(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    public func isPaused() -> Bool {
        state.withLock { $0.paused ?? false }
    }

    public func pauseSwitch() -> PauseSwitch {
        state.withLock { $0.paused.map { $0 ? .paused : .running } ?? .unknown }
    }

    public func restorePause(_ paused: Bool) -> Bool {
        state.withLock { state in
            guard state.paused == nil else { return false }
            state.paused = paused
            return true
        }
    }

    public func markRunEnqueued(_ runID: String, ttl: Duration) {
        let expires = clock.now.advanced(by: ttl)
        state.withLock { $0.runs[runID] = expires }
    }

    public func isRunEnqueued(_ runID: String) -> Bool {
        let now = clock.now
        return state.withLock { ($0.runs[runID] ?? now) > now }
    }
}
