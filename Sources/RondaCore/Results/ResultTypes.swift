public import Foundation

/// How important a scenario is; runs can select by it. P0 is the most critical.
public enum Priority: String, Sendable, Codable, CaseIterable, Comparable {
    case p0 = "P0"
    case p1 = "P1"
    case p2 = "P2"
    case p3 = "P3"

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The verdict of one scenario in one run.
public enum ScenarioOutcome: String, Sendable, Codable, CaseIterable {
    /// Every assertion held.
    case pass
    /// An assertion failed: the application answered, but wrongly.
    case fail
    /// Ronda could not finish the scenario: transport failure, timeout, template or capture error.
    case error
    /// Not run (its selection or a precondition excluded it).
    case skip
}

/// What happened to one step.
public enum StepOutcome: String, Sendable, Codable {
    case passed, failed, errored, skipped
}

/// Where a step belongs in the scenario's life.
public enum StepPhase: String, Sendable, Codable {
    /// The `as:` role's login steps.
    case login
    case main
    case teardown
}

/// Per-request timings as libcurl reports them: each is seconds from the start of the
/// request to the end of that phase (so `total >= firstByte >= tls >= connect >= dns`).
public struct Timings: Sendable, Codable, Hashable {
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var firstByte: Double
    public var total: Double

    public init(dns: Double = 0, connect: Double = 0, tls: Double = 0, firstByte: Double = 0, total: Double = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }
}

/// One checked expectation: what was expected, what was seen.
public struct AssertionResult: Sendable, Codable, Hashable {
    /// What was checked, e.g. `status`, `json $.total`, `header Content-Type`, `body`, `duration`.
    public var subject: String
    /// The operator, e.g. `==`, `in`, `contains`, `schema`.
    public var op: String
    public var expected: String
    public var actual: String
    public var passed: Bool
    /// The check's `name:` in the scenario, if it has one.
    public var name: String?

    public init(subject: String, op: String, expected: String, actual: String, passed: Bool, name: String? = nil) {
        self.subject = subject
        self.op = op
        self.expected = expected
        self.actual = actual
        self.passed = passed
        self.name = name
    }

    /// "expected status 201, got 500"; a named check starts with its name: "total is right: expected …".
    public var message: String {
        let prefix = name.map { "\($0): " } ?? ""
        switch op {
        case "==": return prefix + "expected \(subject) \(expected), got \(actual)"
        case "in": return prefix + "expected \(subject) in \(expected), got \(actual)"
        default: return prefix + "expected \(subject) \(op) \(expected), got \(actual)"
        }
    }
}

/// The record of one executed (or skipped) step: request, response, checks. Excerpts are
/// capped and redacted before they get here.
public struct StepResult: Sendable, Codable, Hashable {
    public var index: Int
    public var name: String
    public var phase: StepPhase
    /// The `cases:` row label, when the step ran for a table row.
    public var caseLabel: String?
    public var outcome: StepOutcome
    public var method: String
    public var url: String
    public var status: Int?
    public var timings: Timings?
    /// How many times the request was sent (retry-until sends it more than once).
    public var attempts: Int
    public var assertions: [AssertionResult]
    public var captures: [String: String]
    public var requestExcerpt: String?
    public var responseExcerpt: String?
    public var error: String?
    public var startedAt: Date

    public init(
        index: Int,
        name: String,
        phase: StepPhase = .main,
        caseLabel: String? = nil,
        outcome: StepOutcome,
        method: String = "",
        url: String = "",
        status: Int? = nil,
        timings: Timings? = nil,
        attempts: Int = 0,
        assertions: [AssertionResult] = [],
        captures: [String: String] = [:],
        requestExcerpt: String? = nil,
        responseExcerpt: String? = nil,
        error: String? = nil,
        startedAt: Date = Date()
    ) {
        self.index = index
        self.name = name
        self.phase = phase
        self.caseLabel = caseLabel
        self.outcome = outcome
        self.method = method
        self.url = url
        self.status = status
        self.timings = timings
        self.attempts = attempts
        self.assertions = assertions
        self.captures = captures
        self.requestExcerpt = requestExcerpt
        self.responseExcerpt = responseExcerpt
        self.error = error
        self.startedAt = startedAt
    }
}

/// What kind of problem ended a scenario; part of an error group's fingerprint.
public struct ErrorKind: RawRepresentable, Sendable, Codable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let assertion = ErrorKind(rawValue: "assertion")
    public static let transport = ErrorKind(rawValue: "transport")
    public static let timeout = ErrorKind(rawValue: "timeout")
    public static let template = ErrorKind(rawValue: "template")
    public static let capture = ErrorKind(rawValue: "capture")
    public static let configuration = ErrorKind(rawValue: "configuration")
    /// The job never produced a result before the run's deadline.
    public static let lost = ErrorKind(rawValue: "lost")
    /// The task running the scenario was cancelled while a step waited to retry (a worker
    /// stopping hard). A worker gives such a job back instead of recording it.
    public static let cancelled = ErrorKind(rawValue: "cancelled")

    public var description: String { rawValue }
}

/// The one result of one scenario in one run (unique per run and scenario).
public struct ScenarioResult: Sendable, Codable, Hashable {
    public var runID: String
    public var scenario: String
    public var module: String
    public var priority: Priority
    public var tags: [String]
    public var status: ScenarioOutcome
    public var attempt: Int
    public var worker: String
    public var stepsExecuted: Int
    public var stepsPassed: Int
    public var failingStep: String?
    public var errorKind: ErrorKind?
    /// A message a person can act on: "step 'Create appointment': expected status 201, got 500".
    public var errorMessage: String?
    /// Lower-level detail (transport error text, the template that failed, …).
    public var trace: String?
    public var startedAt: Date
    public var completedAt: Date
    /// Wall time of the whole scenario, seconds.
    public var duration: Double
    /// Mean total time of the scenario's HTTP requests, seconds.
    public var responseTime: Double
    public var steps: [StepResult]

    public init(
        runID: String,
        scenario: String,
        module: String,
        priority: Priority,
        tags: [String] = [],
        status: ScenarioOutcome,
        attempt: Int = 1,
        worker: String = "",
        stepsExecuted: Int = 0,
        stepsPassed: Int = 0,
        failingStep: String? = nil,
        errorKind: ErrorKind? = nil,
        errorMessage: String? = nil,
        trace: String? = nil,
        startedAt: Date = Date(),
        completedAt: Date = Date(),
        duration: Double = 0,
        responseTime: Double = 0,
        steps: [StepResult] = []
    ) {
        self.runID = runID
        self.scenario = scenario
        self.module = module
        self.priority = priority
        self.tags = tags
        self.status = status
        self.attempt = attempt
        self.worker = worker
        self.stepsExecuted = stepsExecuted
        self.stepsPassed = stepsPassed
        self.failingStep = failingStep
        self.errorKind = errorKind
        self.errorMessage = errorMessage
        self.trace = trace
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.duration = duration
        self.responseTime = responseTime
        self.steps = steps
    }
}

/// The state of a run.
public enum RunStatus: String, Sendable, Codable {
    /// Created; scenarios are being executed.
    case running
    /// Finalized: every scenario has a result (failures are in the totals, not here).
    case completed
    /// The run itself could not be carried out (for example its configuration broke mid-run).
    case failed
    /// Stopped by an operator.
    case cancelled
}

/// What started a run.
public enum RunTrigger: String, Sendable, Codable {
    case manual, schedule, ci
}

/// Counts of scenario results in a run.
public struct RunTotals: Sendable, Codable, Hashable {
    public var scenarios: Int
    public var passed: Int
    public var failed: Int
    public var errored: Int
    public var skipped: Int

    public init(scenarios: Int = 0, passed: Int = 0, failed: Int = 0, errored: Int = 0, skipped: Int = 0) {
        self.scenarios = scenarios
        self.passed = passed
        self.failed = failed
        self.errored = errored
        self.skipped = skipped
    }

    /// `true` when nothing failed or errored.
    public var allPassed: Bool { failed == 0 && errored == 0 }
}

/// One run: a set of scenarios executed together.
public struct RunRecord: Sendable, Codable, Hashable {
    public var id: String
    public var trigger: RunTrigger
    /// The schedule's name, for scheduled runs.
    public var schedule: String?
    /// The schedule slot (tick time) a scheduled run belongs to; unique with `schedule`.
    public var slot: Date?
    public var status: RunStatus
    /// Totals; `scenarios` is the number expected when the run was created.
    public var totals: RunTotals
    /// Number of distinct errors (failed or errored scenarios) found.
    public var errorsFound: Int
    public var startedAt: Date
    public var completedAt: Date?
    /// Seconds from start to finalization.
    public var executionTime: Double?
    /// After this, missing results are recorded as lost and the run is finalized.
    public var deadline: Date
    /// Variables the run gives every scenario (for example the base URL it targets).
    public var variables: [String: String]
    /// When the creator finished enqueueing the run's jobs; `nil` until then (a sweeper
    /// enqueues runs left without it).
    public var enqueuedAt: Date?
    /// The target's release, read once at the start of the run (`alerts.release`).
    public var release: String?

    public init(
        id: String,
        trigger: RunTrigger,
        schedule: String? = nil,
        slot: Date? = nil,
        status: RunStatus = .running,
        totals: RunTotals = RunTotals(),
        errorsFound: Int = 0,
        startedAt: Date = Date(),
        completedAt: Date? = nil,
        executionTime: Double? = nil,
        deadline: Date,
        variables: [String: String] = [:],
        enqueuedAt: Date? = nil,
        release: String? = nil
    ) {
        self.variables = variables
        self.enqueuedAt = enqueuedAt
        self.release = release
        self.id = id
        self.trigger = trigger
        self.schedule = schedule
        self.slot = slot
        self.status = status
        self.totals = totals
        self.errorsFound = errorsFound
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.executionTime = executionTime
        self.deadline = deadline
    }
}
