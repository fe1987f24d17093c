import Foundation

/// Loads scenario files. A file with any problem is rejected whole, before any request,
/// with every problem's file, line and column. Never crashes, whatever the input.
public enum ScenarioLoader {
    static let scenarioKeys = [
        "scenario", "description", "module", "priority", "tags", "as", "timeout", "vars", "cases", "steps", "teardown",
    ]
    static let methods = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
    static let stepKeys =
        methods + [
            "name", "query", "headers", "json", "form", "multipart", "body", "content_type", "webhook", "if",
            "expect", "capture", "retry", "follow_redirects", "max_redirects", "timeout", "continue_on_failure",
            "method", "path", "auth",
        ]

    /// Loads one scenario file from disk.
    public static func load(file path: String) throws(SourceFileError) -> Scenario {
        try parse(try read(file: path), file: path)
    }

    /// A scenario file's text (UTF-8), with a located problem when it cannot be read.
    public static func read(file path: String) throws(SourceFileError) -> String {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw SourceFileError(
                    code: .unreadable,
                    issues: [SourceIssue(SourceLocation(file: path, line: 1, column: 1), "the file is not UTF-8 text")]
                )
            }
            text = decoded
        } catch let error as SourceFileError {
            throw error
        } catch {
            throw SourceFileError(
                code: .unreadable,
                issues: [
                    SourceIssue(
                        SourceLocation(file: path, line: 1, column: 1),
                        "cannot read the file: \(error.localizedDescription)"
                    )
                ]
            )
        }
        return text
    }

    /// Parses scenario text. `file` names it in messages.
    public static func parse(_ text: String, file: String) throws(SourceFileError) -> Scenario {
        let root: SourceNode
        do {
            root = try SourceNode.parse(yaml: text, file: file)
        } catch let error as SourceFileError {
            throw error
        } catch {
            throw SourceFileError(issues: [SourceIssue(SourceLocation(file: file, line: 1, column: 1), "\(error)")])
        }
        var reader = NodeReader()
        let scenario = read(root, file: file, reader: &reader)
        if let scenario, reader.issues.isEmpty { return scenario }
        let issues = reader.issues.isEmpty ? [SourceIssue(root.location, "not a scenario")] : reader.issues
        throw SourceFileError(
            issues: issues.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        )
    }

    static func read(_ root: SourceNode, file: String, reader: inout NodeReader) -> Scenario? {
        guard let entries = reader.mapping(root, "a scenario", allowed: scenarioKeys) else { return nil }
        var scenario = Scenario(name: "", file: file, location: root.location)
        var sawName = false
        var sawSteps = false
        for (key, keyNode, value) in entries {
            switch key {
            case "scenario":
                sawName = true
                if let name = reader.nonEmptyString(value, "the scenario name") { scenario.name = name }
            case "description":
                scenario.description = reader.string(value, "the description")
            case "module":
                if let module = reader.nonEmptyString(value, "the module") { scenario.module = module }
            case "priority":
                if let text = reader.string(value, "the priority") {
                    if let p = Priority(rawValue: text.uppercased()) {
                        scenario.priority = p
                    } else {
                        reader.fail(value, "expected a priority P0, P1, P2 or P3, got '\(text)'")
                    }
                }
            case "tags":
                scenario.tags = reader.stringList(value, "tags") ?? []
            case "as":
                scenario.role = reader.nonEmptyString(value, "the role (as:)")
            case "timeout":
                if let t = reader.duration(value, "the scenario timeout") {
                    if t > .zero {
                        scenario.timeout = t
                    } else {
                        reader.fail(value, "the scenario timeout must be more than 0")
                    }
                }
            case "vars":
                scenario.vars = reader.fields(value, "vars") ?? []
            case "cases":
                scenario.cases = readCases(value, reader: &reader)
            case "steps":
                sawSteps = true
                scenario.steps = readSteps(value, "steps", file: file, reader: &reader)
                if scenario.steps.isEmpty, value.items?.isEmpty == true {
                    reader.fail(value, "a scenario needs at least one step")
                }
            case "teardown":
                scenario.teardown = readSteps(value, "teardown", file: file, reader: &reader)
            default:
                reader.fail(keyNode, "unknown key '\(key)'")
            }
        }
        if !sawName { reader.fail(root, "missing 'scenario:': every scenario file names its scenario") }
        if !sawSteps { reader.fail(root, "missing 'steps:': expected a list of steps") }
        return scenario
    }

    static func readCases(_ node: SourceNode, reader: inout NodeReader) -> [ScenarioCase]? {
        guard let items = node.items else {
            reader.fail(node, "expected cases as a list of rows (mappings), got \(node.kindDescription)")
            return nil
        }
        if items.isEmpty { reader.fail(node, "cases: needs at least one row") }
        var out: [ScenarioCase] = []
        for (index, item) in items.enumerated() {
            guard var fields = reader.fields(item, "a case row") else { continue }
            var label = "case \(index + 1)"
            if let i = fields.firstIndex(where: { $0.key == "name" }) {
                if case .value(let v) = fields[i].value {
                    label = v.interpolated
                } else if case .template(let t) = fields[i].value {
                    label = t.source
                }
                fields.remove(at: i)
            }
            out.append(ScenarioCase(label: label, values: fields))
        }
        return out
    }

    static func readSteps(_ node: SourceNode, _ what: String, file: String, reader: inout NodeReader) -> [Step] {
        guard let items = node.items else {
            reader.fail(
                node,
                "expected \(what) as a list of steps (each starting with '- name:'), got \(node.kindDescription)"
            )
            return []
        }
        var steps: [Step] = []
        for item in items {
            if let step = readStep(item, reader: &reader) { steps.append(step) }
        }
        return steps
    }

    static func readStep(_ node: SourceNode, reader: inout NodeReader) -> Step? {
        guard let entries = reader.mapping(node, "a step", allowed: stepKeys) else { return nil }
        var step = Step(name: "", path: Template(literal: ""), location: node.location)
        var method: String?
        var hasName = false
        var bodies: [(String, SourceNode)] = []
        var contentType: String?
        var sawMethodKey = false
        var pathNode: (key: SourceNode, value: SourceNode)?
        let before = reader.issues.count
        for (key, keyNode, value) in entries {
            switch key {
            case "name":
                if let n = reader.nonEmptyString(value, "the step name") {
                    step.name = n
                    hasName = true
                }
            case _ where methods.contains(key):
                if let existing = method {
                    reader.fail(
                        keyNode,
                        "a step sends one request: it has both '\(existing.lowercased())' and '\(key)'"
                    )
                }
                method = key.uppercased()
                if let path = reader.template(value, "the \(key) path") { step.path = path }
            case "method":
                // Any method by name (`method: PROPFIND` with `path:`), sent as written.
                if let existing = method {
                    reader.fail(
                        keyNode,
                        "a step sends one request: it has both '\(existing.lowercased())' and 'method'"
                    )
                }
                if let name = reader.nonEmptyString(value, "the method") {
                    if name.utf8.allSatisfy(Self.isTokenByte) {
                        method = name
                    } else {
                        reader.fail(
                            value,
                            "'\(name)' is not an HTTP method: use letters, digits and !#$%&'*+-.^_`|~ only"
                        )
                    }
                }
                sawMethodKey = true
            case "path":
                pathNode = (keyNode, value)
            case "auth":
                step.auth = readAuth(value, reader: &reader)
            case "query":
                step.query = reader.fields(value, "query") ?? []
            case "headers":
                step.headers = reader.fields(value, "headers") ?? []
            case "json", "form", "multipart", "body":
                bodies.append((key, value))
            case "content_type":
                contentType = reader.string(value, "content_type")
            case "webhook":
                step.webhook = readWebhook(value, reader: &reader)
            case "if":
                if let (e, source, at) = reader.expressionAt(value, "the if: condition") {
                    step.condition = e
                    step.conditionSource = source
                    step.conditionLocation = at
                }
            case "continue_on_failure":
                step.continueOnFailure = reader.bool(value, "continue_on_failure")
            case "expect":
                step.expect = ExpectationLoader.read(value, reader: &reader)
            case "capture":
                step.captures = ExpectationLoader.readCaptures(value, reader: &reader)
            case "retry":
                step.retry = readRetry(value, reader: &reader)
            case "follow_redirects":
                step.followRedirects = reader.bool(value, "follow_redirects")
            case "max_redirects":
                step.maxRedirects = reader.int(value, "max_redirects", range: 0...100)
            case "timeout":
                if let t = reader.duration(value, "the step timeout") {
                    if t > .zero {
                        step.timeout = t
                    } else {
                        reader.fail(value, "the step timeout must be more than 0")
                    }
                }
            default:
                reader.fail(keyNode, "unknown key '\(key)'")
            }
        }
        if !hasName { reader.fail(node, "a step needs 'name:' (results and messages name the step)") }
        if let (keyNode, value) = pathNode {
            if sawMethodKey {
                if let path = reader.template(value, "the path") { step.path = path }
            } else {
                reader.fail(
                    keyNode,
                    "'path:' goes with 'method:' (e.g. method: PROPFIND); with get:, post:, … the path is their value"
                )
            }
        } else if sawMethodKey {
            reader.fail(node, "a step with 'method:' needs 'path:', the path or URL to send it to")
        }
        if method == nil, !sawMethodKey {
            reader.fail(
                node,
                "a step needs a request: one of \(methods.map { "'\($0): PATH'" }.joined(separator: ", "))"
            )
        }
        step.method = method ?? "GET"
        if bodies.count > 1 {
            reader.fail(
                bodies[1].1,
                "a step has one body: choose one of json, form, multipart, body (found \(bodies.map(\.0).joined(separator: ", ")))"
            )
        } else if let (kind, value) = bodies.first {
            step.body = readBody(kind, value, contentType: contentType, reader: &reader)
        }
        if step.webhook != nil, step.body == nil {
            reader.fail(node, "a webhook step needs a body to sign: add 'json:' (or 'body:')")
        }
        return reader.issues.count == before ? step : nil
    }
}
