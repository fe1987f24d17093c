import Synchronization

/// Runs an operation with a time limit that holds even when the operation ignores
/// cancellation (a query on a connection whose server stopped answering): at the deadline
/// the caller gets `Deadline.Exceeded` and the operation is cancelled and left to finish
/// on its own.
public enum Deadline {
    /// The operation did not end within `timeout`.
    public struct Exceeded: Error, CustomStringConvertible {
        /// The time limit that passed.
        public var timeout: Duration

        /// An expiry of `timeout`.
        public init(timeout: Duration) {
            self.timeout = timeout
        }

        /// "no answer within 0.1 seconds".
        public var description: String { "no answer within \(timeout)" }
    }

    /// Returns `operation`'s result, or throws `Exceeded` once `timeout` has passed (the
    /// operation is then cancelled and left to finish on its own), or `CancellationError` when
    /// the calling task is cancelled first.
    public static func run<T: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.begin(continuation)
                let work = Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                }
                // Not a sleeping Task: a cancelled `Task.sleep` holds its memory until its
                // deadline, and most of these deadlines are cancelled (see `OneShotTimer`).
                let timer = OneShotTimer(after: timeout) { race.finish(.failure(Exceeded(timeout: timeout))) }
                race.track(work, timer)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of (result, timeout, cancellation) resumes the caller; the others are ignored.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var early: Result<T, any Error>?
            var done = false
            var work: Task<Void, Never>?
            var timer: OneShotTimer?
        }
        private let state = Mutex(State())

        func begin(_ continuation: CheckedContinuation<T, any Error>) {
            let early = state.withLock { state -> Result<T, any Error>? in
                if let early = state.early {
                    state.early = nil
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func track(_ work: Task<Void, Never>, _ timer: OneShotTimer) {
            let finished = state.withLock { state in
                if !state.done { (state.work, state.timer) = (work, timer) }
                return state.done
            }
            if finished {
                work.cancel()
                timer.cancel()
            }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, work, timer) = state.withLock { state in
                guard !state.done else {
                    return (CheckedContinuation<T, any Error>?.none, Task<Void, Never>?.none, OneShotTimer?.none)
                }
                state.done = true
                if state.continuation == nil { state.early = result }
                return (state.continuation.take(), state.work.take(), state.timer.take())
            }
            work?.cancel()
            timer?.cancel()
            continuation?.resume(with: result)
        }
    }
}
