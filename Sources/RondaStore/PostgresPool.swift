import PostgresNIO
import Synchronization

/// One postgres-nio pool of a `PostgresConnector`, numbered as `PostgresConnectorState` names it.
///
/// `run()` runs the client until the pool is stopped: at once (`stop()`, the store is closed),
/// or once its last call has left after it was retired (a fresh pool replaced it).
final class PostgresPool: Sendable {
    let id: Int
    let client: PostgresClient

    private struct Usage {
        var inFlight = 0
        var retired = false
        var stopped = false
        var waiter: CheckedContinuation<Void, Never>?

        /// Marks the pool stopped; returns the waiter to resume (once).
        mutating func markStopped() -> CheckedContinuation<Void, Never>? {
            stopped = true
            return waiter.take()
        }
    }
    private let usage = Mutex(Usage())

    init(id: Int, client: PostgresClient) {
        self.id = id
        self.client = client
    }

    /// Runs the client (a child task) until the pool stops or the calling task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            await untilStopped()
            group.cancelAll()
        }
    }

    /// A call starts using the pool.
    func enter() {
        usage.withLock { $0.inFlight += 1 }
    }

    /// A call is done with the pool.
    func leave() {
        let waiter = usage.withLock { usage in
            usage.inFlight -= 1
            return usage.retired && usage.inFlight == 0 ? usage.markStopped() : nil
        }
        waiter?.resume()
    }

    /// A fresh pool replaced this one: it stops once its last call has left.
    func retire() {
        let waiter = usage.withLock { usage in
            usage.retired = true
            return usage.inFlight == 0 ? usage.markStopped() : nil
        }
        waiter?.resume()
    }

    /// Stops the pool now; calls still using it fail.
    func stop() {
        usage.withLock { $0.markStopped() }?.resume()
    }

    private func untilStopped() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let stopped = usage.withLock { usage in
                    if !usage.stopped { usage.waiter = continuation }
                    return usage.stopped
                }
                if stopped { continuation.resume() }
            }
        } onCancel: {
            stop()
        }
    }
}
