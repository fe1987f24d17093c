import Dispatch
import Foundation
import Synchronization

/// One connection to Redis: one hiredis context, used only from one dedicated thread.
///
/// hiredis's synchronous calls block their thread until the reply comes — for a blocking
/// `XREADGROUP`, for the whole block time. Like RondaHTTP's `CurlExecutor`, the connection
/// owns a thread of its own that runs the calls one after another from a FIFO; the calling
/// task suspends on a continuation and holds no cooperative thread meanwhile. One context per
/// thread is also what hiredis requires (a context is not thread-safe).
///
/// Commands are serialized: a blocking read holds the connection until it returns, so a
/// caller that blocks should have a connection to itself (``RedisJobQueue`` keeps one per
/// waiting `lease`). A broken connection is reopened on the next command, retried with
/// exponential backoff per ``RedisConfiguration/Retry``.
public final class RedisConnection: Sendable {
    /// The configuration this connection was opened with.
    public let configuration: RedisConfiguration
    private let queue: SessionQueue

    /// Starts the connection's thread. Nothing is sent until the first command (connecting is
    /// lazy, so a missing server is reported by the first command, after the retries).
    public init(configuration: RedisConfiguration, name: String = "ronda.redis") {
        self.configuration = configuration
        let queue = SessionQueue()
        self.queue = queue
        let thread = Thread {
            var session = RedisSession(configuration: configuration)
            queue.drain(&session)
        }
        thread.name = name
        thread.start()
    }

    deinit {
        queue.shutDown()
    }

    /// Stops the thread once the queued commands ran; later commands fail with `.closed`.
    public func close() {
        queue.shutDown()
    }

    /// Sends one command and returns its reply; an error reply throws (`.server`, or
    /// `.authenticationFailed` for NOAUTH/WRONGPASS).
    @discardableResult
    public func send(_ command: [String], extraTimeout: Duration = .zero) async throws(RedisError) -> RedisReply {
        let replies = try await pipeline([command], extraTimeout: extraTimeout)
        guard let reply = replies.first else {
            throw RedisError(code: .unexpectedReply, message: "no reply to \(command.first ?? "")")
        }
        return try reply.checked()
    }

    /// Sends commands back to back and returns every reply, error replies included as `.error`.
    /// The batch is sent again on a new connection if the connection fails.
    public func pipeline(_ commands: [[String]], extraTimeout: Duration = .zero) async throws(RedisError) -> [RedisReply] {
        if commands.isEmpty { return [] }
        let result: Result<[RedisReply], RedisError> = await withCheckedContinuation { continuation in
            let accepted = queue.enqueue { session in
                continuation.resume(returning: session.run(commands, extraTimeout: extraTimeout))
            }
            if !accepted {
                continuation.resume(returning: .failure(RedisError(code: .closed, message: "the Redis connection is closed")))
            }
        }
        return try result.get()
    }
}

/// The FIFO a connection's thread pulls its commands from.
private final class SessionQueue: Sendable {
    typealias Job = @Sendable (inout RedisSession) -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var shuttingDown = false
    }

    private let state = Mutex(State())
    /// One signal per enqueued job, plus one at shutdown.
    private let available = DispatchSemaphore(value: 0)

    /// Queues `job`; `false` (and the job is dropped) once the queue is shut down.
    func enqueue(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            if state.shuttingDown { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// The thread's body: run jobs until shutdown and the queue is empty.
    func drain(_ session: inout RedisSession) {
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
            case .some(let job?): job(&session)
            case .some(nil): continue
            }
        }
    }

    func shutDown() {
        let first = state.withLock { state in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        if first { available.signal() }
    }
}
