import Foundation
import Testing

@testable import RondaQueue

/// Reclaim past many live jobs, and what a dead letter carries.
@Suite(.enabled(if: TestRedis.isAvailable), .timeLimit(.minutes(1)))
struct DistReclaimTests {
    func makeQueue(_ redis: TestRedis, maxDeliveries: Int = 5) -> RedisJobQueue {
        RedisJobQueue(
            configuration: redis.configuration(),
            options: .init(streamKey: "test:jobs", leaseTime: .seconds(1), maxDeliveries: maxDeliveries, pollInterval: .milliseconds(50)))
    }

    @Test func aStaleJobBehindTwentyFiveRenewedOnesIsReclaimed() async throws {
        let redis = try TestRedis()
        defer { redis.stop() }
        let queue = makeQueue(redis)
        defer { queue.close() }
        try await queue.enqueue((1...26).map { job($0) })
        var live: [Lease] = []
        for index in 1...25 { live.append(try #require(try await queue.lease(consumer: "live-\(index)", wait: .zero))) }
        let stale = try #require(try await queue.lease(consumer: "dead", wait: .zero))
        // Keep the 25 renewed; the 26th goes stale and comes back to another consumer.
        var reclaimed: Lease?
        for _ in 0..<100 where reclaimed == nil {
            for lease in live { #expect(try await queue.renew(lease)) }
            reclaimed = try await queue.lease(consumer: "rescuer", wait: .milliseconds(100))
        }
        #expect(reclaimed?.job == stale.job)
        #expect(reclaimed?.deliveries == 2)
    }

    @Test func aDeadLetterCarriesItsDeliveriesAndTheLastNotedFailure() async throws {
        let redis = try TestRedis()
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
