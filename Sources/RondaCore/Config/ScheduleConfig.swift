import Foundation

extension RondaConfig {
    /// One entry of `schedules:` as written. The coordinator turns it into a schedule and
    /// reports a cron expression or time zone it cannot use with this entry's location.
    public struct ScheduleConfig: Sendable, Hashable {
        public var name: String
        /// A 5-field cron expression or an alias such as `@hourly`.
        public var cron: String?
        /// An interval (`every: 10m`), for schedules without a cron expression.
        public var every: Duration?
        /// An IANA time zone name; UTC when absent.
        public var timeZone: String?
        public var selection: Selection
        /// How long after its slot a run must be finalized (missing results become lost).
        public var deadline: Duration?
        /// A slot missed by less than this still gets its run.
        public var startingDeadline: Duration?
        /// Where the entry is written, for messages.
        public var location: SourceLocation

        public init(
            name: String,
            cron: String? = nil,
            every: Duration? = nil,
            timeZone: String? = nil,
            selection: Selection = Selection(),
            deadline: Duration? = nil,
            startingDeadline: Duration? = nil,
            location: SourceLocation = SourceLocation(file: "ronda.yml", line: 1, column: 1)
        ) {
            self.name = name
            self.cron = cron
            self.every = every
            self.timeZone = timeZone
            self.selection = selection
            self.deadline = deadline
            self.startingDeadline = startingDeadline
            self.location = location
        }
    }

    /// `rate_limit:` — requests per second to each target host, shared by every worker.
    public struct RateLimitConfig: Sendable, Hashable {
        public var requestsPerSecond: Double
        /// Requests allowed at once above the steady rate.
        public var burst: Int

        public init(requestsPerSecond: Double, burst: Int = 1) {
            self.requestsPerSecond = requestsPerSecond
            self.burst = burst
        }
    }

    static func readSchedules(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        let keys = [
            "cron", "every", "timezone", "modules", "priorities", "tags", "scenarios", "deadline", "starting_deadline",
        ]
        for (name, keyNode, value) in reader.mapping(node, "schedules") ?? [] {
            let what = "schedules.\(name)"
            var entry = ScheduleConfig(name: name, location: keyNode.location)
            for (key, _, v) in reader.mapping(value, what, allowed: keys) ?? [] {
                switch key {
                case "cron": entry.cron = reader.nonEmptyString(v, "\(what).cron")
                case "every":
                    if let every = reader.duration(v, "\(what).every", max: .seconds(7 * 86_400)) {
                        if every >= .seconds(1) {
                            entry.every = every
                        } else {
                            reader.fail(v, "\(what).every must be at least 1s")
                        }
                    }
                case "timezone":
                    if let zone = reader.nonEmptyString(v, "\(what).timezone") {
                        if TimeZone(identifier: zone) != nil {
                            entry.timeZone = zone
                        } else {
                            reader.fail(
                                v,
                                "\(what).timezone: unknown time zone '\(zone)' (use an IANA name such as America/Bogota)"
                            )
                        }
                    }
                case "modules": entry.selection.modules = Set(reader.stringList(v, "\(what).modules") ?? [])
                case "scenarios": entry.selection.names = Set(reader.stringList(v, "\(what).scenarios") ?? [])
                case "tags": entry.selection.tags = Set(reader.stringList(v, "\(what).tags") ?? [])
                case "priorities":
                    for text in reader.stringList(v, "\(what).priorities") ?? [] {
                        if let priority = Priority(rawValue: text.uppercased()) {
                            entry.selection.priorities.insert(priority)
                        } else {
                            reader.fail(v, "\(what).priorities: unknown priority '\(text)' (use P0, P1, P2 or P3)")
                        }
                    }
                case "deadline": entry.deadline = reader.duration(v, "\(what).deadline", max: .seconds(7 * 86_400))
                default:
                    entry.startingDeadline = reader.duration(v, "\(what).starting_deadline", max: .seconds(7 * 86_400))
                }
            }
            switch (entry.cron, entry.every) {
            case (nil, nil):
                reader.fail(value, "\(what) needs 'cron:' (e.g. '*/5 * * * *' or '@hourly') or 'every:' (e.g. 10m)")
            case (.some, .some): reader.fail(value, "\(what) has both 'cron:' and 'every:'; keep one")
            default: config.schedules.append(entry)
            }
        }
    }

    static func readRateLimit(_ node: SourceNode, into config: inout RondaConfig, reader: inout NodeReader) {
        var rate: Double?
        var rateWritten = false
        var burst = 1
        for (key, _, v) in reader.mapping(node, "rate_limit", allowed: ["requests_per_second", "burst"]) ?? [] {
            if key == "burst" {
                burst = reader.int(v, "rate_limit.burst", range: 1...100_000) ?? 1
            } else if let number = Self.positiveNumber(v, written: &rateWritten) {
                rate = number
            } else {
                reader.fail(
                    v,
                    "expected a positive number for rate_limit.requests_per_second, got \(v.kindDescription)"
                )
            }
        }
        if let rate {
            config.rateLimit = RateLimitConfig(requestsPerSecond: rate, burst: burst)
        } else if !rateWritten {
            reader.fail(node, "rate_limit needs requests_per_second (a positive number)")
        }
    }
}

extension RondaConfig {
    /// An unquoted positive finite number; notes that the key was written either way.
    static func positiveNumber(_ node: SourceNode, written: inout Bool) -> Double? {
        written = true
        guard !node.isQuoted, let text = node.scalarText, let number = Double(text), number > 0, number.isFinite else {
            return nil
        }
        return number
    }
}
