import Foundation
public import Logging

/// A swift-log `LogHandler` that keeps every line in memory, for assertions on what was logged.
///
/// ```swift
/// let capture = LogCapture()
/// let logger = capture.logger(level: .trace)
/// // … code under test logs through `logger` …
/// #expect(!capture.text.contains("secret"))
/// ```
public final class LogCapture: @unchecked Sendable {
    // Safe: every access to `entries` holds `lock`.
    private let lock = NSLock()
    private var entries: [Entry] = []

    /// One logged line.
    public struct Entry: Sendable, CustomStringConvertible {
        public var label: String
        public var level: Logger.Level
        public var message: String
        /// The handler's metadata merged with the call's, rendered as text.
        public var metadata: [String: String]
        public var source: String

        /// `LEVEL label: message key=value …` with keys sorted.
        public var description: String {
            let pairs = metadata.keys.sorted().map { "\($0)=\(metadata[$0] ?? "")" }.joined(separator: " ")
            return "\(level) \(label): \(message)" + (pairs.isEmpty ? "" : " " + pairs)
        }
    }

    public init() {}

    /// A logger at `level` whose lines land in this capture.
    public func logger(label: String = "ronda.test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = level
        return logger
    }

    /// Every line so far, in order.
    public var lines: [Entry] { lock.withLock { entries } }

    /// Every line as text, one per line.
    public var text: String { lines.map(\.description).joined(separator: "\n") }

    func append(_ entry: Entry) { lock.withLock { entries.append(entry) } }

    /// The handler itself; value type as swift-log expects, sharing the capture.
    public struct Handler: LogHandler {
        public let label: String
        let capture: LogCapture
        public var metadata: Logger.Metadata = [:]
        public var logLevel: Logger.Level = .trace

        public init(label: String, capture: LogCapture) {
            self.label = label
            self.capture = capture
        }

        public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        public func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            if let error = event.error { merged["error.value"] = .string(String(describing: error)) }
            capture.append(
                Entry(
                    label: label,
                    level: event.level,
                    message: event.message.description,
                    metadata: merged.mapValues { "\($0)" },
                    source: event.source
                )
            )
        }
    }
}
