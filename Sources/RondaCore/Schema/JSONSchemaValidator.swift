import Foundation

/// Validates JSON values against a JSON Schema (draft 2020-12, with draft-07 spellings).
///
/// Supported: `type`, `enum`, `const`; `properties`, `required`, `additionalProperties`,
/// `patternProperties`, `propertyNames`, `minProperties`, `maxProperties`, `dependentRequired`;
/// `items` (a schema, or a draft-07 array with `additionalItems`), `prefixItems`, `contains`
/// (`minContains`, `maxContains`), `minItems`, `maxItems`, `uniqueItems`; `minLength`,
/// `maxLength`, `pattern`, `format` (`date`, `date-time`, `time`, `email`, `uuid`, `uri`,
/// `ipv4`; loose checks, other formats are ignored); `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum` (numbers, or draft-04 booleans), `multipleOf`; `allOf`, `anyOf`, `oneOf`,
/// `not`, `if`/`then`/`else`; and local `$ref`s (`#`, `#/$defs/…`, `#/definitions/…`, any
/// `#/…` pointer), which may be recursive. Keywords next to `$ref` apply too (2020-12 rules).
/// Unknown keywords are ignored, as the specification asks.
///
/// ```swift
/// let validator = try JSONSchemaValidator(schema: ["type": "object", "required": ["id"]])
/// validator.validate(["name": "x"])   // [/: missing required property 'id']
/// ```
public struct JSONSchemaValidator: Sendable {
    /// The root schema.
    public let schema: JSONValue

    /// How deep sub-schemas may nest (through `$ref`s included) before validation gives up on
    /// a branch with an issue instead of recursing forever.
    static let maximumDepth = 128

    /// Checks that `schema` is usable: an object or a boolean, whose `$ref`s are all local and
    /// resolve.
    /// - Throws: ``JSONSchemaError``.
    public init(schema: JSONValue) throws {
        switch schema {
        case .object, .bool: break
        default:
            throw JSONSchemaError(
                code: .invalidSchema,
                message: "a JSON Schema must be an object or a boolean, got \(schema.typeName)"
            )
        }
        self.schema = schema
        try checkReferences(in: schema, depth: 0)
    }

    /// Every way `instance` fails the schema; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [JSONSchemaIssue] {
        var issues: [JSONSchemaIssue] = []
        check(schema, instance, path: "", depth: 0, into: &issues)
        return issues
    }

    /// `true` when ``validate(_:)`` finds no issue.
    public func isValid(_ instance: JSONValue) -> Bool {
        validate(instance).isEmpty
    }

    // MARK: - Evaluation

    /// Applies one (sub-)schema to one instance location.
    func check(
        _ schema: JSONValue,
        _ instance: JSONValue,
        path: String,
        depth: Int,
        into issues: inout [JSONSchemaIssue]
    ) {
        guard depth <= Self.maximumDepth else {
            issues.append(
                JSONSchemaIssue(
                    path: path,
                    message: "schema nests deeper than \(Self.maximumDepth) levels (a $ref loop?)"
                )
            )
            return
        }
        switch schema {
        case .bool(true):
            return
        case .bool(false):
            issues.append(JSONSchemaIssue(path: path, message: "no value is allowed here (the schema is false)"))
            return
        case .object(let keywords):
            checkReference(keywords, instance, path: path, depth: depth, into: &issues)
            checkGeneric(keywords, instance, path: path, into: &issues)
            checkCombinators(keywords, instance, path: path, depth: depth, into: &issues)
            switch instance {
            case .object(let members): checkObject(keywords, members, path: path, depth: depth, into: &issues)
            case .array(let items): checkArray(keywords, items, path: path, depth: depth, into: &issues)
            case .string(let text): checkString(keywords, text, path: path, into: &issues)
            case .int, .double: checkNumber(keywords, instance, path: path, into: &issues)
            case .null, .bool: break
            }
        default:
            issues.append(
                JSONSchemaIssue(
                    path: path,
                    message: "invalid schema: expected an object or a boolean, got \(schema.typeName)"
                )
            )
        }
    }

    /// Issues of applying `schema` to `instance`, without recording them.
    func issuesOf(_ schema: JSONValue, _ instance: JSONValue, path: String, depth: Int) -> [JSONSchemaIssue] {
        var found: [JSONSchemaIssue] = []
        check(schema, instance, path: path, depth: depth, into: &found)
        return found
    }

    private func checkReference(
        _ keywords: [String: JSONValue],
        _ instance: JSONValue,
        path: String,
        depth: Int,
        into issues: inout [JSONSchemaIssue]
    ) {
        guard let reference = keywords["$ref"]?.stringValue else { return }
        guard let target = resolve(reference) else {
            issues.append(JSONSchemaIssue(path: path, message: "cannot resolve $ref '\(reference)'"))
            return
        }
        check(target, instance, path: path, depth: depth + 1, into: &issues)
    }

    private func checkGeneric(
        _ keywords: [String: JSONValue],
        _ instance: JSONValue,
        path: String,
        into issues: inout [JSONSchemaIssue]
    ) {
        if let type = keywords["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            if !allowed.isEmpty, !allowed.contains(where: { Self.instance(instance, hasType: $0) }) {
                let expected = allowed.count == 1 ? allowed[0] : "one of " + allowed.joined(separator: ", ")
                issues.append(JSONSchemaIssue(path: path, message: "expected \(expected), got \(instance.typeName)"))
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { $0.looselyEquals(instance) }) {
            issues.append(
                JSONSchemaIssue(
                    path: path,
                    message: "\(Self.show(instance)) is not one of \(Self.show(.array(options)))"
                )
            )
        }
        if let constant = keywords["const"], !constant.looselyEquals(instance) {
            issues.append(
                JSONSchemaIssue(path: path, message: "expected \(Self.show(constant)), got \(Self.show(instance))")
            )
        }
    }

    private func checkCombinators(
        _ keywords: [String: JSONValue],
        _ instance: JSONValue,
        path: String,
        depth: Int,
        into issues: inout [JSONSchemaIssue]
    ) {
        if let all = keywords["allOf"]?.arrayValue {
            for sub in all { check(sub, instance, path: path, depth: depth + 1, into: &issues) }
        }
        if let any = keywords["anyOf"]?.arrayValue, !any.isEmpty {
            let results = any.map { issuesOf($0, instance, path: path, depth: depth + 1) }
            if !results.contains(where: \.isEmpty) {
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "matches none of the \(any.count) anyOf alternatives" + Self.closest(results)
                    )
                )
            }
        }
        if let one = keywords["oneOf"]?.arrayValue, !one.isEmpty {
            let results = one.map { issuesOf($0, instance, path: path, depth: depth + 1) }
            let matching = results.indices.filter { results[$0].isEmpty }
            if matching.isEmpty {
                issues.append(
                    JSONSchemaIssue(
                        path: path,
                        message: "matches none of the \(one.count) oneOf alternatives" + Self.closest(results)
                    )
                )
            } else if matching.count > 1 {
                let list = matching.map(String.init).joined(separator: ", ")
                issues.append(
                    JSONSchemaIssue(path: path, message: "matches oneOf alternatives \(list); expected exactly one")
                )
            }
        }
        if let not = keywords["not"], issuesOf(not, instance, path: path, depth: depth + 1).isEmpty {
            issues.append(JSONSchemaIssue(path: path, message: "must not match the 'not' schema"))
        }
        if let condition = keywords["if"] {
            let holds = issuesOf(condition, instance, path: path, depth: depth + 1).isEmpty
            if let branch = keywords[holds ? "then" : "else"] {
                check(branch, instance, path: path, depth: depth + 1, into: &issues)
            }
        }
    }

    /// ` (closest: <first issue of the alternative with the fewest issues>)`.
    private static func closest(_ results: [[JSONSchemaIssue]]) -> String {
        guard let best = results.min(by: { $0.count < $1.count }), let first = best.first else { return "" }
        return " (closest: \(first))"
    }

    // MARK: - Types and display

    static func instance(_ instance: JSONValue, hasType type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("object", .object), ("array", .array), ("string", .string),
            ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let value)):
            return value.isFinite && value == value.rounded()
        default:
            return false
        }
    }

    /// The numeric value of an `int` or `double` (not of a numeric string).
    static func numeric(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }

    static func show(_ value: JSONValue) -> String {
        Matcher.excerpt(value.jsonText(), limit: 80)
    }
}
