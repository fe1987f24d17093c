/// The queue's multi-step operations as Lua scripts: each runs atomically on the server, so no
/// crash or concurrent worker can see a job half-moved.
enum RedisQueueScripts {
    /// Reclaims a job idle past the lease time and dead-letters the ones delivered too often.
    /// KEYS: stream, dead-letter stream, reclaim cursor, last-error hash. ARGV: group, consumer,
    /// min idle (ms), max deliveries. Returns `{id, fields, deliveries}` for a reclaimed job, or nil.
    ///
    /// Redis examines a bounded number of pending entries per XAUTOCLAIM (ten per COUNT), so one
    /// call from `0-0` cannot see past ten live, renewed jobs. The script walks the cursor XAUTOCLAIM
    /// returns, and keeps it in KEYS[3] so the next call resumes where this one stopped: every
    /// pass reaches the end of the pending list, in bounded steps (at most 100 XAUTOCLAIMs,
    /// 1,000 entries, per call). The cursor goes back to the start once the end is reached.
    /// (XAUTOCLAIM increments the delivery count; XPENDING reads it.) A dead letter carries its
    /// delivery count and the last error a worker reported for it (KEYS[4], field = entry id).
    static let reclaim = RedisScript(
        """
        local cursor = redis.call('GET', KEYS[3]) or '0-0'
        for _ = 1, 100 do
          local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', 1)
          cursor = claimed[1]
          local entries = claimed[2]
          if #entries > 0 then
            local id = entries[1][1]
            local fields = entries[1][2]
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
            local deliveries = tonumber(pending[1][4])
            if deliveries <= tonumber(ARGV[4]) then
              redis.call('SET', KEYS[3], cursor)
              return {id, fields, deliveries}
            end
            local dead = {'deliveries', tostring(deliveries), 'original-id', id}
            local lastError = redis.call('HGET', KEYS[4], id)
            if lastError then
              dead[#dead + 1] = 'last-error'
              dead[#dead + 1] = lastError
            end
            for i = 1, #fields do dead[#dead + 1] = fields[i] end
            redis.call('XADD', KEYS[2], '*', unpack(dead))
            redis.call('XACK', KEYS[1], ARGV[1], id)
            redis.call('XDEL', KEYS[1], id)
            redis.call('HDEL', KEYS[4], id)
          end
          if cursor == '0-0' then
            redis.call('DEL', KEYS[3])
            return false
          end
        end
        redis.call('SET', KEYS[3], cursor)
        return false
        """
    )

    /// Moves one entry to the dead letters with a reason (a payload that does not decode).
    /// KEYS: stream, dead-letter stream. ARGV: group, id, payload, reason.
    static let deadLetter = RedisScript(
        """
        redis.call('XADD', KEYS[2], '*', 'job', ARGV[3], 'original-id', ARGV[2], 'reason', ARGV[4])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return 1
        """
    )

    /// Extends a lease: resets the entry's idle time if `consumer` still holds this delivery.
    /// KEYS: stream. ARGV: group, consumer, id, deliveries. Returns 1, or 0 when the lease was
    /// lost (acknowledged, or reclaimed by another consumer). A bare `XCLAIM … 0 … JUSTID`
    /// would take the job back from whoever reclaimed it, hence the owner check first.
    static let renew = RedisScript(
        """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return 0 end
        if pending[1][2] ~= ARGV[2] or tonumber(pending[1][4]) ~= tonumber(ARGV[4]) then return 0 end
        local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return #claimed
        """
    )

    /// Gives a leased job back: hands the entry to the pseudo-consumer ARGV[5] with a delivery
    /// time of 0 (idle since 1970), so the next `lease` reclaims it at once, keeping its id and
    /// delivery count. Only the holder of this delivery may release it.
    /// KEYS: stream. ARGV: group, consumer, id, deliveries, pseudo-consumer. Returns 1 or 0.
    static let release = RedisScript(
        """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 then return 0 end
        if pending[1][2] ~= ARGV[2] or tonumber(pending[1][4]) ~= tonumber(ARGV[4]) then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[5], 0, ARGV[3], 'TIME', 0, 'JUSTID')
        return 1
        """
    )

    /// Schedules jobs: ZADD each member scored by Redis time (ms) plus ARGV[1] ms.
    /// KEYS: delayed set. ARGV: delay (ms), members…
    static let schedule = RedisScript(
        """
        local t = redis.call('TIME')
        local due = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], due, ARGV[i]) end
        return #ARGV - 1
        """
    )

    /// Moves up to ARGV[1] due members of the delayed set to the stream, atomically.
    /// KEYS: delayed set, stream. Returns how many moved.
    static let promote = RedisScript(
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
        for _, member in ipairs(due) do
          redis.call('XADD', KEYS[2], '*', 'job', member)
          redis.call('ZREM', KEYS[1], member)
        end
        return #due
        """
    )

    /// Sets KEYS[1] to the stream id ARGV[1] unless it holds a later one. Returns 1 when set.
    static let advanceCursor = RedisScript(
        """
        local current = redis.call('GET', KEYS[1])
        if current then
          local cm, cs = string.match(current, '^(%d+)-(%d+)$')
          local nm, ns = string.match(ARGV[1], '^(%d+)-(%d+)$')
          if cm and nm and (tonumber(cm) > tonumber(nm) or (tonumber(cm) == tonumber(nm) and tonumber(cs) >= tonumber(ns))) then
            return 0
          end
        end
        redis.call('SET', KEYS[1], ARGV[1])
        return 1
        """
    )
}
