public import Foundation
import Synchronization

/// Waits until a request to a host may go, under a per-host GCRA limit.
public protocol RateLimiter: Sendable {
    /// Returns when one request to `host` is allowed (or throws when the task is cancelled).
    func acquire(host: String) async throws
}

/// The embedded mode's limiter: GCRA state in memory, shared by this process's scenarios.
public final class InProcessRateLimiter: RateLimiter {
    private let limit: GCRA
    private let tats = Mutex<[String: Double]>([:])
    private let clock: @Sendable () -> Double

    /// A limiter for `limit`; `clock` gives the time in seconds (Unix time by default; tests move it).
    public init(_ limit: GCRA, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.limit = limit
        self.clock = clock
    }

    /// Decides without waiting: `nil` when allowed now, otherwise how long to wait.
    public func tryAcquire(host: String) -> Duration? {
        let now = clock()
        return tats.withLock { tats in
            let decision = limit.attempt(now: now, tat: tats[host])
            tats[host] = decision.tat
            return decision.allowed ? nil : .seconds(decision.retryAfter)
        }
    }

    public func acquire(host: String) async throws {
        while let wait = tryAcquire(host: host) {
            try await Task.sleep(for: wait)
        }
    }
}
