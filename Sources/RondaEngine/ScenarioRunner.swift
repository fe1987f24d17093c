import Foundation
public import Logging
public import RondaCore
public import RondaHTTP

/// Runs one scenario against a base URL and returns its result.
///
/// Login steps (`as:`), `vars`, the steps (once per `cases:` row), then teardown — which
/// always runs, after a failure, an error or a timeout, with its own budget. The scenario's
/// `timeout` bounds every request and every retry wait; nothing outlives it but teardown.
public struct ScenarioRunner: Sendable {
    public var configuration: EngineConfiguration
    public var logger: Logger
    let executor: CurlExecutor

    public init(
        configuration: EngineConfiguration,
        logger: Logger = Logger(label: "ronda.engine"),
        executor: CurlExecutor = .shared
    ) {
        self.configuration = configuration
        self.logger = logger
        self.executor = executor
    }

    /// Runs the scenario. Never throws: every problem ends up in the result.
    /// - Parameter onStep: called after each step, with its (redacted) result.
    public func run(
        _ scenario: Scenario,
        runID: String = "",
        worker: String = "",
        attempt: Int = 1,
        onStep: (@Sendable (StepResult) -> Void)? = nil
    ) async -> ScenarioResult {
        // The whole scenario runs on one of the transport's event loops (multi transport): its
        // requests and their completions stay on that thread. A caller already on a loop (a
        // worker slot, see `CurlExecutor.onLoop`) stays there.
        await executor.onLoop {
            await runHere(scenario, runID: runID, worker: worker, attempt: attempt, onStep: onStep)
        }
    }

    /// Runs `body` on one of the HTTP transport's event loops (`CurlExecutor.onLoop`): a loop
    /// of scenarios run there pays no thread switch per scenario.
    public func onLoop<T>(_ body: () async -> T) async -> T {
        await executor.onLoop(body)
    }

    private func runHere(
        _ scenario: Scenario,
        runID: String,
        worker: String,
        attempt: Int,
        onStep: (@Sendable (StepResult) -> Void)?
    ) async -> ScenarioResult {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let session = HTTPSession(executor: executor)
        defer { session.close() }

        var context = EvaluationContext(
            environment: configuration.environment,
            fake: FakeData(seed: configuration.fakeSeed),
            strict: true
        )
        var execution = Execution(
            scenario: scenario,
            configuration: configuration,
            session: session,
            logger: logger,
            deadline: start.advanced(by: scenario.timeout),
            onStep: onStep
        )
        for name in configuration.secretNames {
            if let value = configuration.environment(name) { execution.redactor.add([value]) }
        }

        await execution.runMain(&context)
        await execution.runTeardown(&context)
        execution.redactAgain()

        let duration = start.duration(to: clock.now)
        let seconds = duration.inSeconds
        // One pass over the steps (no filtered copies of them).
        var executed = 0
        var passed = 0
        var timedCount = 0
        var timedTotal = 0.0
        for step in execution.steps {
            if step.outcome != .skipped { executed += 1 }
            if step.outcome == .passed { passed += 1 }
            if let total = step.timings?.total {
                timedCount += 1
                timedTotal += total
            }
        }
        var result = ScenarioResult(
            runID: runID,
            scenario: scenario.name,
            module: scenario.module,
            priority: scenario.priority,
            tags: scenario.tags,
            status: execution.outcome,
            attempt: attempt,
            worker: worker,
            stepsExecuted: executed,
            stepsPassed: passed,
            failingStep: execution.failure?.step,
            errorKind: execution.failure?.kind,
            errorMessage: execution.failure?.message,
            trace: execution.failure?.trace,
            startedAt: startedAt,
            completedAt: Date(),
            duration: seconds,
            responseTime: timedCount == 0 ? 0 : timedTotal / Double(timedCount),
            steps: execution.steps
        )
        result.errorMessage = result.errorMessage.map(execution.redactor.text)
        result.trace = result.trace.map(execution.redactor.text)
        return result
    }
}

/// Why a step, or the scenario outside its steps, did not pass: thrown by a step's phases,
/// returned by the step, kept by the scenario (the first one, with later ones in its message).
struct Failure: Error {
    /// The step's name, or where the scenario failed outside its steps (`vars`, `login`, a `cases:` row).
    var step: String
    var kind: ErrorKind
    var message: String
    var trace: String?
    var outcome: ScenarioOutcome
}

/// The state of one scenario while it runs.
struct Execution {
    let scenario: Scenario
    let configuration: EngineConfiguration
    let session: HTTPSession
    let logger: Logger
    /// When the scenario's own budget runs out.
    let deadline: ContinuousClock.Instant
    let onStep: (@Sendable (StepResult) -> Void)?
    /// The logger the steps log through, with the scenario's name when debug lines are wanted.
    let stepLogger: Logger
    var redactor = Redactor()
    var steps: [StepResult] = []
    /// For each step, how many secrets the redactor knew when the step was redacted.
    var redactedWith: [Int] = []
    var failure: Failure?
    /// A step failed a check and the scenario went on (`continue_on_failure`): later failures are added to the message.
    var continuedAfterFailure = false
    /// Teardown already ran after each `cases:` row.
    var tornDownPerRow = false

    init(
        scenario: Scenario,
        configuration: EngineConfiguration,
        session: HTTPSession,
        logger: Logger,
        deadline: ContinuousClock.Instant,
        onStep: (@Sendable (StepResult) -> Void)?
    ) {
        self.scenario = scenario
        self.configuration = configuration
        self.session = session
        self.logger = logger
        self.deadline = deadline
        self.onStep = onStep
        var stepLogger = logger
        if logger.logLevel <= .debug { stepLogger[metadataKey: "scenario"] = .string(scenario.name) }
        self.stepLogger = stepLogger
    }

    var outcome: ScenarioOutcome { failure?.outcome ?? .pass }

    mutating func runMain(_ context: inout EvaluationContext) async {
        for field in scenario.vars {
            do {
                context.variables[field.key] = try field.value.render(in: &context)
            } catch {
                fail(step: "vars", kind: .template, message: "var '\(field.key)': \(error.message)", outcome: .error)
                return
            }
        }
        redactor.add(context.secretValues)
        if let roleName = scenario.role {
            guard let role = configuration.roles[roleName] else {
                fail(
                    step: "login",
                    kind: .configuration,
                    message: "as: \(roleName) — no such role in the configuration",
                    outcome: .error
                )
                return
            }
            var roleObject: [String: JSONValue] = ["name": .string(roleName)]
            for field in role.fields {
                do { roleObject[field.key] = try field.value.render(in: &context) } catch {
                    fail(
                        step: "login as \(roleName)",
                        kind: .configuration,
                        message: "role \(roleName), \(field.key): \(error.message)",
                        outcome: .error
                    )
                    return
                }
            }
            redactor.add(context.secretValues)
            context.variables["role"] = .object(roleObject)
            for field in role.login.vars {
                do { context.variables[field.key] = try field.value.render(in: &context) } catch {
                    fail(
                        step: "login as \(roleName)",
                        kind: .template,
                        message: "login var '\(field.key)': \(error.message)",
                        outcome: .error
                    )
                    return
                }
            }
            for step in role.login.steps {
                if await !runStep(step, phase: .login, caseLabel: nil, context: &context) { return }
            }
        }
        let rows: [ScenarioCase?] = scenario.cases.map { $0.map(Optional.some) } ?? [nil]
        // With cases, every row starts from the variables set before the rows (vars, login), and
        // teardown runs after each row with that row's variables.
        let perRowTeardown = scenario.cases != nil && !scenario.teardown.isEmpty
        let beforeRows = context.variables
        for row in rows {
            if let row {
                context.variables = beforeRows
                var caseObject: [String: JSONValue] = ["name": .string(row.label)]
                for field in row.values {
                    do {
                        let value = try field.value.render(in: &context)
                        context.variables[field.key] = value
                        caseObject[field.key] = value
                    } catch {
                        fail(
                            step: row.label,
                            kind: .template,
                            message: "case '\(row.label)', \(field.key): \(error.message)",
                            outcome: .error
                        )
                        return
                    }
                }
                context.variables["case"] = .object(caseObject)
            }
            var stopped = false
            for step in scenario.steps {
                if await !runStep(step, phase: .main, caseLabel: row?.label, context: &context) {
                    stopped = true
                    break
                }
            }
            if perRowTeardown {
                var rowContext = context
                await teardown(&rowContext, caseLabel: row?.label)
                tornDownPerRow = true
            }
            if stopped { return }
        }
    }

    /// Teardown after the steps, unless it already ran after each `cases:` row.
    mutating func runTeardown(_ context: inout EvaluationContext) async {
        guard !tornDownPerRow else { return }
        await teardown(&context, caseLabel: nil)
    }

    mutating func teardown(_ context: inout EvaluationContext, caseLabel: String?) async {
        guard !scenario.teardown.isEmpty else { return }
        let clock = ContinuousClock()
        let budgetEnd = clock.now.advanced(by: configuration.teardownTimeout)
        let wasStrict = context.strict
        context.strict = false
        defer { context.strict = wasStrict }
        for step in scenario.teardown {
            _ = await runStep(step, phase: .teardown, caseLabel: caseLabel, context: &context, deadline: budgetEnd)
        }
    }

    mutating func fail(step: String, kind: ErrorKind, message: String, trace: String? = nil, outcome: ScenarioOutcome) {
        guard failure == nil else { return }
        failure = Failure(
            step: step,
            kind: kind,
            message: redactor.text(message),
            trace: trace.map(redactor.text),
            outcome: outcome
        )
    }

    /// Runs a step and records it. Returns `false` when the scenario must stop.
    mutating func runStep(
        _ step: Step,
        phase: StepPhase,
        caseLabel: String?,
        context: inout EvaluationContext,
        deadline: ContinuousClock.Instant? = nil
    ) async -> Bool {
        var executor = StepExecutor(
            step: step,
            phase: phase,
            caseLabel: caseLabel,
            index: steps.count,
            session: session,
            configuration: configuration,
            redactor: redactor,
            deadline: deadline ?? self.deadline,
            scenarioTimeout: scenario.timeout,
            logger: stepLogger
        )
        let outcome = await executor.execute(context: &context)
        redactor = executor.redactor
        redactor.redact(&executor.record)
        let record = executor.record
        steps.append(record)
        redactedWith.append(redactor.secretCount)
        onStep?(record)
        logStep(record)
        if let problem = outcome {
            let prefix = phase == .teardown ? "teardown step" : phase == .login ? "login step" : "step"
            let label = caseLabel.map { " [\($0)]" } ?? ""
            let message = "\(prefix) '\(step.name)'\(label): \(problem.message)"
            if continuedAfterFailure, phase == .main, var first = failure {
                // The scenario fails at its first failure; the message lists every later one too.
                first.message += "\n" + redactor.text(message)
                failure = first
            } else {
                fail(
                    step: step.name,
                    kind: problem.kind,
                    message: message,
                    trace: problem.trace,
                    outcome: problem.outcome
                )
            }
            if phase == .main, problem.kind == .assertion, step.continueOnFailure ?? configuration.continueOnFailure {
                continuedAfterFailure = true
                return true
            }
            return false
        }
        return true
    }

    /// Steps recorded before the run learned a secret (a token captured at login and used later
    /// as a bearer credential) are redacted again with everything known at the end.
    mutating func redactAgain() {
        for i in steps.indices where redactedWith[i] < redactor.secretCount {
            redactor.redact(&steps[i])
            redactedWith[i] = redactor.secretCount
        }
        if var f = failure {
            f.message = redactor.text(f.message)
            f.trace = f.trace.map(redactor.text)
            failure = f
        }
    }

    func logStep(_ record: StepResult) {
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "scenario": .string(scenario.name), "step": .string(record.name),
            "outcome": .string(record.outcome.rawValue),
        ]
        if !record.method.isEmpty { metadata["request"] = .string("\(record.method) \(record.url)") }
        if let status = record.status { metadata["status"] = .stringConvertible(status) }
        if let total = record.timings?.total { metadata["ms"] = .stringConvertible(Int(total * 1000)) }
        if let error = record.error { metadata["error"] = .string(error) }
        logger.debug("step", metadata: metadata)
    }
}

extension Redactor {
    /// Redacts the record's texts in place (its arrays are not copied when only it holds them).
    func redact(_ record: inout StepResult) {
        record.requestExcerpt = record.requestExcerpt.map(text)
        record.responseExcerpt = record.responseExcerpt.map(text)
        record.url = text(record.url)
        record.error = record.error.map(text)
        if !record.captures.isEmpty {
            record.captures = record.captures.reduce(into: [:]) { out, pair in
                out[pair.key] = Redactor.isSensitiveName(pair.key) ? Redactor.mask : text(pair.value)
            }
        }
        // In place: no new array per step.
        for i in record.assertions.indices {
            record.assertions[i].expected = text(record.assertions[i].expected)
            record.assertions[i].actual = text(record.assertions[i].actual)
        }
    }
}
