import Dispatch
import Foundation
import Synchronization

/// A fixed set of dedicated threads that run blocking calls from one FIFO, off Swift's
/// cooperative pool.
///
/// A blocking C call (`curl_easy_perform`, a hiredis command waiting on `XREADGROUP … BLOCK`)
/// holds its thread for as long as it blocks. On the cooperative pool (one thread per core)
/// it would starve every other task of the process, so RondaHTTP's `CurlExecutor` and
/// RondaQueue's `RedisConnection` hand such calls to these threads and suspend on a
/// continuation meanwhile.
///
/// Each thread owns a `Context` (it may be `~Copyable`) that it makes when it starts (hiredis:
/// its own connection, since a context must not be shared between threads); a job gets its
/// thread's context `inout`.
/// Jobs run in the order they were queued, at most one per thread at a time.
public final class DedicatedThreads<Context: ~Copyable>: Sendable {
    private let queue: JobQueue<Context>

    /// Starts `count` threads (at least one), named `name` (one thread) or `name.0`, `name.1`, …
    /// (``nameCurrentThread(_:)``: what `top -H` and `/proc` show keeps the first 15 bytes).
    /// Each thread calls `makeContext` once, on itself, before its first job.
    public init(count: Int, name: String, makeContext: @escaping @Sendable () -> Context) {
        let count = max(1, count)
        let queue = JobQueue<Context>(threads: count)
        self.queue = queue
        for index in 0..<count {
            let threadName = count == 1 ? name : "\(name).\(index)"
            let thread = Thread {
                nameCurrentThread(threadName)
                var context = makeContext()
                queue.drain(&context)
            }
            thread.start()
        }
    }

    deinit {
        queue.shutDown()
    }

    /// Queues `job`; `false` (and the job is dropped without running) after `shutDown()`.
    @discardableResult
    public func submit(_ job: @escaping @Sendable (inout Context) -> Void) -> Bool {
        queue.enqueue(job)
    }

    /// Runs `work` on one of the threads and returns its result, or `nil` when the threads
    /// were shut down before it could be queued. The calling task suspends without holding a
    /// cooperative thread.
    public func run<T: Sendable>(_ work: @escaping @Sendable (inout Context) -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let accepted = queue.enqueue { context in continuation.resume(returning: work(&context)) }
            if !accepted { continuation.resume(returning: nil) }
        }
    }

    /// Lets the threads finish the jobs already queued, then exit. Later jobs are refused.
    /// Safe to call more than once; also done when the object is released.
    public func shutDown() {
        queue.shutDown()
    }

    /// Whether `shutDown()` was called (jobs are refused).
    public var isShutDown: Bool {
        queue.isShutDown
    }
}

/// The FIFO the threads pull jobs from.
private final class JobQueue<Context: ~Copyable>: Sendable {
    typealias Job = @Sendable (inout Context) -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var shuttingDown = false
    }

    private let state = Mutex(State())
    /// One signal per queued job, plus one per thread at shutdown.
    private let available = DispatchSemaphore(value: 0)
    private let threads: Int

    init(threads: Int) {
        self.threads = threads
    }

    func enqueue(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            if state.shuttingDown { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    var isShutDown: Bool {
        state.withLock { $0.shuttingDown }
    }

    /// A thread's body: run jobs until shutdown and the queue is empty.
    func drain(_ context: inout Context) {
        while true {
            available.wait()
            let next: Job?? = state.withLock { state in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    // Drop the run jobs now and then, so the array does not grow for ever.
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
            case .some(let job?): job(&context)
            case .some(nil): continue
            }
        }
    }

    func shutDown() {
        let first = state.withLock { state in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        if first { for _ in 0..<threads { available.signal() } }
    }
}

/// Names the calling thread `name` for the operating system (`top -H`, `ps -L`, `/proc`, `gdb`),
/// which keeps its first 15 bytes; a thread calls it first thing in its body.
///
/// Foundation on Linux passes a `Thread`'s name to the operating system only when the thread
/// object already knows its pthread, which a thread that has just started may not yet (the
/// starting thread records it after `pthread_create` returns): a name given before `start()`,
/// or set at once from the new thread, is often lost, and the thread keeps the name of the
/// thread that started it (often a Dispatch worker, `com.apple.root.default-qos`). So the name
/// is written where Linux keeps it, `/proc/thread-self/comm`.
public func nameCurrentThread(_ name: String) {
    let bytes = Array(name.utf8.prefix(15))
    let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}
