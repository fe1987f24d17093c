import Logging
import Synchronization

/// One warning per PostgreSQL outage. postgres-nio logs "Connection creation failed" at info
/// for every connection attempt of its pool (with the whole error dumped), and every call made
/// while the server is away fails; both would fill the log for the length of an outage. The
/// first failure of an outage is logged as one warning; the rest go to debug, until a call
/// succeeds again, which is logged once at info.
final class PostgresOutageLog: Sendable {
    private let down = Mutex(false)
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Reports a failure: a warning when it starts an outage, debug otherwise.
    func failed(_ message: @autoclosure () -> Logger.Message, metadata: Logger.Metadata) {
        let first = down.withLock { down in
            defer { down = true }
            return !down
        }
        if first {
            logger.warning(message(), metadata: metadata)
        } else {
            logger.debug(message(), metadata: metadata)
        }
    }

    /// A call succeeded: ends the outage (logged once).
    func succeeded(endpoint: String) {
        let wasDown = down.withLock { down in
            defer { down = false }
            return down
        }
        if wasDown { logger.info("PostgreSQL answers again", metadata: ["database": .string(endpoint)]) }
    }

    /// The logger to give postgres-nio's pool: its connection failures count towards the outage;
    /// anything else it logs below warning goes to debug.
    var backgroundLogger: Logger {
        var background = Logger(label: logger.label) { _ in BackgroundHandler(outage: self) }
        background.logLevel = .info
        return background
    }

    private struct BackgroundHandler: LogHandler {
        let outage: PostgresOutageLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            if event.message.description == "Connection creation failed" {
                outage.failed("PostgreSQL: cannot connect; retrying (one warning per outage)", metadata: merged)
                return
            }
            outage.logger.log(
                level: event.level >= .warning ? event.level : .debug, event.message, metadata: merged, source: event.source,
                file: event.file, function: event.function, line: event.line)
        }
    }
}
