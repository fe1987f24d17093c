import Foundation
import RondaRuntime

/// A fixed pool of dedicated threads (``DedicatedThreads``) that run blocking libcurl calls.
///
/// `curl_easy_perform` blocks its thread for the whole request — seconds, or up
/// to the total timeout. Running it on Swift's cooperative pool (one thread per
/// core) would starve every other task in the process, so ``HTTPSession`` hands
/// each transfer to an executor thread and suspends on a continuation until it
/// ends.
///
/// Why dedicated threads and not curl's multi interface driven by an event loop:
/// the easy interface keeps each request a straight line of code (set options,
/// perform, read info) with per-session handles that own their cookie jar and
/// kept-alive connections; cancellation stays a flag read by the progress
/// callback; and there is no socket-readiness plumbing to get wrong. The cost is
/// one parked thread per in-flight request, bounded by the pool size: further
/// requests wait in the queue, which also caps the bot's concurrency against a
/// target. A scenario runner issues tens of concurrent requests, not thousands,
/// so that trade is right here; a multi-interface executor could replace this
/// type later without changing ``HTTPSession``'s API.
public final class CurlExecutor: Sendable {
    /// The process-wide executor: `max(8, 4 × cores)` threads (they wait on sockets, not on cores).
    public static let shared = CurlExecutor(threads: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))

    private let threads: DedicatedThreads<Void>

    /// Starts `threads` dedicated threads (at least one). They stop when the executor is released.
    public init(threads: Int) {
        self.threads = DedicatedThreads(count: threads, name: "ronda.curl") {}
    }

    /// Runs `work` on one of the executor's threads and returns its result.
    /// The calling task suspends without holding a cooperative thread.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        // The threads are shut down only when the executor is released, which cannot happen
        // while this method runs on it: the queue always accepts the job.
        guard let result = await threads.run({ _ in work() }) else {
            preconditionFailure("CurlExecutor's threads were shut down while the executor is in use")
        }
        return result
    }
}
