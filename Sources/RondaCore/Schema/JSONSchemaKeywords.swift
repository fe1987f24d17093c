import Foundation

/// Keywords that apply to one instance type.
extension JSONSchemaValidator {
    func checkObject(
        _ keywords: [String: JSONValue],
        _ members: [String: JSONValue],
        path: String,
        depth: Int,
        into issues: inout [JSONSchemaIssue]
    ) {
        if let required = keywords["required"]?.arrayValue {
            for case .string(let name) in required where members[name] == nil {
                issues.append(JSONSchemaIssue(path: path, message: "missing required property '\(name)'"))
            }
        }
        if let dependent = keywords["dependentRequired"]?.objectValue {
            for (name, needs) in dependent.sorted(by: { $0.key < $1.key }) where members[name] != nil {
                for case .string(let other) in needs.arrayValue ?? [] where members[other] == nil {
                    issues.append(
                        JSONSchemaIssue(path: path, message: "property '\(name)' requires property '\(other)'")
                    )
                }
            }
        }
        if let minimum = Self.count(keywords["minProperties"]), members.count < minimum {
            issues.append(
                JSONSchemaIssue(path: path, message: "expected at least \(minimum) properties, got \(members.count)")
            )
        }
        if let maximum = Self.count(keywords["maxProperties"]), members.count > maximum {
            issues.append(
                JSONSchemaIssue(path: path, message: "expected at most \(maximum) properties, got \(members.count)")
            )
        }

        let properties = keywords["properties"]?.objectValue ?? [:]
        let patterns = (keywords["patternProperties"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            let memberPath = JSONSchemaIssue.child(path, name)
            if let names = keywords["propertyNames"] {
                for issue in issuesOf(names, .string(name), path: memberPath, depth: depth + 1) {
                    issues.append(
                        JSONSchemaIssue(path: memberPath, message: "property name '\(name)': \(issue.message)")
                    )
                }
            }
            var evaluated = false
            if let sub = properties[name] {
                evaluated = true
                check(sub, value, path: memberPath, depth: depth + 1, into: &issues)
            }
            for (pattern, sub) in patterns {
                switch Self.search(pattern, in: name) {
                case .success(true):
                    evaluated = true
                    check(sub, value, path: memberPath, depth: depth + 1, into: &issues)
                case .success(false):
                    break
                case .failure(let problem):
                    issues.append(
                        JSONSchemaIssue(
                            path: memberPath,
                            message: "invalid patternProperties regex '\(pattern)': \(problem.message)"
                        )
                    )
                }
            }
            if !evaluated, let additional = keywords["additionalProperties"] {
                if case .bool(false) = additional {
                    issues.append(JSONSchemaIssue(path: memberPath, message: "property '\(name)' is not allowed"))
                } else {
                    check(additional, value, path: memberPath, depth: depth + 1, into: &issues)
                }
            }
        }
    }

    func checkArray(
        _ keywords: [String: JSONValue],
        _ items: [JSONValue],
        path: String,
        depth: Int,
        into issues: inout [JSONSchemaIssue]
    ) {
        if let minimum = Self.count(keywords["minItems"]), items.count < minimum {
            issues.append(
                JSONSchemaIssue(path: path, message: "expected at least \(minimum) items, got \(items.count)")
            )
        }
        if let maximum = Self.count(keywords["maxItems"]), items.count > maximum {
            issues.append(JSONSchemaIssue(path: path, message: "expected at most \(maximum) items, got \(items.count)"))
        }
        if case .bool(true) = keywords["uniqueItems"] {
            search: for i in items.indices {
                for j in items.indices where j > i && items[i].looselyEquals(items[j]) {
                    issues.append(
                        JSONSchemaIssue(path: path, message: "items \(i) and \(j) are equal; expected unique items")
                    )
                    break search
                }
            }
        }

        // Positional schemas: 2020-12 `prefixItems` + `items`, or draft-07 array `items` + `additionalItems`.
        let prefix: [JSONValue]
        let rest: JSONValue?
        if let tuple = keywords["items"]?.arrayValue {
            prefix = tuple
            rest = keywords["additionalItems"]
        } else {
            prefix = keywords["prefixItems"]?.arrayValue ?? []
            rest = keywords["items"]
        }
        for (index, item) in items.enumerated() {
            let itemPath = JSONSchemaIssue.child(path, index)
            if index < prefix.count {
                check(prefix[index], item, path: itemPath, depth: depth + 1, into: &issues)
            } else if let rest {
                if case .bool(false) = rest {
                    issues.append(
                        JSONSchemaIssue(
                            path: itemPath,
                            message: "expected at most \(prefix.count) items, item \(index) is not allowed"
                        )
                    )
                } else {
                    check(rest, item, path: itemPath, depth: depth + 1, into: &issues)
                }
            }
        }

        if let contains = keywords["contains"] {
            let matches = items.indices.filter {
                issuesOf(contains, items[$0], path: JSONSchemaIssue.child(path, $0), depth: depth + 1).isEmpty
            }.count
            let minimum = Self.count(keywords["minContains"]) ?? 1
            if matches < minimum {
                let wanted = minimum == 1 ? "at least one item" : "at least \(minimum) items"
                issues.append(
                    JSONSchemaIssue(path: path, message: "expected \(wanted) matching 'contains', got \(matches)")
                )
            }
            if let maximum = Self.count(keywords["maxContains"]), matches > maximum {
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "expected at most \(maximum) items matching 'contains', got \(matches)"
                    )
                )
            }
        }
    }

    func checkString(
        _ keywords: [String: JSONValue],
        _ text: String,
        path: String,
        into issues: inout [JSONSchemaIssue]
    ) {
        let length = text.unicodeScalars.count
        if let minimum = Self.count(keywords["minLength"]), length < minimum {
            issues.append(
                JSONSchemaIssue(path: path, message: "expected at least \(minimum) characters, got \(length)")
            )
        }
        if let maximum = Self.count(keywords["maxLength"]), length > maximum {
            issues.append(JSONSchemaIssue(path: path, message: "expected at most \(maximum) characters, got \(length)"))
        }
        if let pattern = keywords["pattern"]?.stringValue {
            switch Self.search(pattern, in: text) {
            case .success(true): break
            case .success(false):
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "\(Self.show(.string(text))) does not match pattern '\(pattern)'"
                    )
                )
            case .failure(let problem):
                issues.append(JSONSchemaIssue(path: path, message: "invalid pattern '\(pattern)': \(problem.message)"))
            }
        }
        if let format = keywords["format"]?.stringValue, let valid = JSONSchemaFormat.check(format, text), !valid {
            issues.append(JSONSchemaIssue(path: path, message: "\(Self.show(.string(text))) is not a valid \(format)"))
        }
    }

    func checkNumber(
        _ keywords: [String: JSONValue],
        _ instance: JSONValue,
        path: String,
        into issues: inout [JSONSchemaIssue]
    ) {
        guard let value = Self.numeric(instance) else { return }
        let shown = instance.jsonText()
        // Draft-04 spelled exclusivity as booleans next to minimum/maximum.
        let draft4ExclusiveMin = keywords["exclusiveMinimum"] == .bool(true)
        let draft4ExclusiveMax = keywords["exclusiveMaximum"] == .bool(true)
        if let minimum = keywords["minimum"], let bound = Self.numeric(minimum) {
            if draft4ExclusiveMin ? value <= bound : value < bound {
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "must be \(draft4ExclusiveMin ? ">" : ">=") \(minimum.jsonText()), got \(shown)"
                    )
                )
            }
        }
        if let maximum = keywords["maximum"], let bound = Self.numeric(maximum) {
            if draft4ExclusiveMax ? value >= bound : value > bound {
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "must be \(draft4ExclusiveMax ? "<" : "<=") \(maximum.jsonText()), got \(shown)"
                    )
                )
            }
        }
        if let minimum = keywords["exclusiveMinimum"], let bound = Self.numeric(minimum), value <= bound {
            issues.append(JSONSchemaIssue(path: path, message: "must be > \(minimum.jsonText()), got \(shown)"))
        }
        if let maximum = keywords["exclusiveMaximum"], let bound = Self.numeric(maximum), value >= bound {
            issues.append(JSONSchemaIssue(path: path, message: "must be < \(maximum.jsonText()), got \(shown)"))
        }
        if let divisor = keywords["multipleOf"], let step = Self.numeric(divisor), step > 0,
            !Self.isMultiple(instance, of: divisor, step)
        {
            issues.append(
                JSONSchemaIssue(path: path, message: "must be a multiple of \(divisor.jsonText()), got \(shown)")
            )
        }
    }

    // MARK: - Helpers

    /// A non-negative integer keyword value (`3` or `3.0`).
    static func count(_ value: JSONValue?) -> Int? {
        guard let number = numeric(value), number >= 0, number == number.rounded(), number < 1e15 else { return nil }
        return Int(number)
    }

    static func isMultiple(_ instance: JSONValue, of divisor: JSONValue, _ step: Double) -> Bool {
        if case .int(let value) = instance, case .int(let by) = divisor {
            return value % by == 0
        }
        guard let value = numeric(instance) else { return true }
        let quotient = value / step
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }

    struct PatternProblem: Error {
        let message: String
    }

    /// Whether `pattern` (ECMA-262-ish, via NSRegularExpression, unanchored) finds a match in `text`.
    static func search(_ pattern: String, in text: String) -> Result<Bool, PatternProblem> {
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            return .failure(PatternProblem(message: "not a valid regular expression"))
        }
        let range = NSRange(text.startIndex..., in: text)
        return .success(expression.firstMatch(in: text, range: range) != nil)
    }
}
