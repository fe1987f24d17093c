import Foundation
import RondaTestSupport
import Testing

@testable import RondaQueue

/// What only the Redis queue does: lease expiry and reclaim, delayed jobs, reconnecting.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisQueueTests {
    func makeQueue(_ redis: TestRedis, leaseTime: Duration = .seconds(60), password: String? = nil) -> RedisJobQueue {
        RedisJobQueue(
            configuration: redis.configuration(password: password),
            options: .init(streamKey: "test:jobs", leaseTime: leaseTime, pollInterval: .milliseconds(100))
        )
    }

    /// hiredis opens its socket without close-on-exec; Ronda marks it, so a process it (or a
    /// test) starts never inherits the connection.
    @Test func theConnectionIsClosedOnExec() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let connection = RedisConnection(configuration: redis.configuration())
        defer { connection.close() }
        #expect(try await connection.send(["PING"]) == .status("PONG"))
        let descriptors = tcpSocketDescriptors(connectedToPort: redis.port)
        #expect(!descriptors.isEmpty, "the connection is open")
        for fd in descriptors {
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "descriptor \(fd) is inherited by child processes")
        }
    }

    @Test func aLeaseNotRenewedIsReclaimedByAnotherConsumer() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        // Long enough that a loaded machine cannot pass it between the first two calls.
        let queue = makeQueue(redis, leaseTime: .seconds(2))
        defer { queue.close() }
        try await queue.enqueue([job(1)])
        let start = ContinuousClock.now
        let first = try #require(try await queue.lease(consumer: "crashed", wait: .zero))
        #expect(try await queue.lease(consumer: "other", wait: .zero) == nil)
        // Poll, bounded: the job comes back once it has been idle for the lease time.
        var reclaimed: Lease?
        for _ in 0..<600 where reclaimed == nil {
            reclaimed = try await queue.lease(consumer: "other", wait: .milliseconds(50))
        }
        let second = try #require(reclaimed)
        #expect(elapsed(since: start) >= .seconds(2))
        #expect(second.job == first.job)
        #expect(second.deliveries == 2)
        // The first holder learns it lost the lease; it cannot take it back by renewing.
        #expect(try await queue.renew(first) == false)
        #expect(try await queue.renew(second) == true)
        try await queue.acknowledge(second)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
    }

    @Test func aRenewedLeaseIsNotReclaimed() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        // A 3 s lease: one pass of the loop below (a renew and a 100 ms lease attempt) must take
        // less than that, also when the unit tests load both cores and a task waits seconds.
        let queue = makeQueue(redis, leaseTime: .seconds(3))
        defer { queue.close() }
        try await queue.enqueue([job(1)])
        let lease = try #require(try await queue.lease(consumer: "busy", wait: .zero))
        let start = ContinuousClock.now
        // Renew every ~100 ms for two lease times; nobody else gets the job.
        while elapsed(since: start) < .seconds(6) {
            #expect(try await queue.renew(lease) == true)
            #expect(try await queue.lease(consumer: "other", wait: .milliseconds(100)) == nil)
        }
        #expect(try await queue.stats().inFlight == 1)
    }

    @Test func delayedJobsBecomeLeasableAfterTheirTime() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        // Due in an hour: not leasable and not promoted, however slow the machine.
        try await queue.enqueue([job(1)], after: .seconds(3_600))
        #expect(try await queue.lease(consumer: "w", wait: .zero) == nil)
        #expect(try await queue.promoteDueJobs() == 0)
        // Due in 300 ms: leased once due, never before.
        let start = ContinuousClock.now
        try await queue.enqueue([job(2)], after: .milliseconds(300))
        let lease = try #require(try await queue.lease(consumer: "w", wait: .seconds(30)))
        #expect(lease.job == job(2))
        #expect(elapsed(since: start) >= .milliseconds(290))
        // The hour-long delay still holds.
        #expect(try await queue.promoteDueJobs() == 0)
        #expect(try await queue.lease(consumer: "w", wait: .zero) == nil)
    }

    @Test func anUndecodableEntryGoesToTheDeadLetters() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        let raw = try redis.connect()
        _ = try raw.command(["XADD", "test:jobs", "*", "job", "{not json"])
        try await queue.enqueue([job(2)])
        let lease = try #require(try await queue.lease(consumer: "w", wait: .zero))
        #expect(lease.job == job(2))
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 1, deadLetters: 1))
    }

    @Test func theQueueReconnectsAfterRedisIsKilledAndRestarted() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        try await queue.enqueue([job(1)])
        let before = try #require(try await queue.lease(consumer: "w", wait: .zero))
        try await queue.acknowledge(before)

        try redis.restart()  // SIGKILL, then an empty server on the same port

        // Both the command connection and the pooled lease connection were cut.
        try await queue.enqueue([job(2)])
        let after = try #require(try await queue.lease(consumer: "w", wait: .seconds(2)))
        #expect(after.job == job(2))
        try await queue.acknowledge(after)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
    }

    @Test func aWaitingLeaseSurvivesARestart() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        async let leased = queue.lease(consumer: "w", wait: .seconds(10))
        // Bounded poll: restart only once the lease is blocked in XREADGROUP on the server.
        let monitor = try redis.connect()
        var blocked = false
        for _ in 0..<500 where !blocked {
            if case .bulk(let clients?) = try monitor.command(["CLIENT", "LIST"]) {
                blocked = clients.contains("cmd=xreadgroup")
            }
            if !blocked { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(blocked)
        try redis.restart()
        try await queue.enqueue([job(3)])
        let lease = try #require(try await leased)
        #expect(lease.job == job(3))
    }

    @Test func authenticatesWithAPassword() async throws {
        let redis = try await TestRedis.started(password: "s3cret pass")
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        try await queue.enqueue([job(1)])
        #expect(try await queue.lease(consumer: "w", wait: .zero)?.job == job(1))

        let wrong = makeQueue(redis, password: "wrong")
        defer { wrong.close() }
        let refused = await #expect(throws: RedisError.self) { try await wrong.enqueue([job(2)]) }
        #expect(refused?.code == .authenticationFailed)
        #expect(refused?.message.contains("wrong") == false)

        let none = RedisJobQueue(
            configuration: RedisConfiguration(port: redis.port, retry: .none),
            options: .init(streamKey: "test:jobs")
        )
        defer { none.close() }
        let unauthenticated = await #expect(throws: RedisError.self) { try await none.enqueue([job(3)]) }
        #expect(unauthenticated?.code == .authenticationFailed)
    }

    @Test func anUnreachableRedisGivesAClearError() async throws {
        let port = try freePort()
        let configuration = RedisConfiguration(
            port: port,
            connectTimeout: .milliseconds(500),
            retry: .init(attempts: 2, initialBackoff: .milliseconds(10))
        )
        let queue = RedisJobQueue(configuration: configuration)
        defer { queue.close() }
        let error = await #expect(throws: RedisError.self) { try await queue.enqueue([job(1)]) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        #expect(error?.message.contains("RONDA_REDIS_URL") == true)
    }
}

/// Parsing RONDA_REDIS_URL.
struct RedisConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try RedisConfiguration(url: "redis://ronda:p%40ss@redis.internal:6380/2")
        #expect(configuration.host == "redis.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 2)
        #expect(configuration.username == "ronda")
        #expect(configuration.password == "p@ss")
        #expect(configuration.description == "redis://ronda:***@redis.internal:6380/2")
    }

    @Test func defaultsThePortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:secret@localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.username == nil)
        #expect(configuration.password == "secret")
    }

    @Test(arguments: [
        "localhost:6379", "http://localhost", "rediss://localhost", "redis://", "redis://host:99999",
        "redis://host/abc", "redis://user@host", "not a url at all", "redis://host?timeout=1",
    ])
    func rejectsAMalformedURL(_ url: String) {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.contains("RONDA_REDIS_URL") == true)
    }

    @Test func theErrorDoesNotShowThePassword() {
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis://u:hunter2@host/x") }
        #expect(error?.message.contains("hunter2") == false)
    }
}
