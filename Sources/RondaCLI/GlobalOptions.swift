import ArgumentParser
import Foundation
import Logging
import RondaCore

/// Options every command that talks to a target shares: the configuration, the base URL, logging.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String = "ronda.yml"

    @Option(
        name: .long,
        help: ArgumentHelp("Target base URL; overrides target.base_url and RONDA_BASE_URL.", valueName: "url")
    )
    var baseURL: String?

    @OptionGroup var logging: LoggingOptions

    /// Loads the configuration. A missing default `ronda.yml` means defaults; a missing named file is an error.
    func loadConfig(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RondaConfig {
        var config: RondaConfig
        if FileManager.default.fileExists(atPath: self.config) {
            do { config = try RondaConfig.load(file: self.config) } catch {
                throw CLIError(code: .configuration, message: "the configuration has problems:\n" + error.message)
            }
        } else if self.config != "ronda.yml" {
            throw CLIError(code: .configuration, message: "no configuration file at \(self.config)")
        } else {
            config = RondaConfig()
        }
        if let url = baseURL ?? environment["RONDA_BASE_URL"] {
            guard RondaConfig.isHTTPURL(url) else {
                throw CLIError(
                    code: .configuration,
                    message:
                        "the base URL '\(url)' is not an http:// or https:// URL (from \(baseURL != nil ? "--base-url" : "RONDA_BASE_URL"))"
                )
            }
            config.target.baseURL = url
        }
        return config
    }

    func makeLogger(label: String) throws -> Logger {
        try logging.makeLogger(label: label)
    }

    /// A logger writing to standard error at `level`, as `text` or `json` lines.
    static func makeLogger(label: String, level logLevel: String, format logFormat: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw CLIError(
                code: .usage,
                message: "unknown --log-level '\(logLevel)': use trace, debug, info, notice, warning, error or critical"
            )
        }
        guard logFormat == "text" || logFormat == "json" else {
            throw CLIError(code: .usage, message: "unknown --log-format '\(logFormat)': use text or json")
        }
        let json = logFormat == "json"
        var logger = Logger(label: label) { label in
            StderrLogHandler(label: label, json: json)
        }
        logger.logLevel = level
        return logger
    }
}

/// `--log-level` and `--log-format`: what every command that logs takes.
struct LoggingOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level")
    )
    var logLevel: String = "warning"

    @Option(
        name: .long,
        help: ArgumentHelp("Log format: text, or json (one object a line, for containers).", valueName: "format")
    )
    var logFormat: String = "text"

    func makeLogger(label: String) throws -> Logger {
        try GlobalOptions.makeLogger(label: label, level: logLevel, format: logFormat)
    }
}

/// Writes log lines to standard error, as text or one JSON object a line.
struct StderrLogHandler: LogHandler {
    let label: String
    let json: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = UTCTimestamp.text(Date())
        let text: String
        if json {
            var object: [String: JSONValue] = [
                "time": .string(time), "level": .string(level.rawValue), "label": .string(label),
                "message": .string("\(message)"),
            ]
            for (k, v) in merged { object[k] = .string("\(v)") }
            text = JSONValue.object(object).jsonText()
        } else {
            let meta = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            text = "\(time) \(level.rawValue.uppercased()) \(label): \(message)\(meta.isEmpty ? "" : " " + meta)"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// `2026-12-07T18:05:14Z`: the time of a log line, in UTC to the second, as
/// `ISO8601DateFormatter`'s default writes it, from the C library's `gmtime_r` (a formatter per
/// line built an ICU calendar for every log line).
enum UTCTimestamp {
    static func text(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return ISO8601DateFormatter().string(from: date) }
        /// `value` in decimal, zero-padded to `width` digits.
        func padded(_ value: Int32, _ width: Int = 2) -> String {
            let digits = String(value)
            guard value >= 0, digits.count < width else { return digits }
            return String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1))-\(padded(parts.tm_mday))T"
            + "\(padded(parts.tm_hour)):\(padded(parts.tm_min)):\(padded(parts.tm_sec))Z"
    }
}
