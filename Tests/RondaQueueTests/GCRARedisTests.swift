import Foundation
import RondaTestSupport
import Testing

@testable import RondaQueue

/// The GCRA Lua script on a real redis-server.
struct GCRARedisTests {
    @Test(.enabled(if: TestRedis.isAvailable))
    func theScriptAllowsTheBurstThenRefusesWithARetryTime() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let connection = try redis.connect()
        let gcra = GCRA(rate: 1, burst: 3)
        var allowed = 0
        var lastRetry = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<5 {
            let reply = try connection.command([
                "EVAL", GCRA.luaScript, "1", "ronda:rate:example.com", String(gcra.emissionInterval),
                String(gcra.tolerance),
            ])
            guard case .array(let items) = reply, items.count == 2, case .integer(let ok) = items[0],
                case .integer(let retry) = items[1]
            else {
                Issue.record("unexpected reply \(reply)")
                return
            }
            if ok == 1 { allowed += 1 } else { lastRetry = retry }
        }
        let elapsed = start.duration(to: clock.now)
        let elapsedMicroseconds =
            Int(elapsed.components.seconds) * 1_000_000
            + Int(elapsed.components.attoseconds / 1_000_000_000_000)
        #expect(allowed == 3)
        // Refused with one emission interval (1 s) to wait, in microseconds, less the time the
        // five calls took (a loaded machine can take more than a few milliseconds).
        #expect(
            lastRetry > 1_000_000 - elapsedMicroseconds - 1_000 && lastRetry <= 1_000_000,
            "retry \(lastRetry) µs after \(elapsedMicroseconds) µs"
        )
        // The key expires by itself once idle.
        guard case .integer(let ttl) = try connection.command(["PTTL", "ronda:rate:example.com"]) else {
            Issue.record("PTTL did not answer an integer")
            return
        }
        #expect(ttl > 0)
    }
}
