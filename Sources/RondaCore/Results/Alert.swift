public import Foundation

/// What made the alert policy decide to send something.
public enum AlertTrigger: String, Sendable, Codable, CaseIterable, Comparable {
    /// The whole run errored: no scenario could reach the target.
    case runErrored = "run_errored"
    /// A P0 scenario failed in N consecutive runs.
    case escalation
    /// The run had at least `threshold` failing scenarios (quarantined ones not counted).
    case threshold
    /// A group seen for the first time.
    case newError = "new_error"
    /// A resolved group came back.
    case regression
    /// A group stays open; reminded every N hours.
    case reminder
    /// A group resolved (its scenario passed N runs in a row).
    case recovery
    /// `ronda alerts test CHANNEL`.
    case test
    /// Ronda's own operations (`ronda alerts notify`: a backup written or failed, a restore).
    case operations

    /// Most severe first (the order of the cases).
    public static func < (lhs: AlertTrigger, rhs: AlertTrigger) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// A few words for people ("new error", "recovered").
    public var label: String {
        switch self {
        case .runErrored: "run errored"
        case .escalation: "escalation"
        case .threshold: "over the failure threshold"
        case .newError: "new error"
        case .regression: "regression"
        case .reminder: "still open"
        case .recovery: "recovered"
        case .test: "test message"
        case .operations: "operations"
        }
    }
}

/// The error group an alert item is about, as it stood when the decision was made.
public struct AlertGroup: Sendable, Codable, Hashable {
    /// The group's fingerprint (hex SHA-256 of its parts): Sentry's and receivers' dedup key.
    public var fingerprint: String
    public var scenario: String
    public var module: String
    public var priority: Priority
    /// The failing step's name.
    public var step: String?
    /// The failing request's signature: method and path with ids templated (`POST /orders/{id}/pay`).
    public var signature: String?
    public var errorKind: String
    /// The message of the last occurrence (redacted).
    public var message: String
    /// The normalized message the fingerprint was computed from.
    public var normalizedMessage: String
    /// URL and HTTP status of the failing request, when there was one (redacted).
    public var url: String?
    public var httpStatus: Int?
    /// Redacted excerpt of the last occurrence's response.
    public var excerpt: String?
    public var firstSeen: Date
    public var lastSeen: Date
    public var occurrences: Int
    /// The release the group first appeared in, and the one it was resolved in.
    public var firstRelease: String?
    public var resolvedRelease: String?
    /// Share of outcome flips of its scenario over the recent runs (0…1), when known.
    public var flakiness: Double?

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
        firstSeen: Date,
        lastSeen: Date,
        occurrences: Int = 1,
        firstRelease: String? = nil,
        resolvedRelease: String? = nil,
        flakiness: Double? = nil
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
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.occurrences = occurrences
        self.firstRelease = firstRelease
        self.resolvedRelease = resolvedRelease
        self.flakiness = flakiness
    }
}

/// One thing an alert reports: a trigger, and the group or scenario it is about (run-level
/// triggers have neither).
public struct AlertItem: Sendable, Codable, Hashable {
    public var trigger: AlertTrigger
    public var scenario: String?
    public var module: String?
    public var priority: Priority
    public var group: AlertGroup?
    /// One line for people: "Login fails with 500", "3 consecutive failing runs".
    public var summary: String

    public init(
        trigger: AlertTrigger,
        scenario: String? = nil,
        module: String? = nil,
        priority: Priority,
        group: AlertGroup? = nil,
        summary: String
    ) {
        self.trigger = trigger
        self.scenario = scenario
        self.module = module
        self.priority = priority
        self.group = group
        self.summary = summary
    }
}

/// Items of one trigger that share a cause: the same failing step signature and normalized
/// message in several scenarios of one run (a role's login that fails breaks every scenario of
/// that role). An alert names the cause once with the scenarios it hit.
public struct AlertCause: Sendable, Codable, Hashable {
    public var trigger: AlertTrigger
    /// The failing request's signature (`POST /accounts/login/`), or the failing step's name
    /// when no request was made (an unset variable).
    public var step: String
    public var errorKind: String
    /// The message of one occurrence (redacted).
    public var message: String
    public var scenarios: [String]
    public var modules: [String]
    public var priority: Priority

    public init(
        trigger: AlertTrigger,
        step: String,
        errorKind: String,
        message: String,
        scenarios: [String],
        modules: [String],
        priority: Priority
    ) {
        self.trigger = trigger
        self.step = step
        self.errorKind = errorKind
        self.message = message
        self.scenarios = scenarios
        self.modules = modules
        self.priority = priority
    }
}

/// The run an alert is about.
public struct AlertRun: Sendable, Codable, Hashable {
    public var id: String
    public var startedAt: Date
    public var completedAt: Date?
    /// Seconds from start to finalization.
    public var executionTime: Double?
    public var totals: RunTotals
    /// Failing scenarios that are quarantined (not counted toward the threshold).
    public var quarantinedFailures: Int
    /// The target's release read at the start of the run.
    public var release: String?
    /// Link to the run on the dashboard (`alerts.public_url` + `/runs/ID`), when configured.
    public var url: String?

    public init(
        id: String,
        startedAt: Date,
        completedAt: Date? = nil,
        executionTime: Double? = nil,
        totals: RunTotals,
        quarantinedFailures: Int = 0,
        release: String? = nil,
        url: String? = nil
    ) {
        self.id = id
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.executionTime = executionTime
        self.totals = totals
        self.quarantinedFailures = quarantinedFailures
        self.release = release
        self.url = url
    }
}

/// One alert decision as a channel sends it: what happened in a run (or since the last
/// reminder), with its items and their shared causes. The payload of an outbox row.
public struct Alert: Sendable, Codable, Hashable {
    /// The decision's id, stable across retries: `(decision id, channel)` is the idempotency key.
    public var id: String
    public var createdAt: Date
    /// One line: "Run 3f2a…: 7 failing, 2 new errors".
    public var title: String
    /// The triggers of its items, most severe first.
    public var triggers: [AlertTrigger]
    /// The most urgent priority among its items.
    public var priority: Priority
    public var run: AlertRun?
    public var items: [AlertItem]
    /// Items sharing a failing step, collapsed (see `AlertCause`).
    public var causes: [AlertCause]
    /// `ronda alerts test`: clearly marked, never about a real failure.
    public var isTest: Bool

    public init(
        id: String,
        createdAt: Date,
        title: String,
        triggers: [AlertTrigger],
        priority: Priority,
        run: AlertRun? = nil,
        items: [AlertItem],
        causes: [AlertCause] = [],
        isTest: Bool = false
    ) {
        self.id = id
        self.createdAt = createdAt
        self.title = title
        self.triggers = triggers
        self.priority = priority
        self.run = run
        self.items = items
        self.causes = causes
        self.isTest = isTest
    }

    /// The alert as plain text: what every channel's body is built from (email, WhatsApp, logs).
    public var text: String {
        var lines = [isTest ? "[TEST] \(title)" : title]
        if let run {
            var counts =
                "Run \(run.id): \(run.totals.passed)/\(run.totals.scenarios) passed, "
                + "\(run.totals.failed) failed, \(run.totals.errored) errored"
            if run.quarantinedFailures > 0 { counts += " (\(run.quarantinedFailures) quarantined)" }
            lines.append(counts)
            if let time = run.executionTime { lines.append("Execution time: \(String(format: "%.1f", time)) s") }
            if let release = run.release { lines.append("Release: \(release)") }
        }
        for cause in causes {
            lines.append(
                "\(cause.trigger.label): \(cause.step) — \(cause.message) — \(cause.scenarios.count) scenarios: "
                    + cause.scenarios.joined(separator: ", ")
            )
        }
        let collapsed = Set(causes.flatMap { cause in cause.scenarios.map { "\(cause.trigger.rawValue) \($0)" } })
        for item in items where !collapsed.contains("\(item.trigger.rawValue) \(item.scenario ?? "")") {
            let subject = item.scenario.map { "\(item.module ?? "?")/\($0): " } ?? ""
            lines.append("\(item.trigger.label): \(subject)\(item.summary)")
        }
        if let url = run?.url { lines.append(url) }
        return lines.joined(separator: "\n")
    }

    /// Items grouped by module (run-level items under ""), modules sorted: the layout of the
    /// Slack message and the email's HTML part.
    public var itemsByModule: [(module: String, items: [AlertItem])] {
        Dictionary(grouping: items, by: { $0.module ?? "" })
            .sorted { $0.key < $1.key }
            .map { (module: $0.key, items: $0.value) }
    }
}
