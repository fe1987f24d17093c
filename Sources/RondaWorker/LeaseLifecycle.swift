import RondaQueue
import Synchronization

/// One leased job's life on a worker, as a pure state machine: no I/O. The worker reports what
/// happened (`Event`) and asks it what it may do: record the result, acknowledge, release.
///
///     leased ──start──▶ running ──recorded──▶ recorded ──acknowledged──▶ acknowledged
///       │                 │  └──renewLost──▶ renewLost       (renewLost: stays recorded)
///       └──released──▶ released ◀──released── cancelled ◀──cancelled──┘
///                                               └──renewLost──▶ renewLost
///
/// A lease found lost while running means another consumer owns the job: this worker writes
/// nothing for it, acknowledges nothing and releases nothing. Once the result is committed a
/// lost lease changes nothing: the acknowledgement goes out and a re-delivery is absorbed by
/// the store's unique (run, scenario) key.
public struct LeaseLifecycle: Sendable, Hashable {
    public enum State: Sendable, Hashable, CaseIterable {
        /// Leased, not started (stopping or paused: it goes back unstarted).
        case leased
        /// The scenario is running; the lease is being renewed.
        case running
        /// The result is committed (by this delivery or an earlier one), or nothing will ever
        /// take it (its run is gone): the job is done and waits for its acknowledgement.
        case recorded
        /// The queue removed the job. Final.
        case acknowledged
        /// A renewal found the lease taken over by another consumer. Final: nothing more is
        /// written, acknowledged or released for this delivery.
        case renewLost
        /// Given back to the queue for another delivery. Final.
        case released
        /// Stopped hard in the middle of the scenario (drain timeout, SIGQUIT): its result is not
        /// trustworthy; the job is to be released.
        case cancelled
    }

    public enum Event: Sendable, Hashable, CaseIterable {
        case start
        case recorded
        case acknowledged
        case renewLost
        case cancelled
        case released
    }

    public private(set) var state: State = .leased

    public init() {}

    /// The state `event` leads to from `state`, or `nil` when it cannot happen there.
    public static func next(_ state: State, on event: Event) -> State? {
        switch (state, event) {
        case (.leased, .start): .running
        case (.leased, .released): .released
        case (.running, .recorded): .recorded
        case (.running, .renewLost): .renewLost
        case (.running, .cancelled): .cancelled
        case (.recorded, .acknowledged): .acknowledged
        case (.recorded, .renewLost): .recorded
        case (.cancelled, .released): .released
        case (.cancelled, .renewLost): .renewLost
        default: nil
        }
    }

    /// Applies `event`. Returns `false`, leaving the state as it was, when it cannot happen now.
    @discardableResult
    public mutating func handle(_ event: Event) -> Bool {
        guard let next = Self.next(state, on: event) else { return false }
        state = next
        return true
    }

    /// Whether the result may be written now (the lease is still ours and the job running).
    public var mayRecord: Bool { state == .running }
    /// Whether the job waits for its acknowledgement.
    public var needsAcknowledgement: Bool { state == .recorded }
    /// Whether the job is to be given back to the queue.
    public var needsRelease: Bool { state == .leased || state == .cancelled }
    /// Whether nothing more happens to this delivery.
    public var isFinal: Bool { state == .acknowledged || state == .renewLost || state == .released }
}

/// A lease and its `LeaseLifecycle`, shared by the task running the job and the one renewing it.
final class TrackedLease: Sendable {
    let lease: Lease
    private let lifecycle = Mutex(LeaseLifecycle())

    init(_ lease: Lease) { self.lease = lease }

    var state: LeaseLifecycle.State { lifecycle.withLock { $0.state } }
    var mayRecord: Bool { lifecycle.withLock { $0.mayRecord } }
    var needsAcknowledgement: Bool { lifecycle.withLock { $0.needsAcknowledgement } }
    var needsRelease: Bool { lifecycle.withLock { $0.needsRelease } }

    @discardableResult
    func handle(_ event: LeaseLifecycle.Event) -> Bool { lifecycle.withLock { $0.handle(event) } }
}
