import Foundation
import Logging
import RondaCore
import ServiceLifecycle

/// `ronda coordinator serve` as a `Service`: every `interval`, a schedule tick and a sweep
/// (enqueue repairs, finalization); at each `cleanupTime` (the CLI's default is 03:00 daily, in the
/// coordinator's time zone), deletes runs older than the retention. Errors (a database or
/// Redis away) are logged and the loop goes on with backoff; it stops on graceful shutdown.
public struct CoordinatorService: Service {
    public let scheduler: Scheduler
    public var interval: Duration
    /// Runs older than this many seconds are deleted by the daily cleanup.
    public var retention: Double
    /// When the daily cleanup runs.
    public var cleanupTime: CronExpression
    public var cleanupTimeZone: TimeZone
    /// The clock (tests move it).
    public var now: @Sendable () -> Date = { Date() }
    /// Called after each pass (tests and progress output).
    public var onPass: (@Sendable (TickReport, SweepReport) -> Void)?

    public init(
        scheduler: Scheduler, interval: Duration = .seconds(5), retention: Double = 30 * 86_400,
        cleanupTime: CronExpression, cleanupTimeZone: TimeZone = .current,
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
        logger.info("coordinator serving", metadata: ["schedules": "\(scheduler.schedules.map(\.name))", "interval": "\(interval)"])
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
                failures = 0
            } catch {
                failures += 1
                logger.error("coordinator pass failed; retrying", metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
            let pause = failures == 0 ? interval : min(interval * (1 << min(failures, 4)), .seconds(60))
            try? await Task.sleep(for: pause)
        }
    }
}
