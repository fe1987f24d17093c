/// Semantic rules a well-formed scenario must also follow: every template names a variable
/// that exists at that point, step names are unique, the `as:` role is configured.
public enum ScenarioValidator {
    /// Names every step's checks can read about the response (`retry.until`, `expect.that`).
    static let responseNames: Set<String> = ["status", "body", "json", "headers", "duration"]

    public static func validate(_ scenario: Scenario, config: RondaConfig?) -> [SourceIssue] {
        var issues: [SourceIssue] = []
        var known = Set<String>()

        func check(_ templates: [Template], at location: SourceLocation, extra: Set<String> = []) {
            for template in templates {
                for name in template.variables.subtracting(known).subtracting(extra).sorted() {
                    issues.append(SourceIssue(location, "'\(name)' in '\(template.source)' is not a var, a capture of an earlier step, a case column or a login capture\(suggestion(name, known))"))
                }
            }
        }

        if let role = scenario.role {
            if let config {
                if let r = config.roles[role] {
                    known.formUnion(r.login.steps.flatMap { $0.captures.map(\.name) })
                    known.formUnion(r.login.vars.map(\.key))
                } else {
                    let available = config.roles.keys.sorted()
                    issues.append(SourceIssue(scenario.location, "as: \(role) — no such role in the configuration\(available.isEmpty ? " (it defines no roles)" : "; roles: \(available.joined(separator: ", "))")"))
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
                issues.append(SourceIssue(step.location, "duplicate step name '\(step.name)' (first at line \(first.line)): step names identify failures, keep them unique"))
            }
            names[step.name] = step.location
            check(step.templates, at: step.location)
            checkExpressions(step, known: known, issues: &issues)
            known.formUnion(step.captures.map(\.name))
        }
        for step in scenario.teardown {
            if let first = names[step.name] {
                issues.append(SourceIssue(step.location, "duplicate step name '\(step.name)' (first at line \(first.line))"))
            }
            names[step.name] = step.location
            check(step.templates, at: step.location)
            checkExpressions(step, known: known, issues: &issues)
            known.formUnion(step.captures.map(\.name))
        }
        return issues
    }

    static func checkExpressions(_ step: Step, known: Set<String>, issues: inout [SourceIssue]) {
        var expressions: [(Expression, String, Set<String>)] = []
        if let c = step.condition { expressions.append((c, step.conditionSource ?? "", [])) }
        if let r = step.retry { expressions.append((r.until, r.untilSource, responseNames)) }
        for (e, source) in step.expect.conditions { expressions.append((e, source, responseNames)) }
        for (expression, source, extra) in expressions {
            for name in expression.variables.subtracting(known).subtracting(extra).sorted() {
                issues.append(SourceIssue(step.location, "'\(name)' in '\(source)' is not a var, a capture of an earlier step or a case column\(suggestion(name, known))"))
            }
        }
    }

    static func suggestion(_ name: String, _ known: Set<String>) -> String {
        NodeReader.suggestion(for: name, in: known.sorted())
    }
}
