import Foundation
import Testing

@testable import RondaQueue

/// The `JobQueue` contract, run against every implementation: what the worker relies on.
@Suite(.timeLimit(.minutes(1)))
struct QueueContractTests {
    @Test(arguments: QueueKind.allCases)
    func leasesInOrderAndAcknowledges(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        try await queue.enqueue([job(1), job(2), job(3)])
        #expect(try await queue.stats() == QueueStats(pending: 3, inFlight: 0, deadLetters: 0))
        let first = try #require(try await queue.lease(consumer: "w1", wait: .zero))
        let second = try #require(try await queue.lease(consumer: "w2", wait: .zero))
        #expect(first.job == job(1))
        #expect(second.job.scenario == "s2")
        #expect(first.deliveries == 1)
        #expect(first.token != second.token)
        #expect(try await queue.stats() == QueueStats(pending: 1, inFlight: 2, deadLetters: 0))
        try await queue.acknowledge(first)
        try await queue.acknowledge(second)
        #expect(try await queue.stats() == QueueStats(pending: 1, inFlight: 0, deadLetters: 0))
        let third = try #require(try await queue.lease(consumer: "w1", wait: .zero))
        #expect(third.job.scenario == "s3")
        try await queue.acknowledge(third)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
        #expect(try await queue.lease(consumer: "w1", wait: .zero) == nil)
    }

    @Test(arguments: QueueKind.allCases)
    func acknowledgingAndLeasingTheNextInOneStep(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        try await queue.enqueue([job(1), job(2), job(3)])
        let first = try #require(try await queue.lease(consumer: "w1", wait: .zero))
        let second = try #require(try await queue.acknowledge(first, thenLeaseFor: "w1", wait: .zero))
        #expect(second.job.scenario == "s2")
        #expect(try await queue.stats() == QueueStats(pending: 1, inFlight: 1, deadLetters: 0))
        #expect(try await queue.renew(first) == false)
        #expect(try await queue.renew(second) == true)
        let third = try #require(try await queue.acknowledge(second, thenLeaseFor: "w1", wait: .zero))
        #expect(third.job.scenario == "s3")
        #expect(try await queue.acknowledge(third, thenLeaseFor: "w1", wait: .milliseconds(50)) == nil)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
    }

    @Test(arguments: QueueKind.allCases)
    func aReleasedJobIsDeliveredAgainWithItsCount(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        try await queue.enqueue([job(1)])
        let lease = try #require(try await queue.lease(consumer: "w", wait: .zero))
        try await queue.release(lease)
        #expect(try await queue.stats() == QueueStats(pending: 1, inFlight: 0, deadLetters: 0))
        let again = try #require(try await queue.lease(consumer: "w", wait: .zero))
        #expect(again.job == lease.job)
        #expect(again.deliveries == 2)
        #expect(again.token != lease.token)
        #expect(try await queue.renew(lease) == false)
        #expect(try await queue.renew(again) == true)
    }

    @Test(arguments: QueueKind.allCases)
    func aJobDeliveredTooOftenGoesToTheDeadLetters(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind, maxDeliveries: 2) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        try await queue.enqueue([job(1)])
        for delivery in 1...2 {
            let lease = try #require(try await queue.lease(consumer: "w", wait: .zero))
            #expect(lease.job == job(1))
            #expect(lease.deliveries == delivery)
            try await queue.release(lease)
        }
        // The third delivery is over the limit: the job goes to the dead letters instead.
        #expect(try await queue.lease(consumer: "w", wait: .zero) == nil)
        // The queue keeps serving other jobs.
        try await queue.enqueue([job(2)])
        let next = try #require(try await queue.lease(consumer: "w", wait: .zero))
        #expect(next.job == job(2))
        try await queue.acknowledge(next)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 1))
        if let redis = queue as? RedisJobQueue {
            #expect(try await redis.deadLetters() == [job(1)])
        } else if let memory = queue as? InProcessQueue {
            #expect(await memory.deadLetters() == [job(1)])
        }
    }

    @Test(arguments: QueueKind.allCases)
    func aWaitingLeaseIsWokenByAnEnqueue(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        let start = ContinuousClock.now
        async let leased = queue.lease(consumer: "w", wait: .seconds(30))
        try await queue.enqueue([job(7)])
        let lease = try #require(try await leased)
        #expect(lease.job.scenario == "s7")
        // Woken by the enqueue, not by the end of its 30 s wait (a generous margin for a loaded machine).
        #expect(elapsed(since: start) < .seconds(25))
    }

    @Test(arguments: QueueKind.allCases)
    func aLeaseWithNothingToDoReturnsNilAfterItsWait(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let start = ContinuousClock.now
        #expect(try await fixture.queue.lease(consumer: "w", wait: .milliseconds(250)) == nil)
        let waited = elapsed(since: start)
        #expect(waited >= .milliseconds(200))
    }

    @Test(arguments: QueueKind.allCases)
    func renewHoldsWhileTheLeaseIsInFlight(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        try await queue.enqueue([job(1)])
        let lease = try #require(try await queue.lease(consumer: "w", wait: .zero))
        #expect(try await queue.renew(lease) == true)
        #expect(try await queue.renew(lease) == true)
        try await queue.acknowledge(lease)
        #expect(try await queue.renew(lease) == false)
    }

    @Test(arguments: QueueKind.allCases)
    func aCancelledWaitReturnsNil(_ kind: QueueKind) async throws {
        guard let fixture = try QueueFixture.make(kind) else { return }
        defer { fixture.tearDown() }
        let queue = fixture.queue
        let start = ContinuousClock.now
        let task = Task { try await queue.lease(consumer: "w", wait: .seconds(30)) }
        task.cancel()
        #expect(try await task.value == nil)
        // Ended by the cancellation, not by the end of its 30 s wait.
        #expect(elapsed(since: start) < .seconds(25))
    }
}
