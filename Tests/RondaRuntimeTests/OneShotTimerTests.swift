import Foundation
import RondaTestSupport
import Synchronization
import Testing

@testable import RondaRuntime

struct OneShotTimerTests {
    /// An object whose lifetime tells whether a timer still holds its handler.
    final class Token: Sendable {}

    @Test func firesOnceAfterTheDelay() async {
        let count = Atomic<Int>(0)
        let start = ContinuousClock.now
        let timer = OneShotTimer(after: .milliseconds(20)) { count.add(1, ordering: .relaxed) }
        #expect(await eventually { count.load(ordering: .relaxed) == 1 })
        #expect(ContinuousClock.now - start >= .milliseconds(20), "not before its delay")
        timer.cancel()
        #expect(count.load(ordering: .relaxed) == 1)
    }

    @Test func cancelledTimerNeverFiresAndLetsGoOfItsHandler() async {
        let count = Atomic<Int>(0)
        weak var watched: Token?
        var timer: OneShotTimer?
        do {
            let token = Token()
            watched = token
            timer = OneShotTimer(after: .seconds(3600)) {
                _ = token
                count.add(1, ordering: .relaxed)
            }
        }
        #expect(watched != nil, "the pending timer holds its handler")
        timer?.cancel()
        timer?.cancel()  // a second cancel is harmless
        // The point of the type: an hour-long timer, once cancelled, frees its handler now —
        // `Task.sleep` would hold it for the whole hour.
        #expect(await eventually { watched == nil })
        #expect(count.load(ordering: .relaxed) == 0)
        _ = timer
    }

    @Test func droppingTheTimerCancelsIt() async {
        let count = Atomic<Int>(0)
        weak var watched: Token?
        do {
            let token = Token()
            watched = token
            _ = OneShotTimer(after: .milliseconds(30)) {
                _ = token
                count.add(1, ordering: .relaxed)
            }
        }
        #expect(await eventually { watched == nil })
        #expect(count.load(ordering: .relaxed) == 0)
    }

    @Test func nanosecondsClampNegativeAndHugeDurations() {
        #expect(OneShotTimer.nanoseconds(.seconds(-5)) == 0)
        #expect(OneShotTimer.nanoseconds(.milliseconds(1500)) == 1_500_000_000)
        #expect(OneShotTimer.nanoseconds(.seconds(Int64.max)) > 1_000_000_000 * 3600 * 24 * 365)
    }

    @Test func sleepReturnsAfterItsDuration() async throws {
        let start = ContinuousClock.now
        try await cancellableSleep(for: .milliseconds(20))
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }

    @Test func cancelledSleepThrowsCancellationAtOnce() async {
        let sleeper = Task { try await cancellableSleep(for: .seconds(3600)) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func sleepInAnAlreadyCancelledTaskThrows() async {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await cancellableSleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
