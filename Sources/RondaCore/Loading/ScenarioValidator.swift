/// Semantic rules a well-formed scenario must also follow: every template names a variable
/// that exists at that point, step names are unique, the `as:` role is configured.
public enum ScenarioValidator {
    /// Names every step's checks can read about the response (`retry.until`, `expect.that`).
    static let responseNames: Set<String> = ["status", "body", "json", "headers", "duration"]

    /// Problems with file:line:column. Without a configuration (`config == nil`), a scenario that logs
    /// in (`as:`) is not checked for unknown variables: its login captures cannot be known.
    public static func validate(_ scenario: Scenario, config: RondaConfig?) -> [SourceIssue] {
        var issues: [SourceIssue] = []
        var known = Set<String>()
        let checkVariables = config != nil || scenario.role == nil

        func report(_ name: String, _ source: String, _ location: SourceLocation) {
            guard checkVariables else { return }
            issues.append(
                SourceIssue(
                    location,
                    "'\(name)' in '\(source)' is not a var, a capture of an earlier step (or of this step, in its checks), a case column or a login capture\(suggestion(name, known))"
                )
            )
        }
        func check(_ templates: [Template], at fallback: SourceLocation, extra: Set<String> = []) {
            for template in templates {
                for name in template.variables.subtracting(known).subtracting(extra).sorted() {
                    let location = template.location.map {
                        StaticNames.location(
                            $0,
                            in: template.source,
                            offset: StaticNames.offset(of: name, inTemplate: template.source)
                        )
                    }
                    report(name, template.source, location ?? fallback)
                }
            }
        }
        func checkExpression(
            _ expression: Expression,
            _ source: String,
            _ location: SourceLocation?,
            fallback: SourceLocation,
            extra: Set<String>
        ) {
            for name in expression.variables.subtracting(known).subtracting(extra).sorted() {
                let at = location.map {
                    StaticNames.location($0, in: source, offset: StaticNames.offset(of: name, in: source))
                }
                report(name, source, at ?? fallback)
            }
        }
        func checkStep(_ step: Step) {
            // The request is built before the response; captures are taken before the checks run,
            // so the step's checks (not its request or `if:`) may read its own captures.
            if let c = step.condition {
                checkExpression(
                    c,
                    step.conditionSource ?? "",
                    step.conditionLocation,
                    fallback: step.location,
                    extra: []
                )
            }
            let requestTemplates = step.templates.count - step.expect.templates.count
            check(Array(step.templates.prefix(requestTemplates)), at: step.location)
            if let r = step.retry {
                checkExpression(r.until, r.untilSource, r.untilLocation, fallback: step.location, extra: responseNames)
            }
            let own = Set(step.captures.map(\.name))
            check(step.expect.templates, at: step.location, extra: own)
            for condition in step.expect.conditions {
                checkExpression(
                    condition.expression,
                    condition.source,
                    condition.location,
                    fallback: step.location,
                    extra: responseNames.union(own)
                )
            }
            known.formUnion(own)
        }

        if let role = scenario.role {
            known.insert("role")
            if let config {
                if let r = config.roles[role] {
                    known.formUnion(r.login.steps.flatMap { $0.captures.map(\.name) })
                    known.formUnion(r.login.vars.map(\.key))
                } else {
                    let available = config.roles.keys.sorted()
                    issues.append(
                        SourceIssue(
                            scenario.location,
                            "as: \(role) — no such role in the configuration\(available.isEmpty ? " (it defines no roles)" : "; roles: \(available.joined(separator: ", "))")"
                        )
                    )
                }
            }
        }
        for field in scenario.vars {
            check(field.value.templates, at: scenario.location)
            known.insert(field.key)
        }
        for row in scenario.cases ?? [] {
            check(row.values.flatMap(\.value.templates), at: scenario.location)
        }
        for row in scenario.cases ?? [] { known.formUnion(row.values.map(\.key)) }
        if scenario.cases != nil { known.insert("case") }

        var names: [String: SourceLocation] = [:]
        for step in scenario.steps {
            if let first = names[step.name] {
                issues.append(
                    SourceIssue(
                        step.location,
                        "duplicate step name '\(step.name)' (first at line \(first.line)): step names identify failures, keep them unique"
                    )
                )
            }
            names[step.name] = step.location
            checkStep(step)
        }
        for step in scenario.teardown {
            if let first = names[step.name] {
                issues.append(
                    SourceIssue(step.location, "duplicate step name '\(step.name)' (first at line \(first.line))")
                )
            }
            names[step.name] = step.location
            checkStep(step)
        }
        return issues
    }

    static func suggestion(_ name: String, _ known: Set<String>) -> String {
        StaticNames.suggestion(for: name, in: known.sorted())
    }
}
