public import Foundation
public import RondaCore

/// What the alert policy reads when a run is finalized, read in the finalizing transaction.
public struct FinalizationInput: Sendable {
    /// The run as finalized (totals, completion and execution time set).
    public var run: RunRecord
    /// The run's results, without their steps, ordered by scenario.
    public var results: [ScenarioResult]
    /// For each failed or errored result, its last failed or errored step (URL, status, excerpt).
    public var failingSteps: [String: StepResult]
    /// Every error group of the run's scenarios, whatever its status.
    public var groups: [ErrorGroup]
    /// Earlier results, newest first, at most the history window each, of the run's scenarios that
    /// failed or have an open group (the others need none).
    public var history: [String: [ScenarioHistoryEntry]]
    /// Quarantined scenario names.
    public var quarantined: Set<String>

    public init(
        run: RunRecord,
        results: [ScenarioResult],
        failingSteps: [String: StepResult] = [:],
        groups: [ErrorGroup] = [],
        history: [String: [ScenarioHistoryEntry]] = [:],
        quarantined: Set<String> = []
    ) {
        self.run = run
        self.results = results
        self.failingSteps = failingSteps
        self.groups = groups
        self.history = history
        self.quarantined = quarantined
    }
}

/// What the alert policy writes in the same transaction: groups (inserted or replaced by
/// fingerprint), each failed result's group, and outbox rows.
public struct FinalizationWrites: Sendable, Hashable {
    public var groups: [ErrorGroup]
    /// Scenario → fingerprint of the group its result belongs to.
    public var resultGroups: [String: String]
    public var outbox: [OutboxEntry]

    public init(groups: [ErrorGroup] = [], resultGroups: [String: String] = [:], outbox: [OutboxEntry] = []) {
        self.groups = groups
        self.resultGroups = resultGroups
        self.outbox = outbox
    }
}

/// The pure function a finalization runs inside its transaction (the alert policy).
public typealias RunAnalysis = @Sendable (FinalizationInput) throws -> FinalizationWrites

/// How the outbox's deliverer finishes an attempt on a claimed row.
public enum OutboxOutcome: Sendable, Hashable {
    case delivered(at: Date)
    /// Failed; try again at `next`.
    case retry(error: String, next: Date)
    /// Failed for good.
    case failed(error: String, at: Date)
}

/// A quarantined scenario: it still runs and is recorded, but never alerts nor counts toward
/// the run's failure threshold.
public struct QuarantineEntry: Sendable, Hashable, Codable {
    public var scenario: String
    public var reason: String?
    public var addedAt: Date

    public init(scenario: String, reason: String?, addedAt: Date) {
        self.scenario = scenario
        self.reason = reason
        self.addedAt = addedAt
    }
}

/// Error figures for `ronda stats` and the dashboard.
public struct ErrorStats: Sendable, Hashable, Codable {
    /// Failed or errored results, ever (as far as retention keeps them) and since the window's start.
    public var errorsTotal: Int
    public var errorsSince: Int
    public var openGroups: Int
    /// Mean execution time of runs completed in the window, seconds.
    public var averageExecutionTime: Double?
    /// Failed or errored results per module in the window, most first (at most 10).
    public var errorsPerModule: [ModuleCount]
    /// Median time from first seen to resolved over resolved groups, seconds; overall and per module.
    public var medianTimeToResolution: Double?
    public var medianTimeToResolutionPerModule: [String: Double]

    public struct ModuleCount: Sendable, Hashable, Codable {
        public var module: String
        public var errors: Int

        public init(module: String, errors: Int) {
            self.module = module
            self.errors = errors
        }
    }

    public init(
        errorsTotal: Int = 0,
        errorsSince: Int = 0,
        openGroups: Int = 0,
        averageExecutionTime: Double? = nil,
        errorsPerModule: [ModuleCount] = [],
        medianTimeToResolution: Double? = nil,
        medianTimeToResolutionPerModule: [String: Double] = [:]
    ) {
        self.errorsTotal = errorsTotal
        self.errorsSince = errorsSince
        self.openGroups = openGroups
        self.averageExecutionTime = averageExecutionTime
        self.errorsPerModule = errorsPerModule
        self.medianTimeToResolution = medianTimeToResolution
        self.medianTimeToResolutionPerModule = medianTimeToResolutionPerModule
    }

    /// The median of `values` (`nil` when empty).
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
