import Foundation
import RondaTestSupport
import Testing

@testable import RondaQueue

/// Reclaim past many live jobs, and what a dead letter carries.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct DistReclaimTests {
    func makeQueue(_ redis: TestRedis, maxDeliveries: Int = 5) -> RedisJobQueue {
        RedisJobQueue(
            configuration: redis.configuration(),
            options: .init(
                streamKey: "test:jobs",
                leaseTime: .seconds(1),
                maxDeliveries: maxDeliveries,
                pollInterval: .milliseconds(50)
            )
        )
    }

    @Test func aStaleJobBehindTwentyFiveRenewedOnesIsReclaimed() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        // A lease time no loaded machine reaches during the test: the 25 live jobs stay live
        // without depending on how fast the loop below renews them.
        let queue = RedisJobQueue(
            configuration: redis.configuration(),
            options: .init(
                streamKey: "test:jobs",
                leaseTime: .seconds(600),
                maxDeliveries: 5,
                pollInterval: .milliseconds(50)
            )
        )
        defer { queue.close() }
        try await queue.enqueue((1...26).map { job($0) })
        var live: [Lease] = []
        for index in 1...25 { live.append(try #require(try await queue.lease(consumer: "live-\(index)", wait: .zero))) }
        let stale = try #require(try await queue.lease(consumer: "dead", wait: .zero))
        // The dead consumer's job has been idle for an hour, past its lease; it sits last in the
        // pending list, behind the 25 live ones (Redis examines a bounded number per call).
        let raw = try redis.connect()
        guard case .array(let pending) = try raw.command(["XPENDING", "test:jobs", "workers", "-", "+", "10", "dead"]),
            case .array(let entry)? = pending.first, case .bulk(let id?)? = entry.first
        else {
            Issue.record("no pending entry for the dead consumer")
            return
        }
        _ = try raw.command(["XCLAIM", "test:jobs", "workers", "dead", "0", id, "IDLE", "3600000", "JUSTID"])
        var reclaimed: Lease?
        for _ in 0..<100 where reclaimed == nil {
            reclaimed = try await queue.lease(consumer: "rescuer", wait: .zero)
        }
        #expect(reclaimed?.job == stale.job)
        #expect(reclaimed?.deliveries == 2)
        // The live jobs were never taken from their consumers.
        for lease in live { #expect(try await queue.renew(lease)) }
    }

    @Test func aDeadLetterCarriesItsDeliveriesAndTheLastNotedFailure() async throws {
        let redis = try await TestRedis.started()
        defer { redis.stop() }
        let queue = makeQueue(redis, maxDeliveries: 1)
        defer { queue.close() }
        try await queue.enqueue([job(1)])
        let first = try #require(try await queue.lease(consumer: "a", wait: .zero))
        try await queue.noteFailure(first, "delivery 1 on worker a: cancelled")
        #expect(try await queue.unrecordedDeadLetters(limit: 10).isEmpty)
        var dead: [DeadLetter] = []
        for _ in 0..<100 where dead.isEmpty {
            _ = try await queue.lease(consumer: "b", wait: .milliseconds(50))
            dead = try await queue.unrecordedDeadLetters(limit: 10)
        }
        let letter = try #require(dead.first)
        #expect(letter.job == job(1))
        #expect(letter.deliveries == 2)
        #expect(letter.lastError == "delivery 1 on worker a: cancelled")
        // Recorded: not handed out again; an older cursor does not move it back.
        try await queue.markDeadLettersRecorded(through: letter.id)
        #expect(try await queue.unrecordedDeadLetters(limit: 10).isEmpty)
        try await queue.markDeadLettersRecorded(through: "0-1")
        #expect(try await queue.unrecordedDeadLetters(limit: 10).isEmpty)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 1))
    }
}
