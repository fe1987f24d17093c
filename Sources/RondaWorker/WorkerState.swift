import Logging
import RondaQueue
import RondaStore
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
///
/// When the control plane has no record of the switch (Redis restarted without its data), the
/// durable copy in the store decides, and is written back (unless someone set it meanwhile);
/// when the store cannot be read either, a worker that had seen the switch treats it as paused
/// until it is known again. Every change is logged.
final class PauseGate: Sendable {
    static let recheck: Duration = .milliseconds(250)
    private struct Cache {
        var paused = false
        var at: ContinuousClock.Instant?
        /// Whether the control plane ever had a record of the switch while this worker ran.
        var seen = false
        /// What was logged last (`nil`: nothing yet).
        var logged: String?
    }

    private let control: any ControlPlane
    private let store: (any ResultStore)?
    private let cached = Mutex(Cache())
    private let clock = ContinuousClock()

    init(control: any ControlPlane, store: (any ResultStore)? = nil) {
        self.control = control
        self.store = store
    }

    /// The switch as last read (false before the first reading), without asking again.
    var lastReading: Bool { cached.withLock { $0.paused } }

    func isPaused(logger: Logger) async -> Bool {
        let now = clock.now
        if let hit = cached.withLock({ cache -> Bool? in
            guard let at = cache.at, at.duration(to: now) < Self.recheck else { return nil }
            return cache.paused
        }) {
            return hit
        }
        let state: PauseSwitch
        do { state = try await control.pauseSwitch() } catch {
            // Unknown: keep the last answer; the lease call reports the outage.
            logger.debug("cannot read the pause switch", metadata: ["error": "\(error)"])
            return cached.withLock { $0.paused }
        }
        let paused: Bool
        let reason: String
        switch state {
        case .paused, .running:
            paused = state == .paused
            reason = paused ? "paused: starting no new scenario until `ronda resume`" : "not paused"
            cached.withLock { $0.seen = true }
        case .unknown:
            (paused, reason) = await durableSwitch(logger: logger)
        }
        let change = cached.withLock { cache -> String? in
            cache.paused = paused
            cache.at = now
            guard cache.logged != reason else { return nil }
            defer { cache.logged = reason }
            // The first "not paused" of a worker's life is not news.
            return cache.logged == nil && reason == "not paused" ? nil : reason
        }
        if let change {
            if state == .unknown {
                logger.warning("pause switch: \(change)")
            } else {
                logger.info("pause switch: \(change)")
            }
        }
        return paused
    }

    /// The switch from the store, written back to the control plane; paused when unreadable
    /// after the switch was seen (Redis lost its data, and with it whether workers may run).
    private func durableSwitch(logger: Logger) async -> (Bool, String) {
        let seen = cached.withLock { $0.seen }
        guard let store else {
            return seen
                ? (true, "the switch is gone from Redis (did it lose its data?); paused until it is set again")
                : (false, "not paused")
        }
        do {
            let durable = try await store.pausedSetting() ?? false
            _ = try? await control.restorePause(durable)
            return (
                durable,
                durable
                    ? "the switch was gone from Redis (did it lose its data?); the database says paused, restored"
                    : "not paused"
            )
        } catch {
            if !seen { return (cached.withLock { $0.paused }, "not paused") }
            return (
                true,
                "the switch is gone from Redis (did it lose its data?) and the database cannot be read; paused until one answers"
            )
        }
    }
}
