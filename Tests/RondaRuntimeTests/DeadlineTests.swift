import Synchronization
import Testing

@testable import RondaRuntime

/// An operation that ignores cancellation: it waits until the test opens the gate.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiter = continuation }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        state.withLock { state in
            state.open = true
            return state.waiter.take()
        }?.resume()
    }
}

struct DeadlineTests {
    @Test func returnsTheOperationsResultInTime() async throws {
        // An hour: the result passes through whatever the machine's load (no wall-clock bound).
        #expect(try await Deadline.run(.seconds(3600)) { 42 } == 42)
    }

    @Test func passesTheOperationsErrorThrough() async {
        struct Refused: Error, Equatable {}
        await #expect(throws: Refused()) {
            try await Deadline.run(.seconds(3600)) { () async throws -> Int in throw Refused() }
        }
    }

    /// The operation ignores cancellation (a query whose server stopped answering): the caller
    /// still gets `Exceeded` at the deadline, and the operation is cancelled.
    @Test func givesUpAtTheDeadlineEvenWhenTheOperationIgnoresCancellation() async {
        let cancelled = Atomic<Bool>(false)
        let gate = Gate()
        let start = ContinuousClock.now
        let error = await #expect(throws: Deadline.Exceeded.self) {
            try await Deadline.run(.milliseconds(100)) { () async -> Int in
                await withTaskCancellationHandler {
                    await gate.wait()
                } onCancel: {
                    cancelled.store(true, ordering: .relaxed)
                }
                return 1
            }
        }
        let waited = ContinuousClock.now - start
        gate.open()
        #expect(error?.timeout == .milliseconds(100))
        #expect(waited >= .milliseconds(100))
        let wasCancelled = cancelled.load(ordering: .relaxed)
        #expect(wasCancelled, "the late operation is cancelled")
        #expect(error?.description == "no answer within 0.1 seconds")
    }

    @Test func aCancelledCallerGetsCancellationAtOnce() async {
        let gate = Gate()
        let caller = Task {
            try await Deadline.run(.seconds(3600)) { () async -> Int in
                await gate.wait()
                return 1
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        gate.open()
    }

    @Test func anOperationThatEndsBeforeItIsTrackedStillResumesTheCaller() async throws {
        // Many immediate operations: some end before `Deadline` records their task and timer.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 { group.addTask { try await Deadline.run(.seconds(3600)) { index } } }
            var sum = 0
            for try await value in group { sum += value }
            #expect(sum == (0..<200).reduce(0, +))
        }
    }
}
