import RondaCore

/// Checks made before a run sends its first request, from the scenario files alone.
enum Preflight {
    /// Environment variables a scenario reads through `{{ env.NAME }}`: in `vars`, `cases`, every
    /// step's and teardown step's templates (URL, query, headers, body, webhook, `expect`) and
    /// expressions (`if`, `retry.until`, `expect.that`). Its role's reads are not included.
    static func environmentNames(of scenario: Scenario) -> Set<String> {
        var names = Set<String>()
        for field in scenario.vars { names.formUnion(environmentNames(field.value.templates)) }
        for row in scenario.cases ?? [] { names.formUnion(environmentNames(row.values.flatMap(\.value.templates))) }
        for step in scenario.steps + scenario.teardown { names.formUnion(environmentNames(of: step)) }
        return names
    }

    /// What a step reads from the environment.
    static func environmentNames(of step: Step) -> Set<String> {
        var names = environmentNames(step.templates)
        var expressions = step.expect.conditions.map(\.expression)
        if let condition = step.condition { expressions.append(condition) }
        if let retry = step.retry { expressions.append(retry.until) }
        for expression in expressions { names.formUnion(expression.environmentNames) }
        return names
    }

    /// What a role reads: its fields (`password: "{{ env.… }}"`) and its login steps.
    static func environmentNames(of role: RondaConfig.Role) -> Set<String> {
        environmentNames(role.fields.flatMap(\.value.templates)).union(environmentNames(of: role.login))
    }

    static func environmentNames(_ templates: [Template]) -> Set<String> {
        templates.reduce(into: Set<String>()) { $0.formUnion($1.environmentNames) }
    }

    /// A variable that is read but not set, and who reads it.
    struct Missing: Equatable {
        var name: String
        /// "target.headers" and "role NAME", each once.
        var configuration: [String] = []
        /// Names of the scenarios that read it, in run order.
        var scenarios: [String] = []

        /// "role customer and 2 scenarios: A, B", with at most three scenario names.
        var readers: String {
            var parts = configuration
            if !scenarios.isEmpty {
                let more = scenarios.count > 3 ? " and \(scenarios.count - 3) more" : ""
                parts.append(
                    "\(Terminal.count(scenarios.count, "scenario")): \(scenarios.prefix(3).joined(separator: ", "))\(more)"
                )
            }
            return parts.joined(separator: " and ")
        }
    }

    /// Every environment variable the scenarios, the roles they log in as and the target's headers
    /// read that `environment` does not set, sorted by name.
    static func missingEnvironment(
        scenarios: [Scenario],
        config: RondaConfig,
        environment: (String) -> String?
    ) -> [Missing] {
        var missing: [String: Missing] = [:]
        func note(_ names: Set<String>, scenario: String? = nil, configuration: String? = nil) {
            for name in names where environment(name) == nil {
                var entry = missing[name] ?? Missing(name: name)
                if let scenario, !entry.scenarios.contains(scenario) { entry.scenarios.append(scenario) }
                if let configuration, !entry.configuration.contains(configuration) {
                    entry.configuration.append(configuration)
                }
                missing[name] = entry
            }
        }
        note(environmentNames(config.target.headers.flatMap(\.value.templates)), configuration: "target.headers")
        for roleName in Set(scenarios.compactMap(\.role)).sorted() {
            guard let role = config.roles[roleName] else { continue }
            note(environmentNames(of: role), configuration: "role \(roleName)")
        }
        for scenario in scenarios { note(environmentNames(of: scenario), scenario: scenario.name) }
        return missing.keys.sorted().compactMap { missing[$0] }
    }

    /// Throws a configuration error (exit 2) naming each missing variable once, with who reads it.
    static func checkEnvironment(scenarios: [Scenario], config: RondaConfig, environment: (String) -> String?) throws {
        let missing = missingEnvironment(scenarios: scenarios, config: config, environment: environment)
        guard !missing.isEmpty else { return }
        let lines = missing.map { "  \($0.name) — read by \($0.readers)" }
        throw CLIError(
            code: .configuration,
            message: """
                \(missing.count == 1 ? "an environment variable is" : "\(missing.count) environment variables are") not set (nothing was run):
                \(lines.joined(separator: "\n"))
                Set \(missing.count == 1 ? "it" : "them") in the environment (secrets are read from nowhere else) and run again.
                """
        )
    }

    /// Warnings for secrets that are set but too short to be masked inside text: the variables the
    /// scenarios, their roles and the target's headers read, and the configuration's `secrets:`.
    static func shortSecretWarnings(
        scenarios: [Scenario],
        config: RondaConfig?,
        environment: (String) -> String?
    ) -> [String] {
        var names = Set(config?.secretNames ?? [])
        for scenario in scenarios { names.formUnion(environmentNames(of: scenario)) }
        if let config {
            names.formUnion(environmentNames(config.target.headers.flatMap(\.value.templates)))
            for roleName in Set(scenarios.compactMap(\.role)) {
                if let role = config.roles[roleName] { names.formUnion(environmentNames(of: role)) }
            }
        }
        return names.sorted().compactMap { name in
            guard let value = environment(name), !value.isEmpty else { return nil }
            let bytes = value.utf8.count
            if bytes < 3 {
                return
                    "warning: the secret \(name) is \(Terminal.count(bytes, "byte")) long: too short to be masked at all; use a real secret"
            }
            if bytes < 8 {
                return
                    "warning: the secret \(name) is \(Terminal.count(bytes, "byte")) long: shorter than 8, it is masked only where it stands as a whole value (a header, a field, a query parameter, a cookie), not inside other text"
            }
            return nil
        }
    }
}
