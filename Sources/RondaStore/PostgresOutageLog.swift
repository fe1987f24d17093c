import Logging
import Synchronization

/// Rate-limited warnings for PostgreSQL outages. postgres-nio logs "Connection creation failed"
/// at info for every connection attempt of its pool (with the whole error dumped), and every
/// call made while the server is away fails; both would fill the log for the length of an
/// outage. The first failure of an outage is one warning; after that at most one warning a
/// minute says the outage goes on (with how many failures it hid); the rest go to debug. The
/// first success after an outage is logged once at info.
final class PostgresOutageLog: Sendable {
    private let policy: Mutex<OutageLogPolicy>
    private let now: @Sendable () -> ContinuousClock.Instant
    let logger: Logger

    init(
        logger: Logger,
        interval: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.logger = logger
        self.policy = Mutex(OutageLogPolicy(interval: interval))
        self.now = now
    }

    /// Reports a failure: a warning when it starts an outage or the last warning is a minute
    /// old, debug otherwise.
    func failed(_ message: @autoclosure () -> Logger.Message, metadata: Logger.Metadata) {
        let time = now()
        switch policy.withLock({ $0.failure(at: time) }) {
        case .warn(let hidden):
            var metadata = metadata
            if hidden > 0 { metadata["failures_since_last_warning"] = .stringConvertible(hidden) }
            logger.warning(message(), metadata: metadata)
        case .debug:
            logger.debug(message(), metadata: metadata)
        }
    }

    /// A call succeeded: ends the outage (logged once).
    func succeeded(endpoint: String) {
        if policy.withLock({ $0.success() }) {
            logger.info("PostgreSQL answers again", metadata: ["database": .string(endpoint)])
        }
    }

    /// The logger to give one of postgres-nio's pools: its failed connection attempts call
    /// `onConnectFailure` and count towards the outage when it returns `true` (debug otherwise);
    /// anything else it logs below warning goes to debug.
    func backgroundLogger(onConnectFailure: @escaping @Sendable () -> Bool) -> Logger {
        var background = Logger(label: logger.label) { _ in
            BackgroundHandler(outage: self, onConnectFailure: onConnectFailure)
        }
        background.logLevel = .info
        return background
    }

    private struct BackgroundHandler: LogHandler {
        let outage: PostgresOutageLog
        let onConnectFailure: @Sendable () -> Bool
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let text = event.message.description
            if text == "Connection creation failed" {
                if onConnectFailure() {
                    outage.failed(
                        "PostgreSQL: cannot connect; retrying (warned once per outage and minute)",
                        metadata: merged
                    )
                } else {
                    outage.logger.debug("PostgreSQL: a retired pool cannot connect", metadata: merged)
                }
                return
            }
            // A call can reach a fresh pool a moment before its `run()` task starts; the pool
            // serves it as soon as it runs, so this is not worth a warning.
            let early = text.hasPrefix("Trying to lease connection from `PostgresClient`, but")
            outage.logger.log(
                level: event.level >= .warning && !early ? event.level : .debug,
                event.message,
                metadata: merged,
                source: event.source,
                file: event.file,
                function: event.function,
                line: event.line
            )
        }
    }
}

/// When an outage's failures are worth a warning: the first of an outage, then at most one
/// per `interval`. Pure (the caller passes the time).
struct OutageLogPolicy: Sendable, Equatable {
    enum Decision: Sendable, Equatable {
        /// Log a warning; `hidden` failures went to debug since the last one.
        case warn(hidden: Int)
        /// Log at debug.
        case debug
    }

    let interval: Duration
    /// When the last warning of the current outage was logged; `nil` while there is no outage.
    private(set) var lastWarning: ContinuousClock.Instant?
    private(set) var hidden = 0

    init(interval: Duration) {
        self.interval = interval
    }

    var isDown: Bool { lastWarning != nil }

    mutating func failure(at time: ContinuousClock.Instant) -> Decision {
        if let last = lastWarning, time - last < interval {
            hidden += 1
            return .debug
        }
        defer { (lastWarning, hidden) = (time, 0) }
        return .warn(hidden: hidden)
    }

    /// Returns `true` when this success ends an outage.
    mutating func success() -> Bool {
        defer { (lastWarning, hidden) = (nil, 0) }
        return lastWarning != nil
    }
}
