import Foundation
import RondaCore
import Synchronization
import Testing

@testable import RondaQueue

struct GCRATests {
    @Test func aBurstIsAllowedThenTheSustainedRate() {
        let gcra = GCRA(rate: 10, burst: 3)
        var tat: Double?
        var allowed = 0
        for _ in 0..<5 {
            let d = gcra.attempt(now: 100, tat: tat)
            tat = d.tat
            if d.allowed { allowed += 1 }
        }
        #expect(allowed == 3)
        let refused = gcra.attempt(now: 100, tat: tat)
        #expect(!refused.allowed)
        #expect(abs(refused.retryAfter - 0.1) < 1e-9)
        #expect(gcra.attempt(now: 100.1, tat: tat).allowed)
    }

    @Test func overAlongWindowTheRateHolds() {
        let gcra = GCRA(rate: 50, burst: 5)
        var tat: Double?
        var allowed = 0
        var now = 0.0
        while now < 10 {
            let d = gcra.attempt(now: now, tat: tat)
            tat = d.tat
            if d.allowed { allowed += 1 }
            now += 0.001  // a client trying every millisecond
        }
        // 10 s at 50/s, plus the initial burst.
        #expect(allowed >= 500 && allowed <= 505)
    }

    @Test func anIdleKeyStartsFresh() {
        let gcra = GCRA(rate: 1, burst: 1)
        let first = gcra.attempt(now: 0, tat: nil)
        #expect(first.allowed)
        #expect(!gcra.attempt(now: 0.5, tat: first.tat).allowed)
        #expect(gcra.attempt(now: 1000, tat: first.tat).allowed)
    }

    @Test func burstBelowOneMeansOne() {
        #expect(GCRA(rate: 1, burst: 0).burst == 1)
        #expect(GCRA(rate: 1, burst: 0).tolerance == 0)
    }

    @Test func theInProcessLimiterKeysByHost() async throws {
        let now = Mutex(0.0)
        let limiter = InProcessRateLimiter(GCRA(rate: 2, burst: 1), clock: { now.withLock { $0 } })
        #expect(limiter.tryAcquire(host: "a") == nil)
        #expect(limiter.tryAcquire(host: "b") == nil)
        let wait = try #require(limiter.tryAcquire(host: "a"))
        #expect(abs(wait.inSeconds - 0.5) < 1e-9)
        now.withLock { $0 = 0.5 }
        try await limiter.acquire(host: "a")
    }

    @Test func theLuaScriptUsesRedisTime() {
        #expect(GCRA.luaScript.contains("redis.call('TIME')"))
        #expect(GCRA.luaScript.contains("KEYS[1]"))
    }
}
