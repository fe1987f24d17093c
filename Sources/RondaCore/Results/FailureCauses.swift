/// Shared-step collapse: failures of one run that share a failing step signature, error kind
/// and normalized message are one cause (a role's login that fails, an unset variable), named
/// once with the scenarios it hit — in the terminal, the report and the alert.
public enum FailureCauses {
    /// One failed or errored scenario, reduced to what collapsing compares.
    public struct Failure: Sendable, Hashable {
        public var scenario: String
        public var module: String
        public var priority: Priority
        /// The failing request's signature (`POST /accounts/login/`), or the failing step's name
        /// when no request was made, or `"(scenario)"`.
        public var step: String
        public var errorKind: String
        public var message: String
        public var normalizedMessage: String

        public init(
            scenario: String,
            module: String,
            priority: Priority,
            step: String,
            errorKind: String,
            message: String
        ) {
            self.scenario = scenario
            self.module = module
            self.priority = priority
            self.step = step
            self.errorKind = errorKind
            self.message = message
            self.normalizedMessage = ErrorFingerprint.normalize(message)
        }
    }

    /// The failure of a result, or `nil` when it passed or was skipped. `failingStep` defaults
    /// to the last failed or errored step among the result's steps.
    public static func failure(of result: ScenarioResult, failingStep: StepResult? = nil) -> Failure? {
        guard result.status == .fail || result.status == .error else { return nil }
        let step = failingStep ?? result.steps.last { $0.outcome == .failed || $0.outcome == .errored }
        return Failure(
            scenario: result.scenario,
            module: result.module,
            priority: result.priority,
            step: stepKey(step: step, name: result.failingStep),
            errorKind: result.errorKind?.rawValue ?? result.status.rawValue,
            message: result.errorMessage ?? "\(result.status.rawValue) without a message"
        )
    }

    /// The signature of a failing step that made a request, else the step's name.
    public static func stepKey(step: StepResult?, name: String?) -> String {
        if let step, !step.method.isEmpty, !step.url.isEmpty {
            return ErrorFingerprint.signature(method: step.method, url: step.url)
        }
        return name ?? step?.name ?? "(scenario)"
    }

    /// Causes shared by `minimum` or more scenarios (most scenarios first), and the failures
    /// that share nothing, in their order.
    public static func collapse(
        _ failures: [Failure],
        trigger: AlertTrigger = .threshold,
        minimum: Int = 2
    )
        -> (causes: [AlertCause], rest: [Failure])
    {
        struct Key: Hashable {
            var step: String
            var kind: String
            var message: String
        }
        var order: [Key] = []
        var byKey: [Key: [Failure]] = [:]
        for failure in failures {
            let key = Key(step: failure.step, kind: failure.errorKind, message: failure.normalizedMessage)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(failure)
        }
        var causes: [AlertCause] = []
        var shared: Set<String> = []
        for key in order {
            let members = byKey[key] ?? []
            guard Set(members.map(\.scenario)).count >= max(2, minimum) else { continue }
            shared.formUnion(members.map(\.scenario))
            causes.append(
                AlertCause(
                    trigger: trigger,
                    step: key.step,
                    errorKind: key.kind,
                    message: members[0].message,
                    scenarios: members.map(\.scenario).sorted(),
                    modules: Array(Set(members.map(\.module))).sorted(),
                    priority: members.map(\.priority).min() ?? .p3
                )
            )
        }
        causes.sort { $0.scenarios.count != $1.scenarios.count ? $0.scenarios.count > $1.scenarios.count : false }
        return (causes, failures.filter { !shared.contains($0.scenario) })
    }
}
