import Foundation
import Synchronization

/// The distributed mode's queue: jobs in a Redis stream read by the consumer group `workers`.
///
/// - `enqueue`: `XADD ronda:jobs * job <JSON>`.
/// - `lease`: moves due delayed jobs to the stream, reclaims a job idle past the lease time
///   (`XAUTOCLAIM`; its delivery count from `XPENDING`; dead-lettered to `ronda:jobs:dead` once
///   delivered more than `maxDeliveries` times), else reads a new one with
///   `XREADGROUP … BLOCK`. A blocking read holds its connection, so every waiting `lease` has a
///   connection (and thread) of its own, taken from a pool.
/// - `renew`: resets the job's idle time while this consumer still holds it (`XCLAIM … JUSTID`).
/// - `acknowledge`: `XACK` + `XDEL` (+ `HDEL` of the entry's failure note). `release`: the entry goes to a pseudo-consumer with an idle
///   time of decades, so the next `lease` reclaims it with its id and delivery count intact.
///
/// Lease tokens are `ENTRY-ID:DELIVERIES:CONSUMER` — the handle for one delivery.
public final class RedisJobQueue: JobQueue {
    /// Names and timings. Tests use a unique `streamKey` per test.
    public struct Options: Sendable, Hashable {
        /// The stream; the dead letters are `<streamKey>:dead`, delayed jobs `<streamKey>:delayed`.
        public var streamKey: String
        public var group: String
        /// How long a leased job may go without `renew` before another consumer reclaims it.
        public var leaseTime: Duration
        /// A job delivered more than this many times goes to the dead letters.
        public var maxDeliveries: Int
        /// The longest single blocking read: a waiting `lease` checks delayed and reclaimable
        /// jobs (and cancellation) at least this often.
        public var pollInterval: Duration

        public init(
            streamKey: String = "ronda:jobs",
            group: String = "workers",
            leaseTime: Duration = .seconds(60),
            maxDeliveries: Int = 5,
            pollInterval: Duration = .seconds(1)
        ) {
            self.streamKey = streamKey
            self.group = group
            self.leaseTime = leaseTime
            self.maxDeliveries = max(1, maxDeliveries)
            self.pollInterval = max(.milliseconds(10), pollInterval)
        }

        public var deadLetterKey: String { streamKey + ":dead" }
        public var delayedKey: String { streamKey + ":delayed" }
        /// Where the reclaim pass resumes (a pending-entry id; absent: from the start).
        public var reclaimCursorKey: String { streamKey + ":reclaim-cursor" }
        /// The last error workers reported per pending entry (a hash: entry id → message).
        public var lastErrorKey: String { streamKey + ":errors" }
        /// The newest dead letter a coordinator has recorded as a result.
        public var deadLetterCursorKey: String { streamKey + ":dead:recorded" }
    }

    /// The pseudo-consumer that holds released jobs until the next `lease` reclaims them.
    static let releasedConsumer = "ronda:released"

    public let configuration: RedisConfiguration
    public let options: Options
    /// Non-blocking commands (enqueue, acknowledge, renew, stats) share this connection.
    let commands: RedisConnection
    private let idleReaders = Mutex<[RedisConnection]>([])
    private let groupReady = Mutex(false)
    /// When a `lease` last moved delayed jobs and looked for reclaimable ones, and whether the
    /// next one must look again (a job was just released or reclaimed here).
    private let upkeep = Mutex<(last: ContinuousClock.Instant?, due: Bool)>((nil, true))
    /// How often, at most, a busy `lease` runs the promote and reclaim scripts: between those,
    /// a lease is one XREADGROUP. A waiting lease runs them on every poll.
    static let upkeepInterval: Duration = .milliseconds(100)

    /// Connects lazily: the first command opens the connection and creates the group.
    public init(configuration: RedisConfiguration, options: Options = Options()) {
        self.configuration = configuration
        self.options = options
        self.commands = RedisConnection(configuration: configuration, name: "ronda.redis.queue")
    }

    /// Parses `url` (RONDA_REDIS_URL) first; throws a clear error for a malformed one.
    public convenience init(url: String, options: Options = Options()) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url), options: options)
    }

    /// Closes every connection; later calls fail with `.closed`.
    public func close() {
        commands.close()
        for reader in idleReaders.withLock({ readers in
            defer { readers.removeAll() }
            return readers
        }) {
            reader.close()
        }
    }

    /// Checks that Redis answers (with the configuration's reconnect retries).
    public func ping() async throws(RedisError) {
        _ = try await commands.send(["PING"]).checked()
    }

    // MARK: JobQueue

    public func enqueue(_ jobs: [Job]) async throws {
        if jobs.isEmpty { return }
        let payloads = try jobs.map(Self.encode)
        let replies = try await commands.pipeline(payloads.map { ["XADD", options.streamKey, "*", "job", $0] })
        for reply in replies { _ = try reply.checked() }
    }

    /// Adds jobs that become leasable after `delay` (measured on Redis's clock). They wait in the
    /// sorted set `<streamKey>:delayed` until a `lease` or ``promoteDueJobs()`` moves them.
    /// Enqueuing the same job twice while it waits keeps one copy.
    public func enqueue(_ jobs: [Job], after delay: Duration) async throws {
        if jobs.isEmpty { return }
        let milliseconds = max(0, Int((delay.seconds * 1000).rounded(.up)))
        _ = try await RedisQueueScripts.schedule.run(
            on: commands,
            keys: [options.delayedKey],
            arguments: [String(milliseconds)] + jobs.map(Self.encode)
        )
    }

    /// Moves delayed jobs whose time has come to the stream (atomically, in a Lua script).
    /// Returns how many moved. `lease` calls it; a coordinator may call it on a timer too.
    @discardableResult
    public func promoteDueJobs() async throws -> Int {
        try await promoteDueJobs(on: commands)
    }

    public func lease(consumer: String, wait: Duration) async throws -> Lease? {
        let reader = checkOutReader()
        defer { checkIn(reader) }
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: wait)
        var polled = false
        while true {
            // Busy queues skip the scripts between upkeep intervals; an idle or non-blocking lease runs them.
            if polled || wait == .zero || upkeepDue(at: clock.now) {
                try await promoteDueJobs(on: reader)
                if let lease = try await reclaim(on: reader, consumer: consumer) {
                    upkeep.withLock { $0.due = true }
                    return lease
                }
            }
            let remaining = clock.now.duration(to: end)
            let cap = polled ? options.pollInterval : min(options.pollInterval, Self.upkeepInterval)
            let block: Duration? = remaining >= .milliseconds(1) ? min(remaining, cap) : nil
            if let lease = try await readNew(on: reader, consumer: consumer, block: block) { return lease }
            if block == nil || clock.now >= end || Task.isCancelled { return nil }
            polled = true
        }
    }

    public func renew(_ lease: Lease) async throws -> Bool {
        guard let token = RedisLeaseToken(lease.token) else { return false }
        let reply = try await withGroup(on: commands) { () async throws(RedisError) -> RedisReply in
            try await RedisQueueScripts.renew.run(
                on: commands,
                keys: [options.streamKey],
                arguments: [options.group, token.consumer, token.entryID, String(token.deliveries)]
            )
        }
        return reply.int == 1
    }

    public func acknowledge(_ lease: Lease) async throws {
        guard let token = RedisLeaseToken(lease.token) else {
            throw RedisError(code: .unexpectedReply, message: "not a Redis lease token: \(lease.token)")
        }
        // On a pooled connection: acknowledgements of many slots do not queue behind one thread.
        let connection = checkOutReader()
        defer { checkIn(connection) }
        let replies = try await connection.pipeline([
            ["XACK", options.streamKey, options.group, token.entryID],
            ["XDEL", options.streamKey, token.entryID],
            ["HDEL", options.lastErrorKey, token.entryID],
        ])
        for reply in replies { _ = try reply.checked() }
    }

    public func release(_ lease: Lease) async throws {
        guard let token = RedisLeaseToken(lease.token) else { return }
        _ = try await withGroup(on: commands) { () async throws(RedisError) -> RedisReply in
            try await RedisQueueScripts.release.run(
                on: commands,
                keys: [options.streamKey],
                arguments: [
                    options.group, token.consumer, token.entryID, String(token.deliveries), Self.releasedConsumer,
                ]
            )
        }
        upkeep.withLock { $0.due = true }
    }

    /// XACK + XDEL + a non-blocking XREADGROUP in one pipeline on one connection; when nothing
    /// new is there (or upkeep is due), continues as `lease(consumer:wait:)`.
    public func acknowledge(_ lease: Lease, thenLeaseFor consumer: String, wait: Duration) async throws -> Lease? {
        guard let token = RedisLeaseToken(lease.token) else {
            throw RedisError(code: .unexpectedReply, message: "not a Redis lease token: \(lease.token)")
        }
        if upkeepDue(at: .now, claim: false) {
            try await acknowledge(lease)
            return try await self.lease(consumer: consumer, wait: wait)
        }
        let connection = checkOutReader()
        let commands = [
            ["XACK", options.streamKey, options.group, token.entryID],
            ["XDEL", options.streamKey, token.entryID],
            ["HDEL", options.lastErrorKey, token.entryID],
            readCommand(consumer: consumer, block: nil),
        ]
        let next: Lease??
        do {
            let read = try await withGroup(on: connection) { () async throws(RedisError) -> RedisReply in
                let replies = try await connection.pipeline(commands)
                for reply in replies { _ = try reply.checked() }
                return replies[3]
            }
            next = try await self.lease(fromRead: read, consumer: consumer, on: connection)
        } catch {
            checkIn(connection)
            throw error
        }
        checkIn(connection)
        if case .some(let leased?) = next { return leased }
        return try await self.lease(consumer: consumer, wait: wait)
    }

    /// Whether this lease should run the promote and reclaim scripts (and, if so, marks them run).
    /// With `claim` (a lease about to run them) it also marks them run.
    private func upkeepDue(at now: ContinuousClock.Instant, claim: Bool = true) -> Bool {
        upkeep.withLock { state in
            guard state.due || state.last.map({ $0.duration(to: now) >= Self.upkeepInterval }) ?? true else {
                return false
            }
            if claim { state = (now, false) }
            return true
        }
    }

    /// `pending`: entries waiting in the stream (delayed jobs not included); `inFlight`: leased
    /// and not yet acknowledged; `deadLetters`: entries in the dead-letter stream.
    public func stats() async throws -> QueueStats {
        let replies = try await withGroup(on: commands) { () async throws(RedisError) -> [RedisReply] in
            let replies = try await commands.pipeline([
                ["XLEN", options.streamKey],
                ["XPENDING", options.streamKey, options.group],
                ["XLEN", options.deadLetterKey],
            ])
            return try replies.map { reply throws(RedisError) in try reply.checked() }
        }
        guard let length = replies[0].int, let summary = replies[1].array, let dead = replies[2].int,
            let leased = summary.first?.int
        else {
            throw RedisError(code: .unexpectedReply, message: "unexpected reply to XLEN/XPENDING")
        }
        var released = 0
        for consumer in summary.count > 3 ? summary[3].array ?? [] : [] {
            if let pair = consumer.array, pair.count == 2, pair[0].string == Self.releasedConsumer {
                released = pair[1].int ?? 0
            }
        }
        let inFlight = leased - released
        return QueueStats(pending: max(0, length - inFlight), inFlight: inFlight, deadLetters: dead)
    }

    /// The newest dead-lettered jobs (up to `limit`), oldest first.
    public func deadLetters(limit: Int = 100) async throws -> [Job] {
        let reply = try await commands.send(["XRANGE", options.deadLetterKey, "-", "+", "COUNT", String(max(1, limit))])
        return (reply.array ?? []).compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let payload = Self.field("job", in: parts[1]) else {
                return nil
            }
            return try? Self.decode(payload)
        }
    }

    // MARK: Connections and the group

    private func checkOutReader() -> RedisConnection {
        if let reader = idleReaders.withLock({ $0.popLast() }) { return reader }
        return RedisConnection(configuration: configuration, name: "ronda.redis.lease")
    }

    private func checkIn(_ reader: RedisConnection) {
        let kept = idleReaders.withLock { readers in
            // Enough for every slot of a busy worker: closing and reopening a connection per lease costs more than an idle one.
            guard readers.count < 256 else { return false }
            readers.append(reader)
            return true
        }
        if !kept { reader.close() }
    }

    /// Runs `body` once the consumer group exists; creates it (again, after a Redis restart
    /// lost it) on `NOGROUP`.
    func withGroup<T>(
        on connection: RedisConnection,
        _ body: () async throws(RedisError) -> T
    ) async throws(RedisError) -> T {
        if !groupReady.withLock({ $0 }) { try await createGroup(on: connection) }
        do throws(RedisError) {
            return try await body()
        } catch {
            guard error.code == .server, error.message.contains("NOGROUP") else { throw error }
            groupReady.withLock { $0 = false }
            try await createGroup(on: connection)
            return try await body()
        }
    }

    private func createGroup(on connection: RedisConnection) async throws(RedisError) {
        do throws(RedisError) {
            try await connection.send(["XGROUP", "CREATE", options.streamKey, options.group, "0", "MKSTREAM"])
        } catch {
            guard error.isServerError("BUSYGROUP") else { throw error }
        }
        groupReady.withLock { $0 = true }
    }

    // MARK: Encoding

    static func encode(_ job: Job) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(job), as: UTF8.self)
    }

    static func decode(_ payload: String) throws -> Job {
        try JSONDecoder().decode(Job.self, from: Data(payload.utf8))
    }

    /// The value of `name` in a stream entry's `[field, value, …]` array.
    static func field(_ name: String, in fields: RedisReply) -> String? {
        guard let items = fields.array else { return nil }
        var index = 0
        while index + 1 < items.count {
            if items[index].string == name { return items[index + 1].string }
            index += 2
        }
        return nil
    }
}
