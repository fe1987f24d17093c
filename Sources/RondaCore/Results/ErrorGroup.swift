public import Foundation

/// The state of an error group.
public enum ErrorGroupStatus: String, Sendable, Codable, CaseIterable {
    /// Seen in the latest runs of its scenario; not yet passed `resolve_after` runs in a row.
    case open
    /// Its scenario passed `resolve_after` runs in a row (or an operator resolved it).
    case resolved
    /// An operator ignored it: still counted, never alerted.
    case ignored
}

/// A failure seen in one or more runs, identified by its fingerprint (`ErrorFingerprint`).
/// Every failed or errored scenario result belongs to exactly one group.
public struct ErrorGroup: Sendable, Codable, Hashable {
    public var fingerprint: String
    public var scenario: String
    public var module: String
    public var priority: Priority
    /// The failing step's name.
    public var step: String?
    /// The failing request's signature (`POST /orders/{id}/pay`), when a request failed.
    public var signature: String?
    public var errorKind: String
    /// The last occurrence's message (redacted, as stored with the result).
    public var message: String
    public var normalizedMessage: String
    /// URL and HTTP status of the last occurrence's failing request.
    public var url: String?
    public var httpStatus: Int?
    /// The last occurrence's redacted response excerpt.
    public var excerpt: String?
    public var status: ErrorGroupStatus
    public var firstSeen: Date
    public var lastSeen: Date
    public var occurrences: Int
    public var firstRunID: String
    public var lastRunID: String
    /// The release of the run the group first appeared in.
    public var firstRelease: String?
    public var resolvedAt: Date?
    /// The release of the run that resolved it.
    public var resolvedRelease: String?
    /// When it last came back after being resolved, and how many times it did.
    public var regressedAt: Date?
    public var regressions: Int
    /// Runs its scenario passed in a row since the group was last seen (resolves at `resolve_after`).
    public var passStreak: Int
    /// When an alert last named this group (reminders count from here).
    public var notifiedAt: Date?

    public init(
        fingerprint: String,
        scenario: String,
        module: String,
        priority: Priority,
        step: String? = nil,
        signature: String? = nil,
        errorKind: String,
        message: String,
        normalizedMessage: String,
        url: String? = nil,
        httpStatus: Int? = nil,
        excerpt: String? = nil,
        status: ErrorGroupStatus = .open,
        firstSeen: Date,
        lastSeen: Date,
        occurrences: Int = 1,
        firstRunID: String,
        lastRunID: String,
        firstRelease: String? = nil,
        resolvedAt: Date? = nil,
        resolvedRelease: String? = nil,
        regressedAt: Date? = nil,
        regressions: Int = 0,
        passStreak: Int = 0,
        notifiedAt: Date? = nil
    ) {
        self.fingerprint = fingerprint
        self.scenario = scenario
        self.module = module
        self.priority = priority
        self.step = step
        self.signature = signature
        self.errorKind = errorKind
        self.message = message
        self.normalizedMessage = normalizedMessage
        self.url = url
        self.httpStatus = httpStatus
        self.excerpt = excerpt
        self.status = status
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.occurrences = occurrences
        self.firstRunID = firstRunID
        self.lastRunID = lastRunID
        self.firstRelease = firstRelease
        self.resolvedAt = resolvedAt
        self.resolvedRelease = resolvedRelease
        self.regressedAt = regressedAt
        self.regressions = regressions
        self.passStreak = passStreak
        self.notifiedAt = notifiedAt
    }

    /// Time from first seen to resolved, seconds (`nil` while not resolved).
    public var timeToResolution: Double? { resolvedAt.map { $0.timeIntervalSince(firstSeen) } }

    /// The group as an alert shows it.
    public func alertGroup(flakiness: Double? = nil) -> AlertGroup {
        AlertGroup(
            fingerprint: fingerprint,
            scenario: scenario,
            module: module,
            priority: priority,
            step: step,
            signature: signature,
            errorKind: errorKind,
            message: message,
            normalizedMessage: normalizedMessage,
            url: url,
            httpStatus: httpStatus,
            excerpt: excerpt,
            firstSeen: firstSeen,
            lastSeen: lastSeen,
            occurrences: occurrences,
            firstRelease: firstRelease,
            resolvedRelease: resolvedRelease,
            flakiness: flakiness
        )
    }
}

/// The delivery state of one outbox row.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    /// Waiting for (another) delivery attempt.
    case pending
    /// The channel accepted it.
    case delivered
    /// Decided inside a maintenance window: recorded, never sent.
    case suppressed
    /// Given up: the channel rejected it permanently or the retry policy's age ran out.
    case failed
}

/// One alert decision for one channel, written in the transaction that made the decision and
/// delivered afterwards. Its `id` — `DECISION/CHANNEL` — is the idempotency key the channel sends.
public struct OutboxEntry: Sendable, Codable, Hashable {
    public var id: String
    public var decision: String
    public var channel: String
    public var runID: String?
    /// The most severe trigger of the alert.
    public var trigger: AlertTrigger
    /// Order within the decisions made at `createdAt` (rows are delivered per channel in
    /// (created_at, position) order).
    public var position: Int
    public var alert: Alert
    public var state: OutboxState
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    /// Why it was not sent (maintenance window), for `suppressed` rows.
    public var note: String?

    public init(
        decision: String,
        channel: String,
        runID: String?,
        position: Int,
        alert: Alert,
        state: OutboxState = .pending,
        createdAt: Date,
        note: String? = nil
    ) {
        self.id = "\(decision)/\(channel)"
        self.decision = decision
        self.channel = channel
        self.runID = runID
        self.trigger = alert.triggers.first ?? .test
        self.position = position
        self.alert = alert
        self.state = state
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.lastError = nil
        self.createdAt = createdAt
        self.deliveredAt = nil
        self.note = note
    }
}

/// One past result of a scenario, as flakiness and escalation read them.
public struct ScenarioHistoryEntry: Sendable, Codable, Hashable {
    public var runID: String
    public var status: ScenarioOutcome
    /// It passed, but a step needed more than one attempt (`retry`).
    public var passedAfterRetry: Bool
    public var completedAt: Date

    public init(runID: String, status: ScenarioOutcome, passedAfterRetry: Bool = false, completedAt: Date) {
        self.runID = runID
        self.status = status
        self.passedAfterRetry = passedAfterRetry
        self.completedAt = completedAt
    }

    public var failed: Bool { status == .fail || status == .error }
}

/// A scenario's flakiness over its recent runs (newest first in `history`).
public struct Flakiness: Sendable, Codable, Hashable {
    public var scenario: String
    public var runs: Int
    /// Outcome flips (pass ↔ fail) over consecutive runs, divided by `runs - 1`.
    public var flipShare: Double
    /// Runs that passed only after a step's retry, divided by `runs`.
    public var retryShare: Double

    public init(scenario: String, history: [ScenarioHistoryEntry]) {
        self.scenario = scenario
        let counted = history.filter { $0.status != .skip }
        runs = counted.count
        var flips = 0
        for (a, b) in zip(counted, counted.dropFirst()) where a.failed != b.failed { flips += 1 }
        flipShare = counted.count > 1 ? Double(flips) / Double(counted.count - 1) : 0
        retryShare = counted.isEmpty ? 0 : Double(counted.filter(\.passedAfterRetry).count) / Double(counted.count)
    }

    /// Flaky: enough runs to judge (5 or more) and a flip share at or over `threshold`.
    public func isFlaky(threshold: Double) -> Bool { runs >= 5 && flipShare >= threshold }
}
