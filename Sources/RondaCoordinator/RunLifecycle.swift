public import Foundation

/// The run lifecycle as a pure state machine: which scenarios are expected, which have a
/// result, and what to do now. No I/O: the coordinator keeps one for each run it handles, for
/// the run's life, feeds it and carries out its decisions.
public struct RunLifecycle: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case running
        case finalized
    }

    public enum Decision: Sendable, Hashable {
        /// Results are still coming and the deadline has not passed.
        case wait
        /// Every scenario has a result: finalize.
        case finalize
        /// The deadline passed: record these scenarios as lost, then finalize.
        case finalizeWithLost([String])
        /// Nothing to do: the run was finalized already.
        case none
    }

    public let expected: Set<String>
    public private(set) var received: Set<String> = []
    public private(set) var deadline: Date
    public private(set) var state: State = .running

    public init(expected: some Sequence<String>, deadline: Date) {
        self.expected = Set(expected)
        self.deadline = deadline
    }

    /// Records that a scenario has a result. Results for scenarios the run did not expect are ignored.
    public mutating func received(_ scenario: String) {
        if expected.contains(scenario) { received.insert(scenario) }
    }

    public var missing: [String] { expected.subtracting(received).sorted() }

    /// What to do at `now`.
    public func decide(at now: Date) -> Decision {
        guard state == .running else { return .none }
        if received.count == expected.count { return .finalize }
        if now >= deadline { return .finalizeWithLost(missing) }
        return .wait
    }

    /// The run's owner stops waiting (an embedded run whose worker is done): the deadline
    /// becomes `now` if it was later, so what is missing is lost at once.
    public mutating func endNow(at now: Date) { deadline = min(deadline, now) }

    /// The coordinator finalized the run (whoever did: the store says exactly once).
    public mutating func finalized() { state = .finalized }
}
