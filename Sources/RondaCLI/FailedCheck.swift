import RondaCore

/// One thing that went wrong in a scenario, as the reports list it: a failed assertion, a step's
/// error, or — when no step recorded either (a template in `vars`, a missing role, a lost job) —
/// the scenario's own error.
///
/// Taken from the stored step results, so a step with three failed assertions gives three
/// checks, and teardown steps that failed after the first failure are listed too.
struct FailedCheck: Sendable, Hashable, Encodable {
    enum Kind: String, Sendable, Encodable {
        /// An `expect:` check (or the default status check, or `retry.until`) that did not hold.
        case assertion
        /// The step could not be completed: transport, timeout, template, capture.
        case error
        /// The scenario failed outside any recorded step.
        case scenario
    }

    /// The step's name; for `.scenario`, the result's failing step if it has one.
    var step: String?
    /// `login`, `main` or `teardown`.
    var phase: String?
    /// The `cases:` row label.
    var caseLabel: String?
    var kind: Kind
    /// What failed, e.g. "expected status 201, got 500".
    var message: String

    enum CodingKeys: String, CodingKey {
        case step, phase
        case caseLabel = "case"
        case kind, message
    }

    /// "step 'Create' [row 2]: expected status 201, got 500"; the scenario's message as is.
    var text: String {
        guard kind != .scenario, let step else { return message }
        let prefix =
            phase == StepPhase.teardown.rawValue
            ? "teardown step" : phase == StepPhase.login.rawValue ? "login step" : "step"
        return "\(prefix) '\(step)'\(caseLabel.map { " [\($0)]" } ?? ""): \(message)"
    }

    /// The checks a step failed (none when it passed or was skipped).
    static func of(_ step: StepResult) -> [FailedCheck] {
        guard step.outcome == .failed || step.outcome == .errored else { return [] }
        func check(_ kind: Kind, _ message: String) -> FailedCheck {
            FailedCheck(
                step: step.name,
                phase: step.phase.rawValue,
                caseLabel: step.caseLabel,
                kind: kind,
                message: message
            )
        }
        var out = step.assertions.filter { !$0.passed }.map { check(.assertion, $0.message) }
        if let error = step.error { out.append(check(.error, error)) }
        if out.isEmpty {
            out.append(check(step.outcome == .failed ? .assertion : .error, "the step \(step.outcome.rawValue)"))
        }
        return out
    }

    /// Every failed check of a result, in step order; the scenario's message when no step has one.
    static func of(_ result: ScenarioResult) -> [FailedCheck] {
        let fromSteps = result.steps.flatMap(of)
        guard fromSteps.isEmpty, result.status == .fail || result.status == .error else { return fromSteps }
        return [FailedCheck(step: result.failingStep, kind: .scenario, message: result.errorMessage ?? "no message")]
    }
}
