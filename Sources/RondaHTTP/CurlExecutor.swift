import CCurl
import Foundation
import RondaRuntime
import Synchronization

/// Where libcurl transfers run: a few event-loop threads driving curl's multi interface (the
/// default), or the earlier pool of blocking threads.
///
/// - ``Transport/multi``: each of `loops` threads owns a curl multi handle (``CurlMultiLoop``).
///   A request's task hands its configured easy handle to a loop and suspends; the loop waits
///   on every socket at once and resumes the task when curl reports the transfer done. No
///   thread is parked per request, so a process can have thousands of requests in flight on
///   one thread, and completions that arrive together cost one wake-up.
/// - ``Transport/threads``: `curl_easy_perform` on one of `threads` dedicated threads per
///   transfer, each parked for the whole request; further requests wait in a queue. This was
///   Ronda's transport until 0.5; it stays for one release behind `RONDA_HTTP_TRANSPORT=threads`
///   in case the multi transport misbehaves somewhere, then goes.
///
/// Either way ``HTTPSession``'s API is the same, blocking work never runs on Swift's
/// cooperative pool, and SMTP exchanges (rare) run on a small pool of blocking threads.
public final class CurlExecutor: Sendable {
    /// How transfers are driven.
    public enum Transport: String, Sendable, CaseIterable {
        /// curl's multi interface on event-loop threads (the default).
        case multi
        /// `curl_easy_perform` on dedicated blocking threads (the transport before 0.5).
        case threads
    }

    /// The process-wide executor, as `RONDA_HTTP_TRANSPORT` and `RONDA_HTTP_LOOPS` choose
    /// (``TransportSetting/fromEnvironment()``; an invalid setting falls back to the default,
    /// and `ronda` refuses to start with it): one loop thread per core, or for the threads
    /// transport `max(8, 4 × cores)` threads.
    public static let shared: CurlExecutor = {
        let setting = (try? TransportSetting.fromEnvironment()) ?? TransportSetting()
        return CurlExecutor(setting, threads: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))
    }()

    /// The executor for a component that runs up to `concurrency` transfers at once (a worker's
    /// slots, `ronda run --parallel`): the shared one on the multi transport, which serves any
    /// number; on the threads transport, a pool of its own with a thread per slot, as before.
    public static func forConcurrency(_ concurrency: Int) -> CurlExecutor {
        if shared.transport == .threads, concurrency > 8 { return CurlExecutor(threads: concurrency) }
        return shared
    }

    /// Which transport this executor uses.
    public let transport: Transport
    /// The event loops (multi transport; empty on the threads transport).
    private let loops: [CurlMultiLoop]
    /// How many tasks ``onLoop(_:)`` places on a loop before it opens the next one.
    public let loopFill: Int
    /// Which loop takes the next transfer of a task on none.
    private let nextLoop = Atomic<Int>(0)
    private let handles = Atomic<Int>(0)
    private let pool = Mutex<[EasyHandle]>([])
    /// The blocking threads: the transfers' on the threads transport; SMTP's on both (on the
    /// multi transport they start on first use).
    private let blocking: LazyThreads

    /// A threads-transport executor: `threads` dedicated threads (at least one), stopped when
    /// the executor is released.
    public init(threads: Int) {
        transport = .threads
        loops = []
        loopFill = 1
        blocking = LazyThreads(existing: DedicatedThreads(count: threads, name: "ronda.curl") {})
    }

    /// A multi-transport executor with `loops` event-loop threads (1 to 256), started on the
    /// first request and stopped when the executor is released. ``onLoop(_:)`` places up to
    /// `fill` tasks (at least 1) on a loop before it opens the next one.
    public init(loops count: Int, fill: Int = TransportSetting.defaultLoopFill) {
        transport = .multi
        let count = min(256, max(1, count))  // a cancel token names its loop in one byte
        loops = (0..<count).map { CurlMultiLoop(name: count == 1 ? "ronda.loop" : "ronda.loop.\($0)") }
        loopFill = max(1, fill)
        blocking = LazyThreads(existing: nil)
    }

    private convenience init(_ setting: TransportSetting, threads: Int) {
        switch setting.transport {
        case .multi: self.init(loops: setting.loops, fill: setting.loopFill)
        case .threads: self.init(threads: threads)
        }
    }

    /// Runs the transfer configured on `easy` and returns curl's result. `started` gets the
    /// token ``cancel(_:)`` takes, before the transfer can begin.
    func perform(_ easy: CurlEasy, cancel flag: CancelFlag, started: (UInt64) -> Void) async -> CURLcode {
        if loops.isEmpty {
            return await run { flag.isSet ? CURLE_ABORTED_BY_CALLBACK : easy.perform() }
        }
        // The loop the task runs on (``onLoop(_:)``), so neither the request nor its completion
        // crosses threads; else the next loop in turn.
        let index =
            Self.affinity.flatMap { $0.executor == ObjectIdentifier(self) ? $0.loop : nil } ?? nextLoopIndex()
        // The token names the loop (low byte) and the transfer, so cancel finds the loop.
        return await loops[index].perform(easy, cancel: flag) { id in started(id << 8 | UInt64(index)) }
    }

    /// Runs `body` on one of the executor's event-loop threads: the task and its child tasks
    /// prefer that loop as their executor (`withTaskExecutorPreference`), and their requests go
    /// to that loop. A request's completion then resumes its task on the thread that saw it
    /// finish, with no thread switch and no wakeup, as in an event-loop server. Work in `body`
    /// must not block: it shares the thread with every transfer on that loop.
    ///
    /// Placement packs before it spreads: the task goes to the first loop holding fewer than
    /// ``loopFill`` tasks, and once every loop holds that many, to the loop holding the fewest.
    /// A loop that serves a few tasks sleeps in `poll` and is woken for almost every response;
    /// one that serves more finds several finished at each wake-up, so a few tasks run faster
    /// on one loop than spread over all (docs/performance.md, item 9). A fill of 1 spreads
    /// from the first task.
    ///
    /// On the threads transport `body` runs where it was called. A task already on one of this
    /// executor's loops stays on it.
    public func onLoop<T>(_ body: () async -> T) async -> T {
        // Without libcurl's multi interface (libcurl missing or too old) no loop can start: the
        // body runs where it was called, and its requests fail with an error that says why.
        guard !loops.isEmpty, Self.affinity?.executor != ObjectIdentifier(self), ccurl_multi_available() != 0 else {
            return await body()
        }
        let index = placeTask()
        defer { loops[index].residents.subtract(1, ordering: .relaxed) }
        return await withTaskExecutorPreference(loops[index].taskExecutor) {
            await Self.$affinity.withValue(Affinity(executor: ObjectIdentifier(self), loop: index)) {
                await body()
            }
        }
    }

    /// Counts a new task on the loop ``onLoop(_:)`` places it on and returns that loop's index.
    /// The count is claimed with a compare-and-exchange, so tasks placed at the same time never
    /// push a loop past ``loopFill`` while another has room.
    func placeTask() -> Int {
        while true {
            var least = 0
            var leastCount = Int.max
            var chosen: (index: Int, count: Int)?
            for index in loops.indices {
                let count = loops[index].residents.load(ordering: .relaxed)
                if count < loopFill {
                    chosen = (index, count)
                    break
                }
                if count < leastCount { (least, leastCount) = (index, count) }
            }
            let (index, count) = chosen ?? (least, leastCount)
            if loops[index].residents.compareExchange(expected: count, desired: count + 1, ordering: .relaxed).exchanged
            {
                return index
            }
        }
    }

    /// How many times each loop added, changed or removed a socket in its epoll set (for tests).
    public var socketRegistrationsPerLoop: [Int] { loops.map(\.socketRegistrations) }

    /// How many tasks ``onLoop(_:)`` has placed on each loop and not seen finish (for tests).
    public var tasksPerLoop: [Int] { loops.map { $0.residents.load(ordering: .relaxed) } }

    /// The next loop in turn, for a request sent by a task on none.
    private func nextLoopIndex() -> Int {
        loops.count == 1 ? 0 : nextLoop.add(1, ordering: .relaxed).oldValue % loops.count
    }

    /// Which loop of which executor the current task runs on (set by ``onLoop(_:)``).
    struct Affinity: Sendable {
        var executor: ObjectIdentifier
        var loop: Int
    }

    @TaskLocal static var affinity: Affinity?

    /// Aborts the transfer `token` names now, rather than at curl's next callback (the multi
    /// transport). Set the transfer's flag first.
    func cancel(_ token: UInt64) {
        let index = Int(token & 0xFF)
        if index < loops.count { loops[index].cancel(token >> 8) }
    }

    /// Runs `work` on a blocking thread and returns its result. The calling task suspends
    /// without holding a cooperative thread.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        // The threads are shut down only when the executor is released, which cannot happen
        // while this method runs on it: the queue always accepts the job.
        guard let result = await blocking.threads.run({ _ in work() }) else {
            preconditionFailure("CurlExecutor's threads were shut down while the executor is in use")
        }
        return result
    }

    /// Transfers in a multi loop now (0 on the threads transport); for tests and metrics.
    public var transfersInFlight: Int {
        loops.reduce(0) { $0 + $1.inFlight }
    }

    /// Easy handles of the sessions on this executor that are not given back yet: one per open
    /// ``HTTPSession``, 0 once every session was closed or released.
    public var openHandles: Int { handles.load(ordering: .relaxed) }

    /// Easy handles waiting in the pool for the next session (multi transport).
    public var pooledHandles: Int { pool.withLock { $0.count } }

    /// A handle for a new session: a pooled one (multi transport), else a new one; `nil` when
    /// libcurl cannot make one.
    func takeHandle() -> EasyHandle? {
        let handle = pool.withLock { $0.popLast() } ?? CurlEasy.make().map(EasyHandle.init)
        if handle != nil { handles.add(1, ordering: .relaxed) }
        return handle
    }

    /// Takes a closed session's handle back. On the multi transport, up to ``poolLimit`` are
    /// kept for the next sessions, their cookies erased (CURLOPT_COOKIELIST "ALL") and
    /// detached from the session's own connection cache, which is freed next; the rest are freed.
    func returnHandle(_ handle: EasyHandle, detachingShare: Bool) {
        handles.subtract(1, ordering: .relaxed)
        let easy = handle.easy
        var reusable = !loops.isEmpty && easy.set(CURLOPT_COOKIELIST, string: "ALL") == CURLE_OK
        if detachingShare {
            // The session's share is freed next: the handle must not point at it, kept or not.
            if easy.set(CURLOPT_SHARE, pointer: nil) != CURLE_OK { reusable = false }
            handle.applied = nil
        }
        if reusable {
            let kept = pool.withLock { pool in
                guard pool.count < Self.poolLimit else { return false }
                pool.append(handle)
                return true
            }
            if kept { return }
        }
        easy.cleanup()
    }

    /// How many idle handles the pool keeps.
    static let poolLimit = 256

    deinit {
        for handle in pool.withLock({ pool in
            defer { pool.removeAll() }
            return pool
        }) { handle.easy.cleanup() }
    }
}

/// The threads for blocking work, made on first use unless an existing pool serves.
private final class LazyThreads: Sendable {
    private let pool: Mutex<DedicatedThreads<Void>?>

    init(existing: DedicatedThreads<Void>?) {
        pool = Mutex(existing)
    }

    var threads: DedicatedThreads<Void> {
        pool.withLock { pool in
            if let pool { return pool }
            let made = DedicatedThreads(count: 2, name: "ronda.blocking") {}
            pool = made
            return made
        }
    }
}
