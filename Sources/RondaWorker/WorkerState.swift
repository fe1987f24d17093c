import Logging
import RondaQueue
import Synchronization

/// Counters and the stop flag of one worker, shared by its slots and its heartbeat.
public final class WorkerState: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    private let done = Atomic<Int>(0)

    public init() {}

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }
    /// Scenarios running now.
    public var inFlight: Int { running.load(ordering: .relaxed) }
    /// Results recorded since start.
    public var processed: Int { done.load(ordering: .relaxed) }

    func requestStop() { stopping.store(true, ordering: .relaxed) }
    func started() { running.add(1, ordering: .relaxed) }
    func finished() { running.subtract(1, ordering: .relaxed) }
    func recorded() { done.add(1, ordering: .relaxed) }
}

/// The pause switch as workers see it: asked of the control plane at most every 250 ms,
/// so a pause stops new scenarios well within a second without a round trip per lease.
final class PauseGate: Sendable {
    static let recheck: Duration = .milliseconds(250)
    private let control: any ControlPlane
    private let cached = Mutex<(paused: Bool, at: ContinuousClock.Instant?)>((false, nil))
    private let clock = ContinuousClock()

    init(control: any ControlPlane) {
        self.control = control
    }

    func isPaused(logger: Logger) async -> Bool {
        let now = clock.now
        if let hit = cached.withLock({ cache -> Bool? in
            guard let at = cache.at, at.duration(to: now) < Self.recheck else { return nil }
            return cache.paused
        }) {
            return hit
        }
        let paused: Bool
        do { paused = try await control.isPaused() } catch {
            // Unknown: keep the last answer; the lease call reports the outage.
            logger.debug("cannot read the pause switch", metadata: ["error": "\(error)"])
            return cached.withLock { $0.paused }
        }
        cached.withLock { $0 = (paused, now) }
        return paused
    }
}
