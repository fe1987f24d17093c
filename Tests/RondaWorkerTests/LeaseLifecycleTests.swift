import Testing

@testable import RondaWorker

/// The worker's lease states as a pure state machine: every (state, event) pair, valid or not.
struct LeaseLifecycleTests {
    typealias State = LeaseLifecycle.State
    typealias Event = LeaseLifecycle.Event

    /// Every transition the machine allows; any other pair is invalid.
    static let valid: [State: [Event: State]] = [
        .leased: [.start: .running, .released: .released],
        .running: [.recorded: .recorded, .renewLost: .renewLost, .cancelled: .cancelled],
        .recorded: [.acknowledged: .acknowledged, .renewLost: .recorded],
        .cancelled: [.released: .released, .renewLost: .renewLost],
        .acknowledged: [:],
        .renewLost: [:],
        .released: [:],
    ]

    /// A lifecycle brought to `state` through valid events.
    static func lifecycle(in state: State) -> LeaseLifecycle {
        let path: [Event] =
            switch state {
            case .leased: []
            case .running: [.start]
            case .recorded: [.start, .recorded]
            case .acknowledged: [.start, .recorded, .acknowledged]
            case .renewLost: [.start, .renewLost]
            case .released: [.released]
            case .cancelled: [.start, .cancelled]
            }
        var lifecycle = LeaseLifecycle()
        for event in path {
            do {
                let handled = lifecycle.handle(event)
                #expect(handled)
            }
        }
        #expect(lifecycle.state == state)
        return lifecycle
    }

    @Test func aNewLeaseIsLeased() {
        #expect(LeaseLifecycle().state == .leased)
    }

    @Test(arguments: State.allCases)
    func everyEventFromEveryStateGoesWhereTheTableSaysOrIsRefused(_ state: State) {
        for event in Event.allCases {
            var lifecycle = Self.lifecycle(in: state)
            let expected = Self.valid[state]?[event]
            #expect(LeaseLifecycle.next(state, on: event) == expected, "\(state) on \(event)")
            let handled = lifecycle.handle(event)
            #expect(handled == (expected != nil), "\(state) on \(event)")
            // A refused event leaves the state as it was.
            #expect(lifecycle.state == (expected ?? state), "\(state) on \(event)")
        }
    }

    @Test func theHappyPathIsLeasedRunningRecordedAcknowledged() {
        var lifecycle = LeaseLifecycle()
        #expect(!lifecycle.mayRecord && lifecycle.needsRelease)
        do {
            let handled = lifecycle.handle(.start)
            #expect(handled)
        }
        #expect(lifecycle.mayRecord && !lifecycle.needsAcknowledgement && !lifecycle.needsRelease)
        do {
            let handled = lifecycle.handle(.recorded)
            #expect(handled)
        }
        #expect(!lifecycle.mayRecord && lifecycle.needsAcknowledgement)
        do {
            let handled = lifecycle.handle(.acknowledged)
            #expect(handled)
        }
        #expect(lifecycle.isFinal && !lifecycle.needsAcknowledgement)
    }

    @Test func afterTheLeaseIsLostNothingIsRecordedAcknowledgedOrReleased() {
        var lifecycle = Self.lifecycle(in: .renewLost)
        #expect(!lifecycle.mayRecord)
        #expect(!lifecycle.needsAcknowledgement)
        #expect(!lifecycle.needsRelease)
        #expect(lifecycle.isFinal)
        do {
            let handled = lifecycle.handle(.recorded)
            #expect(!handled)
        }
        do {
            let handled = lifecycle.handle(.acknowledged)
            #expect(!handled)
        }
        do {
            let handled = lifecycle.handle(.released)
            #expect(!handled)
        }
    }

    @Test func aLeaseLostAfterTheCommitStillGetsItsAcknowledgement() {
        var lifecycle = Self.lifecycle(in: .recorded)
        do {
            let handled = lifecycle.handle(.renewLost)
            #expect(handled)
        }
        #expect(lifecycle.state == .recorded)
        #expect(lifecycle.needsAcknowledgement)
    }

    @Test func aCancelledJobIsReleasedUnlessItsLeaseWasLostMeanwhile() {
        var cancelled = Self.lifecycle(in: .cancelled)
        #expect(cancelled.needsRelease && !cancelled.mayRecord && !cancelled.isFinal)
        do {
            let handled = cancelled.handle(.released)
            #expect(handled)
        }
        #expect(cancelled.isFinal && !cancelled.needsRelease)

        var lost = Self.lifecycle(in: .cancelled)
        do {
            let handled = lost.handle(.renewLost)
            #expect(handled)
        }
        #expect(!lost.needsRelease)
    }

    @Test func decisionsInEveryState() {
        for state in State.allCases {
            let lifecycle = Self.lifecycle(in: state)
            #expect(lifecycle.mayRecord == (state == .running), "\(state)")
            #expect(lifecycle.needsAcknowledgement == (state == .recorded), "\(state)")
            #expect(lifecycle.needsRelease == [.leased, .cancelled].contains(state), "\(state)")
            #expect(lifecycle.isFinal == [.acknowledged, .renewLost, .released].contains(state), "\(state)")
        }
    }
}
