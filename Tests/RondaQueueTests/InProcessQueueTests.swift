import Foundation
import Testing

@testable import RondaQueue

struct InProcessQueueTests {
    func job(_ n: Int) -> Job {
        Job(runID: "run", scenario: "s\(n)", source: "scenario: s\(n)", file: "s\(n).yml")
    }

    @Test func leasesInOrderAndAcknowledges() async throws {
        let queue = InProcessQueue()
        await queue.enqueue([job(1), job(2)])
        let first = try #require(await queue.lease(consumer: "w", wait: .zero))
        let second = try #require(await queue.lease(consumer: "w", wait: .zero))
        #expect(first.job.scenario == "s1")
        #expect(second.job.scenario == "s2")
        #expect(await queue.stats() == QueueStats(pending: 0, inFlight: 2, deadLetters: 0))
        await queue.acknowledge(first)
        await queue.acknowledge(second)
        #expect(await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
    }

    @Test func aReleasedJobIsDeliveredAgainWithItsCount() async throws {
        let queue = InProcessQueue()
        await queue.enqueue([job(1)])
        let lease = try #require(await queue.lease(consumer: "w", wait: .zero))
        await queue.release(lease)
        let again = try #require(await queue.lease(consumer: "w", wait: .zero))
        #expect(again.job == lease.job)
        #expect(again.deliveries == 2)
        #expect(again.token != lease.token)
    }

    @Test func aJobDeliveredTooOftenGoesToTheDeadLetters() async throws {
        let queue = InProcessQueue(maxDeliveries: 2)
        await queue.enqueue([job(1)])
        for _ in 0..<2 {
            let lease = try #require(await queue.lease(consumer: "w", wait: .zero))
            await queue.release(lease)
        }
        #expect(await queue.lease(consumer: "w", wait: .zero) == nil)
        #expect(await queue.deadLetters().map(\.scenario) == ["s1"])
        #expect(await queue.stats().deadLetters == 1)
    }

    @Test func aWaitingLeaseIsWokenByAnEnqueue() async throws {
        let queue = InProcessQueue()
        async let leased = queue.lease(consumer: "w", wait: .seconds(30))
        await queue.enqueue([job(7)])
        let lease = try #require(await leased)
        #expect(lease.job.scenario == "s7")
    }

    @Test func aClosedEmptyQueueEndsLeasing() async {
        let queue = InProcessQueue()
        async let leased = queue.lease(consumer: "w", wait: .seconds(30))
        await queue.close()
        #expect(await leased == nil)
    }

    @Test func aLeaseWithNothingToDoReturnsNilAfterItsWait() async {
        let queue = InProcessQueue()
        #expect(await queue.lease(consumer: "w", wait: .milliseconds(20)) == nil)
    }

    @Test func aCancelledWaitReturnsNil() async {
        let queue = InProcessQueue()
        let task = Task { await queue.lease(consumer: "w", wait: .seconds(30)) }
        task.cancel()
        #expect(await task.value == nil)
    }

    @Test func jobIDsIdentifyTheRunAndScenario() {
        #expect(job(3).id == "run/s3")
    }
}
