import Synchronization

/// Suspends the current task for `duration`, like `Task.sleep(for:)`, but a cancelled sleep
/// frees its timer at once (see `OneShotTimer`). Throws `CancellationError` when the task is
/// cancelled before the time is up.
public func cancellableSleep(for duration: Duration) async throws {
    let sleep = SleepState()
    try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            sleep.start(duration, continuation)
        }
    } onCancel: {
        sleep.finish(.failure(CancellationError()))
    }
}

/// One sleep: the continuation, its timer, and whether it already ended (fired or cancelled).
private final class SleepState: Sendable {
    private struct State: ~Copyable {
        var continuation: CheckedContinuation<Void, any Error>?
        var timer: OneShotTimer?
        var done = false
    }
    private let state = Mutex(State())

    func start(_ duration: Duration, _ continuation: CheckedContinuation<Void, any Error>) {
        let done = state.withLock { state in
            if !state.done { state.continuation = continuation }
            return state.done
        }
        if done { return continuation.resume(throwing: CancellationError()) }
        let timer = OneShotTimer(after: duration) { [self] in finish(.success(())) }
        let late = state.withLock { state in
            if state.continuation == nil { return true }
            state.timer = timer
            return false
        }
        if late { timer.cancel() }
    }

    func finish(_ result: Result<Void, any Error>) {
        let (continuation, timer) = state.withLock { state in
            state.done = true
            return (state.continuation.take(), state.timer.take())
        }
        timer?.cancel()
        continuation?.resume(with: result)
    }
}
