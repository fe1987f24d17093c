import Foundation
import Testing

@testable import RondaCoordinator

struct RunLifecycleTests {
    let deadline = Date(timeIntervalSince1970: 1_000)

    @Test func waitsWhileResultsAreMissingBeforeTheDeadline() {
        var lifecycle = RunLifecycle(expected: ["a", "b"], deadline: deadline)
        lifecycle.received("a")
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(-1)) == .wait)
        #expect(lifecycle.missing == ["b"])
    }

    @Test func finalizesWhenEveryScenarioHasAResult() {
        var lifecycle = RunLifecycle(expected: ["a", "b"], deadline: deadline)
        lifecycle.received("b")
        lifecycle.received("a")
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(-100)) == .finalize)
    }

    @Test func recordsTheMissingAsLostAtTheDeadline() {
        var lifecycle = RunLifecycle(expected: ["c", "a", "b"], deadline: deadline)
        lifecycle.received("b")
        #expect(lifecycle.decide(at: deadline) == .finalizeWithLost(["a", "c"]))
    }

    @Test func ignoresResultsTheRunDidNotExpectAndDuplicates() {
        var lifecycle = RunLifecycle(expected: ["a"], deadline: deadline)
        lifecycle.received("zzz")
        lifecycle.received("a")
        lifecycle.received("a")
        #expect(lifecycle.received == ["a"])
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(-1)) == .finalize)
    }

    @Test func decidesNothingOnceFinalized() {
        var lifecycle = RunLifecycle(expected: ["a"], deadline: deadline)
        lifecycle.finalized()
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(10)) == .none)
    }

    @Test func anEmptyRunFinalizesAtOnce() {
        let lifecycle = RunLifecycle(expected: [String](), deadline: deadline)
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(-10)) == .finalize)
    }

    @Test func endingNowMovesTheDeadlineEarlierNeverLater() {
        var lifecycle = RunLifecycle(expected: ["a", "b"], deadline: deadline)
        lifecycle.received("a")
        let now = deadline.addingTimeInterval(-500)
        #expect(lifecycle.decide(at: now) == .wait)
        lifecycle.endNow(at: now)
        #expect(lifecycle.deadline == now)
        #expect(lifecycle.decide(at: now) == .finalizeWithLost(["b"]))
        lifecycle.endNow(at: deadline.addingTimeInterval(100))
        #expect(lifecycle.deadline == now)
    }

    @Test func lostScenariosRecordedAsReceivedLeaveNothingMissingThenFinalizedDecidesNothing() {
        var lifecycle = RunLifecycle(expected: ["a", "b"], deadline: deadline)
        #expect(lifecycle.decide(at: deadline) == .finalizeWithLost(["a", "b"]))
        for name in lifecycle.missing { lifecycle.received(name) }
        #expect(lifecycle.missing.isEmpty)
        #expect(lifecycle.decide(at: deadline) == .finalize)
        lifecycle.finalized()
        #expect(lifecycle.state == .finalized)
        #expect(lifecycle.decide(at: deadline) == .none)
        // A late result changes nothing once finalized.
        lifecycle.received("a")
        #expect(lifecycle.decide(at: deadline.addingTimeInterval(1)) == .none)
    }
}
