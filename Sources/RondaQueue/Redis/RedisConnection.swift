import RondaRuntime

/// One connection to Redis: one hiredis context, used only from one dedicated thread.
///
/// hiredis's synchronous calls block their thread until the reply comes — for a blocking
/// `XREADGROUP`, for the whole block time. Like RondaHTTP's `CurlExecutor`, the connection
/// owns a thread of its own (``DedicatedThreads``) that runs the calls one after another from a FIFO; the calling
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
    private let thread: DedicatedThreads<RedisSession>

    /// Starts the connection's thread. Nothing is sent until the first command (connecting is
    /// lazy, so a missing server is reported by the first command, after the retries).
    public init(configuration: RedisConfiguration, name: String = "ronda.redis") {
        self.configuration = configuration
        thread = DedicatedThreads(count: 1, name: name) { RedisSession(configuration: configuration) }
    }

    /// Stops the thread once the queued commands ran; later commands fail with `.closed`.
    public func close() {
        thread.shutDown()
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
    public func pipeline(
        _ commands: [[String]],
        extraTimeout: Duration = .zero
    ) async throws(RedisError) -> [RedisReply] {
        if commands.isEmpty { return [] }
        let result = await thread.run { session in session.run(commands, extraTimeout: extraTimeout) }
        guard let result else { throw RedisError(code: .closed, message: "the Redis connection is closed") }
        return try result.get()
    }
}
