import Foundation

extension Expectation {
    /// Checks a response. Every check is recorded, held or not, with expected and actual values.
    /// Throws only when an expected value's template cannot be evaluated.
    public func check(
        _ response: ResponseView,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> [AssertionResult] {
        var results: [AssertionResult] = []
        results.reserveCapacity(
            (status == nil ? 0 : 1) + headers.count + json.count + (schema == nil ? 0 : 1) + (body == nil ? 0 : 1)
                + (responseTime == nil ? 0 : 1) + conditions.count
        )
        if let status {
            let expected =
                status.count == 1 ? String(status[0]) : "[" + status.map(String.init).joined(separator: ", ") + "]"
            results.append(
                AssertionResult(
                    subject: "status",
                    op: status.count == 1 ? "==" : "in",
                    expected: expected,
                    actual: String(response.status),
                    passed: status.contains(response.status)
                )
            )
        }
        for (name, matcher) in headers {
            results += try Self.checkHeader(name, matcher, response, context: &context)
        }
        if !json.isEmpty || schema != nil {
            if let document = response.json {
                for (path, matcher) in json {
                    try matcher.check(
                        subject: "json \(path.source)",
                        actual: path.value(in: document),
                        context: &context,
                        into: &results
                    )
                }
                if let schema {
                    results.append(Matcher.schemaResult(subject: "body", schema: schema, actual: document))
                }
            } else {
                let actual =
                    response.jsonTooDeep
                    ? "a JSON body nested deeper than \(response.jsonMaxDepth) levels (the limit is defaults.json_max_depth)"
                    : "a body that is not JSON (\(Matcher.excerpt(response.text)))"
                for (path, _) in json {
                    results.append(
                        AssertionResult(
                            subject: "json \(path.source)",
                            op: "exists",
                            expected: "a JSON body",
                            actual: actual,
                            passed: false
                        )
                    )
                }
                if schema != nil {
                    results.append(
                        AssertionResult(
                            subject: "body",
                            op: "schema",
                            expected: "JSON valid against the schema",
                            actual: actual,
                            passed: false
                        )
                    )
                }
            }
        }
        if let body {
            results += try body.check(subject: "body", actual: .string(response.text), context: &context)
        }
        if let responseTime {
            results += try responseTime.check(
                subject: "response time (ms)",
                actual: .double((response.duration * 1000).rounded()),
                context: &context
            )
        }
        if let tls {
            results += try Self.checkTLS(tls, response, context: &context)
        }
        if !conditions.isEmpty {
            let saved = context.variables
            context.variables.merge(response.variables) { _, new in new }
            defer { context.variables = saved }
            for condition in conditions {
                let value = try context.evaluate(condition.expression)
                results.append(
                    AssertionResult(
                        subject: condition.source,
                        op: "is",
                        expected: "true",
                        actual: value.isTruthy ? "true" : "false",
                        passed: value.isTruthy,
                        name: condition.name
                    )
                )
            }
        }
        return results
    }
}

extension Expectation {
    /// A header that appears more than once passes when any one of its values passes every
    /// check; otherwise the checks are reported against all values joined with ", ".
    static func checkHeader(
        _ name: String,
        _ matcher: Matcher,
        _ response: ResponseView,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> [AssertionResult] {
        let values = response.headerValues(name)
        let subject = "header \(name)"
        guard values.count > 1 else {
            return try matcher.check(subject: subject, actual: values.first.map(JSONValue.string), context: &context)
        }
        for value in values {
            let results = try matcher.check(subject: subject, actual: .string(value), context: &context)
            if results.allSatisfy(\.passed) { return results }
        }
        let all = values.map { "'\($0)'" }.joined(separator: ", ")
        var results = try matcher.check(
            subject: subject,
            actual: .string(values.joined(separator: ", ")),
            context: &context
        )
        for index in results.indices where !results[index].passed {
            results[index].actual = "no one of its \(values.count) values: \(Matcher.excerpt(all, limit: 240))"
        }
        return results
    }

    static func checkTLS(
        _ tls: TLSExpectation,
        _ response: ResponseView,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> [AssertionResult] {
        guard let certificate = response.certificate else {
            return [
                AssertionResult(
                    subject: "tls",
                    op: "exists",
                    expected: "a server certificate",
                    actual: "none: the response did not come over https",
                    passed: false
                )
            ]
        }
        var results: [AssertionResult] = []
        if let matcher = tls.expiresIn {
            let days = certificate.notAfter.map { (($0 - Date().timeIntervalSince1970) / 86_400 * 100).rounded() / 100 }
            results += try matcher.check(
                subject: "tls expires_in (days)",
                actual: days.map(JSONValue.double),
                context: &context
            )
        }
        if let matcher = tls.issuer {
            results += try matcher.check(subject: "tls issuer", actual: .string(certificate.issuer), context: &context)
        }
        if let matcher = tls.subject {
            results += try matcher.check(
                subject: "tls subject",
                actual: .string(certificate.subject),
                context: &context
            )
        }
        return results
    }
}

extension Matcher {
    /// Checks one value. `actual == nil` means the value is absent (no such header, path or key);
    /// `.null` is a value that is there and is `null`. Messages tell the two apart.
    public func check(
        subject: String,
        actual: JSONValue?,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> [AssertionResult] {
        var results: [AssertionResult] = []
        try check(subject: subject, actual: actual, context: &context, into: &results)
        return results
    }

    /// ``check(subject:actual:context:)``, appending to `results` (no array per matcher).
    public func check(
        subject: String,
        actual: JSONValue?,
        context: inout EvaluationContext,
        into results: inout [AssertionResult]
    ) throws(EvaluationError) {
        let first = results.endIndex
        let shown = actual.map(Matcher.show) ?? "absent"
        for check in checks {
            switch check {
            case .exists(let wanted):
                let present = actual != nil
                results.append(
                    AssertionResult(
                        subject: subject,
                        op: "exists",
                        expected: String(wanted),
                        actual: present ? "present (\(shown))" : "absent",
                        passed: present == wanted
                    )
                )
            case .type(let name):
                // JSON Schema's rule: a number with no fractional part (2.0) is an integer.
                let actualType = actual.map(Functions.typeName) ?? "absent"
                let passed = actualType == name || (name == "number" && actualType == "integer")
                results.append(
                    AssertionResult(subject: subject, op: "type", expected: name, actual: actualType, passed: passed)
                )
            case .length(let inner):
                let length: JSONValue?
                switch actual {
                case .string(let s)?: length = .int(s.count)
                case .array(let a)?: length = .int(a.count)
                case .object(let o)?: length = .int(o.count)
                default: length = nil
                }
                try inner.check(subject: "length of \(subject)", actual: length, context: &context, into: &results)
            case .schema(let schema):
                results.append(Matcher.schemaResult(subject: subject, schema: schema, actual: actual ?? .null))
            case .compare(let op, let expectedTemplate):
                let expected = try expectedTemplate.render(in: &context)
                results.append(
                    AssertionResult(
                        subject: subject,
                        op: op == "equals" ? "==" : op,
                        expected: Matcher.show(expected),
                        actual: shown,
                        passed: Matcher.holds(op, actual, expected)
                    )
                )
            }
        }
        if let name {
            for i in first..<results.endIndex where results[i].name == nil { results[i].name = name }
        }
    }

    static func holds(_ op: String, _ actual: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let actual else { return op == "!=" || op == "!==" || op == "not_contains" || op == "not_in" }
        switch op {
        case "==", "equals": return Operators.equal(actual, expected)
        case "!=": return !Operators.equal(actual, expected)
        case "===": return Operators.strictEqual(actual, expected)
        case "!==": return !Operators.strictEqual(actual, expected)
        case "<", "<=", ">", ">=":
            guard let order = try? Operators.compare(actual, expected, op) else { return false }
            return op == "<" ? order < 0 : op == "<=" ? order <= 0 : op == ">" ? order > 0 : order >= 0
        case "contains": return (try? Operators.contains(actual, expected)) ?? false
        case "not_contains": return !((try? Operators.contains(actual, expected)) ?? false)
        case "in": return (try? Operators.contains(expected, actual)) ?? false
        case "not_in": return !((try? Operators.contains(expected, actual)) ?? false)
        case "matches":
            return (try? Operators.apply(.matches, actual, expected))?.isTruthy ?? false
        default: return false
        }
    }

    static func schemaResult(subject: String, schema: JSONValue, actual: JSONValue) -> AssertionResult {
        do {
            let issues = try JSONSchemaValidator(schema: schema).validate(actual)
            let detail = issues.prefix(3).map { "\($0.path.isEmpty ? "/" : $0.path): \($0.message)" }.joined(
                separator: "; "
            )
            return AssertionResult(
                subject: subject,
                op: "schema",
                expected: "valid against the schema",
                actual: issues.isEmpty ? "valid" : detail,
                passed: issues.isEmpty
            )
        } catch {
            return AssertionResult(
                subject: subject,
                op: "schema",
                expected: "a usable JSON Schema",
                actual: error.operatorMessage,
                passed: false
            )
        }
    }

    static func show(_ value: JSONValue) -> String {
        if case .string(let s) = value { return "'" + excerpt(s) + "'" }
        return excerpt(value.jsonText())
    }

    /// The first `limit` characters of `text` on one line. Under ``excerptRedaction`` the text is
    /// redacted before the cut, so that a secret that straddles the cut is masked whole instead of
    /// being recorded in part.
    static func excerpt(_ text: String, limit: Int = 120) -> String {
        // Line feeds become spaces, byte by byte (no Foundation search on every check).
        var flat =
            text.utf8.contains(0x0A) ? String(decoding: text.utf8.map { $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self) : text
        var cut = false
        if let redaction = Self.excerptRedaction {
            let window = limit + max(0, redaction.window)
            if flat.count > window {
                flat = String(flat.prefix(window))
                cut = true
            }
            flat = redaction.apply(flat)
        }
        if flat.count > limit {
            flat = String(flat.prefix(limit))
            cut = true
        }
        return cut ? flat + "…" : flat
    }

    /// How the values a check shows are made safe before they are cut into excerpts: the engine
    /// sets ``excerptRedaction`` to its redaction around a step's checks.
    public struct ExcerptRedaction: Sendable {
        /// How far past the cut a secret's longest encoded form may reach (that much more text is
        /// redacted before the cut).
        public var window: Int
        /// Masks the secrets in a text.
        public var apply: @Sendable (String) -> String

        public init(window: Int, apply: @escaping @Sendable (String) -> String) {
            self.window = window
            self.apply = apply
        }
    }

    /// The redaction applied before values are cut into excerpts (none outside a run).
    @TaskLocal public static var excerptRedaction: ExcerptRedaction?
}
