public import Foundation
import Logging
import RondaCore
public import ServiceLifecycle

/// `ronda coordinator serve` as a `Service`: every `interval`, a schedule tick and a sweep
/// (enqueue repairs, finalization); at each `cleanupTime` (the CLI's default is 03:00 daily, in the
/// coordinator's time zone), deletes runs older than the retention. Errors (a database or
/// Redis away) are logged and the loop goes on with backoff (doubling from the interval up to
/// 60 s); while it backs off it asks the servers every `probeInterval` whether they answer
/// again, and passes at once when they do. It stops on graceful shutdown.
public struct CoordinatorService: Service {
    public let scheduler: Scheduler
    public var interval: Duration
    /// Runs older than this are deleted by the daily cleanup.
    public var retention: Duration
    /// When the daily cleanup runs.
    public var cleanupTime: CronExpression
    public var cleanupTimeZone: TimeZone
    /// The clock (tests move it).
    public var now: @Sendable () -> Date = { Date() }
    /// Called after each pass (tests and progress output).
    public var onPass: (@Sendable (TickReport, SweepReport) -> Void)?
    /// Called after each failed pass with the number of failures in a row (tests).
    public var onFailure: (@Sendable (Int) -> Void)?
    /// While backing off, how often the servers are asked whether they answer again.
    public var probeInterval: Duration = .seconds(1)

    public init(
        scheduler: Scheduler,
        interval: Duration = .seconds(5),
        retention: Duration = .seconds(30 * 86_400),
        cleanupTime: CronExpression,
        cleanupTimeZone: TimeZone = .current,
        onPass: (@Sendable (TickReport, SweepReport) -> Void)? = nil
    ) {
        self.scheduler = scheduler
        self.interval = interval
        self.retention = retention
        self.cleanupTime = cleanupTime
        self.cleanupTimeZone = cleanupTimeZone
        self.onPass = onPass
    }

    public func run() async throws {
        let logger = scheduler.coordinator.logger
        logger.info(
            "coordinator serving",
            metadata: ["schedules": "\(scheduler.schedules.map(\.name))", "interval": "\(interval)"]
        )
        await cancelWhenGracefulShutdown { await loop(logger: logger) }
        logger.info("coordinator stopped")
    }

    private func loop(logger: Logger) async {
        var nextCleanup = cleanupTime.next(after: now(), in: cleanupTimeZone)
        var failures = 0
        while !Task.isCancelled {
            let now = self.now()
            do {
                let tick = try await scheduler.tick(now: now)
                let sweep = try await scheduler.coordinator.sweep(now: now)
                if let due = nextCleanup, now >= due {
                    _ = try await scheduler.coordinator.cleanup(retention: retention, now: now)
                    nextCleanup = cleanupTime.next(after: now, in: cleanupTimeZone)
                }
                onPass?(tick, sweep)
                if failures > 0 {
                    logger.info("coordinator pass succeeded again", metadata: ["failures": "\(failures)"])
                }
                failures = 0
            } catch {
                failures += 1
                logger.error(
                    "coordinator pass failed; retrying",
                    metadata: ["error": "\(error)", "failures": "\(failures)"]
                )
                onFailure?(failures)
            }
            if failures == 0 {
                try? await Task.sleep(for: interval)
            } else {
                await backOff(min(interval * (1 << min(failures, 4)), .seconds(60)))
            }
        }
    }

    /// Waits up to `limit`, but only until the servers answer again (asked every `probeInterval`):
    /// the pass after an outage comes within seconds of its end, not after the longest backoff.
    private func backOff(_ limit: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        while !Task.isCancelled, clock.now < end {
            try? await Task.sleep(for: min(probeInterval, clock.now.duration(to: end)))
            if await scheduler.coordinator.serversAnswer() { return }
        }
    }
}
