public import Foundation

/// The overview's cards, read from the hourly rollups and the runs table (never raw results).
public struct DashboardOverview: Sendable, Codable, Hashable {
    /// Runs ever started.
    public var totalRuns: Int
    /// Runs started in the last 24 hours.
    public var runs24h: Int
    /// Runs still running.
    public var running: Int
    /// Scenario results ever recorded in finalized runs.
    public var results: Int
    /// Failed or errored results ever, and in the last 24 hours.
    public var errorsTotal: Int
    public var errors24h: Int
    /// Mean execution time of the runs completed in the last 7 days, in seconds.
    public var averageExecutionTime: Double?
    /// Passed over results (skips excluded) in the last 24 hours; `nil` without results.
    public var successRate24h: Double?
    /// Error groups that are open or regressed.
    public var openErrorGroups: Int

    public init(
        totalRuns: Int = 0,
        runs24h: Int = 0,
        running: Int = 0,
        results: Int = 0,
        errorsTotal: Int = 0,
        errors24h: Int = 0,
        averageExecutionTime: Double? = nil,
        successRate24h: Double? = nil,
        openErrorGroups: Int = 0
    ) {
        self.totalRuns = totalRuns
        self.runs24h = runs24h
        self.running = running
        self.results = results
        self.errorsTotal = errorsTotal
        self.errors24h = errors24h
        self.averageExecutionTime = averageExecutionTime
        self.successRate24h = successRate24h
        self.openErrorGroups = openErrorGroups
    }
}

/// Results and failures of one UTC day (`2026-12-06`).
public struct DayFigure: Sendable, Codable, Hashable {
    public var day: String
    public var results: Int
    public var failures: Int

    public init(day: String, results: Int, failures: Int) {
        self.day = day
        self.results = results
        self.failures = failures
    }
}

/// Figures of one module or one scenario over a window, from the hourly rollups.
public struct RollupFigure: Sendable, Codable, Hashable {
    /// The module, or the scenario.
    public var name: String
    /// The scenario's module (the module itself for a module's figure).
    public var module: String
    /// Results counted (skips excluded).
    public var results: Int
    public var passed: Int
    /// Failed plus errored.
    public var failures: Int
    /// Mean response time (sum of a result's request times), seconds.
    public var averageResponse: Double?
    /// The slowest result's response time, seconds.
    public var maxResponse: Double?
    /// Results by response time: at most 0.1, 0.25, 0.5, 1, 2.5 and 5 s (not cumulative), and above.
    public var latencyBuckets: [Int]

    public init(
        name: String,
        module: String,
        results: Int,
        passed: Int,
        failures: Int,
        averageResponse: Double?,
        maxResponse: Double?,
        latencyBuckets: [Int] = []
    ) {
        self.name = name
        self.module = module
        self.results = results
        self.passed = passed
        self.failures = failures
        self.averageResponse = averageResponse
        self.maxResponse = maxResponse
        self.latencyBuckets = latencyBuckets
    }

    /// Passed over results, or `nil` without results.
    public var successRate: Double? { results == 0 ? nil : Double(passed) / Double(results) }

    /// The upper bounds of `latencyBuckets`, seconds (the last bucket has none).
    public static let latencyBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5]

    /// An estimate of the `q` quantile of response time (0 < q ≤ 1) from the buckets: the upper
    /// bound of the bucket it falls in (`maxResponse` for the last one).
    public func responseQuantile(_ q: Double) -> Double? {
        let total = latencyBuckets.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = Int((q * Double(total)).rounded(.up))
        var seen = 0
        for (index, count) in latencyBuckets.enumerated() {
            seen += count
            if seen >= rank { return index < Self.latencyBounds.count ? Self.latencyBounds[index] : maxResponse }
        }
        return maxResponse
    }
}

/// A dashboard operator (the password hash is never read out).
public struct OperatorAccount: Sendable, Codable, Hashable {
    public var name: String
    public var createdAt: Date
    public var lastLoginAt: Date?

    public init(name: String, createdAt: Date, lastLoginAt: Date? = nil) {
        self.name = name
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
    }
}

/// A signed-in browser, found by the hash of its cookie.
public struct WebSession: Sendable, Codable, Hashable {
    public var operatorName: String
    /// The token every form of this session carries.
    public var csrfToken: String
    public var expiresAt: Date

    public init(operatorName: String, csrfToken: String, expiresAt: Date) {
        self.operatorName = operatorName
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// What `/metrics` reports from the store, read at each scrape.
public struct MetricsSnapshot: Sendable, Hashable {
    /// Runs by status (`running`, `completed`, …).
    public var runs: [String: Int] = [:]
    /// Results ever finalized, by module and outcome (`pass`, `fail`, `error`, `skip`).
    public var results: [String: [String: Int]] = [:]
    /// Results by module with a response time at most each of `RollupFigure.latencyBounds` (cumulative).
    public var responseAtMost: [String: [Int]] = [:]
    /// Error groups by status.
    public var errorGroups: [String: Int] = [:]
    /// Alert outbox rows by channel and state (`pending`, `delivered`, `failed`).
    public var outbox: [String: [String: Int]] = [:]

    public init() {}
}

/// What the public status page shows of one module: its results per UTC day and those of the
/// latest hour it ran in (no scenario names, no messages).
public struct ModuleStatus: Sendable, Codable, Hashable {
    public var module: String
    /// The latest hour with results in the last 7 days (`nil`: none).
    public var lastHour: String?
    public var lastResults: Int
    public var lastPassed: Int
    public var lastFailures: Int
    /// Every day of the window, oldest first (zeros where nothing ran).
    public var days: [DayFigure]

    public init(
        module: String,
        lastHour: String? = nil,
        lastResults: Int = 0,
        lastPassed: Int = 0,
        lastFailures: Int = 0,
        days: [DayFigure] = []
    ) {
        self.module = module
        self.lastHour = lastHour
        self.lastResults = lastResults
        self.lastPassed = lastPassed
        self.lastFailures = lastFailures
        self.days = days
    }
}

/// One step of a scenario over its recent results: how often it ran and failed, and its total
/// time's p50 and p95 (nearest rank) over the results that timed it.
public struct StepFigure: Sendable, Codable, Hashable {
    public var phase: String
    public var index: Int
    public var name: String
    public var runs: Int
    public var failures: Int
    public var p50: Double?
    public var p95: Double?

    public init(phase: String, index: Int, name: String, runs: Int, failures: Int, p50: Double?, p95: Double?) {
        self.phase = phase
        self.index = index
        self.name = name
        self.runs = runs
        self.failures = failures
        self.p50 = p50
        self.p95 = p95
    }

    /// The value at rank ⌈q·n⌉ of `sorted` (ascending), `nil` when empty.
    public static func quantile(_ q: Double, of sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
