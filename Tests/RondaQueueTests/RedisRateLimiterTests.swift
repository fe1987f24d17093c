import Foundation
import Testing

@testable import RondaQueue

/// The GCRA limiter in Redis, shared by two connections (two workers).
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct RedisRateLimiterTests {
    @Test func twoConnectionsShareTheBurstThenTheRate() async throws {
        let redis = try TestRedis()
        defer { redis.stop() }
        // A slow rate (one every 2 s), so a loaded machine cannot let time refill the budget between calls.
        let limit = GCRA(rate: 0.5, burst: 3)
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
        #expect(retry > .zero && retry <= .seconds(2))
        // Another host has its own budget.
        #expect(try await workers[0].tryAcquire(host: "api.example") == nil)
        // After the advertised wait, the rate lets one more through, on either connection.
        try await Task.sleep(for: retry + .milliseconds(20))
        #expect(try await workers[1].tryAcquire(host: "shop.example") == nil)
        #expect(try await workers[0].tryAcquire(host: "shop.example") != nil)
    }

    @Test func acquireWaitsForTheRate() async throws {
        let redis = try TestRedis()
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
