import Foundation
import RondaTestSupport
import Testing

@testable import RondaQueue

/// The GCRA limiter in Redis, shared by two connections (two workers).
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisRateLimiterTests {
    @Test func twoConnectionsShareTheBurstThenTheRate() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        // One every 60 s after a burst of 3: however loaded the machine, no budget refills between
        // these calls, so exactly the burst gets through.
        let limit = GCRA(rate: 1.0 / 60, burst: 3)
        let workers = [
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
        ]
        var allowed = 0
        var wait: Duration?
        for attempt in 0..<6 {
            if let refused = try await workers[attempt % 2].tryAcquire(host: "shop.example") {
                wait = refused
            } else {
                allowed += 1
            }
        }
        #expect(allowed == 3)
        let retry = try #require(wait)
        #expect(retry > .zero && retry <= .seconds(60))
        // Another host has its own budget.
        #expect(try await workers[0].tryAcquire(host: "api.example") == nil)
    }

    @Test func afterTheAdvertisedWaitTheRateLetsOneMoreThroughOnEitherConnection() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let limit = GCRA(rate: 0.5, burst: 1)
        let workers = [
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
        ]
        #expect(try await workers[0].tryAcquire(host: "shop.example") == nil)
        let retry = try #require(try await workers[1].tryAcquire(host: "shop.example"))
        #expect(retry > .zero && retry <= .seconds(2))
        try await Task.sleep(for: retry + .milliseconds(20))
        #expect(try await workers[1].tryAcquire(host: "shop.example") == nil)
    }

    @Test func acquireWaitsForTheRate() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let limit = GCRA(rate: 10, burst: 2)
        let workers = [
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
            RedisRateLimiter(configuration: redis.configuration(), limit: limit),
        ]
        let start = ContinuousClock.now
        for attempt in 0..<6 { try await workers[attempt % 2].acquire(host: "shop.example") }
        // 2 at once, then 4 more at 10/s: at least ~0.4 s.
        #expect(elapsed(since: start) >= .milliseconds(350))
    }
}
