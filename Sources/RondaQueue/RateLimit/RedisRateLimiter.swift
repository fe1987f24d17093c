/// The distributed mode's limiter: GCRA (``GCRA/luaScript``) run in Redis on Redis's clock, one
/// key per host (`ronda:rate:HOST`), so every worker shares one budget per target host.
public final class RedisRateLimiter: RateLimiter {
    public let limit: GCRA
    /// Keys are this prefix followed by the host.
    public let keyPrefix: String
    private let connection: RedisConnection
    private let script = RedisScript(GCRA.luaScript)

    /// Uses `connection` (commands are short; it may be shared with other non-blocking users).
    public init(connection: RedisConnection, limit: GCRA, keyPrefix: String = "ronda:rate:") {
        self.connection = connection
        self.limit = limit
        self.keyPrefix = keyPrefix
    }

    /// Opens a connection of its own to `configuration`.
    public convenience init(configuration: RedisConfiguration, limit: GCRA, keyPrefix: String = "ronda:rate:") {
        self.init(
            connection: RedisConnection(configuration: configuration, name: "ronda.redis.rate"),
            limit: limit,
            keyPrefix: keyPrefix
        )
    }

    /// Decides without waiting: `nil` when one request to `host` may go now (and counts it),
    /// otherwise how long to wait before asking again.
    public func tryAcquire(host: String) async throws -> Duration? {
        let reply = try await script.run(
            on: connection,
            keys: [keyPrefix + host],
            arguments: [String(limit.emissionInterval), String(limit.tolerance)]
        )
        guard let parts = reply.array, parts.count == 2, let allowed = parts[0].int, let retry = parts[1].int else {
            throw RedisError(code: .unexpectedReply, message: "unexpected reply from the GCRA script: \(reply)")
        }
        return allowed == 1 ? nil : .microseconds(max(1, retry))
    }

    public func acquire(host: String) async throws {
        while let wait = try await tryAcquire(host: host) {
            try await Task.sleep(for: wait)
        }
    }
}
