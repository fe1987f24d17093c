import Dispatch
import Foundation
import Synchronization

/// A fixed pool of dedicated threads that run blocking libcurl calls.
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

    private let queue: WorkQueue

    /// Starts `threads` dedicated threads (at least one). They stop when the executor is released.
    public init(threads: Int) {
        let count = max(1, threads)
        let queue = WorkQueue(threads: count)
        self.queue = queue
        for index in 0..<count {
            let thread = Thread { queue.drain() }
            thread.name = "ronda.curl.\(index)"
            thread.start()
        }
    }

    deinit {
        queue.shutDown()
    }

    /// Runs `work` on one of the executor's threads and returns its result.
    /// The calling task suspends without holding a cooperative thread.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.enqueue { continuation.resume(returning: work()) }
        }
    }
}

/// The FIFO the executor's threads pull jobs from.
private final class WorkQueue: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var shuttingDown = false
    }

    private let state = Mutex(State())
    /// One signal per enqueued job, plus one per thread at shutdown.
    private let available = DispatchSemaphore(value: 0)
    private let threads: Int

    init(threads: Int) {
        self.threads = threads
    }

    func enqueue(_ job: @escaping Job) {
        state.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// A thread's body: run jobs until shutdown and the queue is empty.
    func drain() {
        while true {
            available.wait()
            let next: Job?? = state.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head > 64 && state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return .some(job)
                }
                return state.shuttingDown ? .none : .some(nil)
            }
            switch next {
            case .none: return
            case .some(let job?): job()
            case .some(nil): continue
            }
        }
    }

    /// Lets every thread finish the queued jobs and exit.
    func shutDown() {
        state.withLock { $0.shuttingDown = true }
        for _ in 0..<threads { available.signal() }
    }
}
