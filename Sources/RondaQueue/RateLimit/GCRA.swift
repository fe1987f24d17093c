/// The generic cell rate algorithm: a rate limit of `rate` requests a second with bursts of
/// up to `burst`, kept as one number per key — the theoretical arrival time (TAT) of the next
/// request. Pure: the in-process limiter keeps TATs in memory, the Redis limiter runs the same
/// arithmetic in a Lua script on Redis time (`GCRA.luaScript`), shared by every worker.
public struct GCRA: Sendable, Hashable {
    /// Sustained requests a second.
    public let rate: Double
    /// Requests allowed at once after an idle period (at least 1).
    public let burst: Int

    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    /// Seconds between two requests at the sustained rate.
    public var emissionInterval: Double { 1 / rate }

    /// How far ahead of now the TAT may run: the burst's worth of intervals.
    public var tolerance: Double { emissionInterval * Double(burst - 1) }

    public struct Decision: Sendable, Hashable {
        public var allowed: Bool
        /// The key's TAT after this decision (unchanged when refused).
        public var tat: Double
        /// When refused: seconds to wait before trying again; 0 when allowed.
        public var retryAfter: Double
    }

    /// Decides one request at `now` (seconds) for a key whose TAT is `tat` (`nil`: never seen).
    public func attempt(now: Double, tat: Double?) -> Decision {
        let current = max(tat ?? now, now)
        let allowAt = current - tolerance
        if now < allowAt {
            return Decision(allowed: false, tat: current, retryAfter: allowAt - now)
        }
        return Decision(allowed: true, tat: current + emissionInterval, retryAfter: 0)
    }

    /// The same decision as `attempt`, as a Redis Lua script. KEYS[1]: the key; ARGV[1]:
    /// emission interval (s), ARGV[2]: tolerance (s). Uses `TIME` (Redis's clock, the same for
    /// every worker). Returns `{allowed (0/1), retry_after_microseconds}`.
    public static let luaScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local interval = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]))
        if tat == nil or tat < now then tat = now end
        local allow_at = tat - tolerance
        if now < allow_at then
          return {0, math.ceil((allow_at - now) * 1000000)}
        end
        local new_tat = tat + interval
        redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1000)
        return {1, 0}
        """
}
