import Foundation
import RondaCore
import RondaRuntime

/// The embedded mode's queue: jobs in memory, leased to the worker tasks of this process.
///
/// It follows the Redis protocol's rules — lease, acknowledge after commit, release to
/// re-deliver, dead-letter after `maxDeliveries` — so the same worker code runs on both.
public actor InProcessQueue: JobQueue {
    private var pending: [(job: Job, deliveries: Int)] = []
    private var head = 0
    private var inFlight: [String: (job: Job, deliveries: Int)] = [:]
    private var dead: [Job] = []
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    private var nextWaiter: UInt64 = 0
    private var nextToken: UInt64 = 0
    private var closed = false
    /// A job delivered more than this many times goes to the dead letters.
    public let maxDeliveries: Int

    public init(maxDeliveries: Int = 5) {
        self.maxDeliveries = maxDeliveries
    }

    /// No more jobs will come: `lease` returns `nil` once the queue is empty, so workers stop.
    public func close() {
        closed = true
        wakeAll()
    }

    public func enqueue(_ jobs: [Job]) {
        for job in jobs { pending.append((job, 0)) }
        wakeAll()
    }

    public func lease(consumer: String, wait: Duration) async -> Lease? {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: wait)
        while true {
            if let lease = takeNext() { return lease }
            if closed && inFlight.isEmpty { return nil }
            if closed && wait == .zero { return nil }
            if clock.now >= end { return nil }
            await waitForWork(until: end)
            if Task.isCancelled { return nil }
        }
    }

    private func takeNext() -> Lease? {
        while head < pending.count {
            var entry = pending[head]
            head += 1
            if head > 1024, head * 2 > pending.count {
                pending.removeFirst(head)
                head = 0
            }
            entry.deliveries += 1
            if entry.deliveries > maxDeliveries {
                dead.append(entry.job)
                continue
            }
            nextToken += 1
            let token = String(nextToken)
            inFlight[token] = entry
            return Lease(job: entry.job, token: token, deliveries: entry.deliveries)
        }
        return nil
    }

    private func waitForWork(until end: ContinuousClock.Instant) async {
        nextWaiter += 1
        let id = nextWaiter
        let timer = OneShotTimer(after: ContinuousClock.now.duration(to: end)) { [weak self] in
            Task { await self?.wake(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
    }

    private func wake(_ id: UInt64) {
        if let i = waiters.firstIndex(where: { $0.id == id }) {
            waiters.remove(at: i).continuation.resume()
        }
    }

    private func wakeAll() {
        let all = waiters
        waiters.removeAll()
        for w in all { w.continuation.resume() }
    }

    /// In process a lease never expires: it holds until acknowledged or released.
    public func renew(_ lease: Lease) -> Bool {
        inFlight[lease.token] != nil
    }

    public func acknowledge(_ lease: Lease) {
        inFlight[lease.token] = nil
        if closed { wakeAll() }
    }

    public func release(_ lease: Lease) {
        guard let entry = inFlight.removeValue(forKey: lease.token) else { return }
        pending.append(entry)
        wakeAll()
    }

    public func stats() -> QueueStats {
        QueueStats(pending: pending.count - head, inFlight: inFlight.count, deadLetters: dead.count)
    }

    /// Jobs that were delivered too many times.
    public func deadLetters() -> [Job] { dead }
}
