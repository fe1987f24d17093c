/// The queue's multi-step operations as Lua scripts: each runs atomically on the server, so no
/// crash or concurrent worker can see a job half-moved.
enum RedisQueueScripts {
    /// Reclaims the oldest job idle past the lease time and dead-letters the ones delivered too
    /// often. KEYS: stream, dead-letter stream. ARGV: group, consumer, min idle (ms), max
    /// deliveries. Returns `{id, fields, deliveries}` for a reclaimed job, or nil.
    /// (XAUTOCLAIM increments the delivery count; XPENDING reads it.)
    static let reclaim = RedisScript("""
        for _ = 1, 100 do
          local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 1)
          local entries = claimed[2]
          if #entries == 0 then return false end
          local id = entries[1][1]
          local fields = entries[1][2]
          local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
          local deliveries = tonumber(pending[1][4])
          if deliveries <= tonumber(ARGV[4]) then return {id, fields, deliveries} end
          local dead = {'deliveries', tostring(deliveries), 'original-id', id}
          for i = 1, #fields do dead[#dead + 1] = fields[i] end
          redis.call('XADD', KEYS[2], '*', unpack(dead))
          redis.call('XACK', KEYS[1], ARGV[1], id)
          redis.call('XDEL', KEYS[1], id)
        end
        return false
        """)

    /// Moves one entry to the dead letters with a reason (a payload that does not decode).
    /// KEYS: stream, dead-letter stream. ARGV: group, id, payload, reason.
    static let deadLetter = RedisScript("""
        redis.call('XADD', KEYS[2], '*', 'job', ARGV[3], 'original-id', ARGV[2], 'reason', ARGV[4])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return 1
        """)

    /// Extends a lease: resets the entry's idle time if `consumer` still holds this delivery.
    /// KEYS: stream. ARGV: group, consumer, id, deliveries. Returns 1, or 0 when the lease was
    /// lost (acknowledged, or reclaimed by another consumer). A bare `XCLAIM … 0 … JUSTID`
    /// would take the job back from whoever reclaimed it, hence the owner check first.
    static let renew = RedisScript("""
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return 0 end
        if pending[1][2] ~= ARGV[2] or tonumber(pending[1][4]) ~= tonumber(ARGV[4]) then return 0 end
        local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return #claimed
        """)

    /// Gives a leased job back: hands the entry to the pseudo-consumer ARGV[5] with a delivery
    /// time of 0 (idle since 1970), so the next `lease` reclaims it at once, keeping its id and
    /// delivery count. Only the holder of this delivery may release it.
    /// KEYS: stream. ARGV: group, consumer, id, deliveries, pseudo-consumer. Returns 1 or 0.
    static let release = RedisScript("""
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return 0 end
        if pending[1][2] ~= ARGV[2] or tonumber(pending[1][4]) ~= tonumber(ARGV[4]) then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[5], 0, ARGV[3], 'TIME', 0, 'JUSTID')
        return 1
        """)

    /// Schedules jobs: ZADD each member scored by Redis time (ms) plus ARGV[1] ms.
    /// KEYS: delayed set. ARGV: delay (ms), members…
    static let schedule = RedisScript("""
        local t = redis.call('TIME')
        local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], due, ARGV[i]) end
        return #ARGV - 1
        """)

    /// Moves up to ARGV[1] due members of the delayed set to the stream, atomically.
    /// KEYS: delayed set, stream. Returns how many moved.
    static let promote = RedisScript("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        for _, member in ipairs(due) do
          redis.call('XADD', KEYS[2], '*', 'job', member)
          redis.call('ZREM', KEYS[1], member)
        end
        return #due
        """)
}
