import Foundation
import RondaTestSupport
import Testing

@testable import RondaQueue

/// Which implementation a contract test runs against.
enum QueueKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess, redis

    var testDescription: String { rawValue }
}

/// A queue under test and what it needs: for Redis, a redis-server of its own.
struct QueueFixture: Sendable {
    let queue: any JobQueue
    let redis: TestRedis?

    /// `nil` when the kind cannot run here (no redis-server installed). The Redis queue gets a
    /// stream of its own, so the tests can share a server (`RONDA_TEST_REDIS_URL`).
    static func make(
        _ kind: QueueKind,
        maxDeliveries: Int = 5,
        leaseTime: Duration = .seconds(60)
    ) throws -> QueueFixture? {
        switch kind {
        case .inProcess:
            return QueueFixture(queue: InProcessQueue(maxDeliveries: maxDeliveries), redis: nil)
        case .redis:
            guard TestRedis.isAvailable || TestRedis.externalURL != nil else { return nil }
            let redis = try TestRedis.forQueueTests()
            let options = RedisJobQueue.Options(
                streamKey: TestRedis.uniqueKey("jobs"),
                leaseTime: leaseTime,
                maxDeliveries: maxDeliveries,
                pollInterval: .milliseconds(100)
            )
            return QueueFixture(
                queue: RedisJobQueue(configuration: redis.configuration(), options: options),
                redis: redis
            )
        }
    }

    func tearDown() {
        (queue as? RedisJobQueue)?.close()
        redis?.stop()
    }
}

func job(_ n: Int, run: String = "run") -> Job {
    Job(
        runID: run,
        scenario: "s\(n)",
        source: "scenario: s\(n)",
        file: "s\(n).yml",
        variables: ["base": "http://127.0.0.1"]
    )
}

/// Seconds since `start`.
func elapsed(since start: ContinuousClock.Instant) -> Duration {
    ContinuousClock.now - start
}
