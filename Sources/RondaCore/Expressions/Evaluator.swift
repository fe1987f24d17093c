import Foundation

/// Evaluates `Expression`s. Pure apart from reading the environment and fake data.
enum Evaluator {
    static func evaluate(
        _ expression: Expression,
        in context: inout EvaluationContext
    ) throws(EvaluationError) -> JSONValue {
        switch expression {
        case .literal(let value):
            return value
        case .list(let items):
            var out: [JSONValue] = []
            for item in items { out.append(try evaluate(item, in: &context)) }
            return .array(out)
        case .variable(let name):
            if name == "env" || name == "fake" {
                throw EvaluationError(.invalidArgument, "'\(name)' needs a name after it, like \(name).NAME")
            }
            if let value = context.variables[name] { return value }
            if context.strict {
                throw EvaluationError(
                    .unknownVariable,
                    "'\(name)' has no value (no var, capture or case column of that name was set)"
                )
            }
            return .null
        case .member(let base, let name):
            if case .variable("env") = base { return try context.readEnvironment(name) }
            if let dotted = expression.dottedName, dotted.hasPrefix("fake.") {
                return try fakeValue(
                    dotted.split(separator: ".").dropFirst().map(String.init),
                    arguments: [],
                    in: &context
                )
            }
            let value = try evaluate(base, in: &context)
            return value[name] ?? .null
        case .index(let base, let indexExpression):
            let value = try evaluate(base, in: &context)
            let index = try evaluate(indexExpression, in: &context)
            switch (value, index) {
            case (.array(let items), .int(let i)):
                let resolved = i < 0 ? items.count + i : i
                return resolved >= 0 && resolved < items.count ? items[resolved] : .null
            case (.object(let object), .string(let key)):
                return object[key] ?? .null
            case (.null, _):
                return .null
            default:
                throw EvaluationError(.typeMismatch, "cannot index \(value.typeName) with \(index.typeName)")
            }
        case .call(let name, let argumentExpressions):
            var arguments: [JSONValue] = []
            for argument in argumentExpressions { arguments.append(try evaluate(argument, in: &context)) }
            if name.hasPrefix("fake.") {
                return try fakeValue(
                    name.split(separator: ".").dropFirst().map(String.init),
                    arguments: arguments,
                    in: &context
                )
            }
            return try Functions.call(name, arguments)
        case .unary(.not, let operand):
            return .bool(!(try evaluate(operand, in: &context)).isTruthy)
        case .unary(.negate, let operand):
            let value = try evaluate(operand, in: &context)
            switch value {
            case .int(let i): return i == .min ? .double(-Double(i)) : .int(-i)
            case .double(let d): return .double(-d)
            default: throw EvaluationError(.typeMismatch, "cannot negate \(value.typeName)")
            }
        case .binary(.and, let lhs, let rhs):
            guard try evaluate(lhs, in: &context).isTruthy else { return .bool(false) }
            return .bool(try evaluate(rhs, in: &context).isTruthy)
        case .binary(.or, let lhs, let rhs):
            if try evaluate(lhs, in: &context).isTruthy { return .bool(true) }
            return .bool(try evaluate(rhs, in: &context).isTruthy)
        case .binary(let op, let lhs, let rhs):
            let l = try evaluate(lhs, in: &context)
            let r = try evaluate(rhs, in: &context)
            return try Operators.apply(op, l, r)
        }
    }

    /// Resolves the longest dotted prefix the generator knows, then reads the rest as members:
    /// `fake.patient.identification` is the `identification` of a fresh `fake.patient`.
    static func fakeValue(
        _ parts: [String],
        arguments: [JSONValue],
        in context: inout EvaluationContext
    ) throws(EvaluationError) -> JSONValue {
        guard var source = context.fake else {
            throw EvaluationError(.fakeData, "fake data is not available here")
        }
        var cut = parts.count
        while cut > 0, !source.knows(parts[..<cut].joined(separator: ".")) { cut -= 1 }
        guard cut > 0 else {
            throw EvaluationError(.fakeData, "unknown fake value 'fake.\(parts.joined(separator: "."))'")
        }
        var value: JSONValue
        do {
            value = try source.value(for: parts[..<cut].joined(separator: "."), arguments: arguments)
        } catch let error as EvaluationError {
            throw error
        } catch let error as FakeDataError {
            // Its message names the `fake.…` value already.
            throw EvaluationError(.fakeData, error.message)
        } catch {
            throw EvaluationError(.fakeData, "fake.\(parts[..<cut].joined(separator: ".")): \(error)")
        }
        context.fake = source
        for member in parts[cut...] { value = value[member] ?? .null }
        return value
    }
}

/// The binary operators' meaning.
enum Operators {
    static func apply(
        _ op: Expression.BinaryOperator,
        _ l: JSONValue,
        _ r: JSONValue
    ) throws(EvaluationError) -> JSONValue {
        switch op {
        case .equal: return .bool(equal(l, r))
        case .notEqual: return .bool(!equal(l, r))
        case .strictEqual: return .bool(strictEqual(l, r))
        case .strictNotEqual: return .bool(!strictEqual(l, r))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order = try compare(l, r, op.rawValue)
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .contains: return .bool(try contains(l, r))
        case .in: return .bool(try contains(r, l))
        case .matches:
            guard case .string(let pattern) = r else {
                throw EvaluationError(
                    .typeMismatch,
                    "'matches' needs a regular expression string on its right, got \(r.typeName)"
                )
            }
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                throw EvaluationError(.invalidArgument, "invalid regular expression '\(pattern)'")
            }
            let text = l.interpolated
            return .bool(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil)
        case .add:
            switch (l, r) {
            case (.int(let a), .int(let b)):
                let (sum, overflow) = a.addingReportingOverflow(b)
                return overflow ? .double(Double(a) + Double(b)) : .int(sum)
            case (.array(let a), .array(let b)): return .array(a + b)
            case (.string, _), (_, .string): return .string(l.interpolated + r.interpolated)
            default: return try arithmetic(op, l, r)
            }
        case .subtract, .multiply, .divide, .remainder:
            return try arithmetic(op, l, r)
        case .and, .or:
            return .bool(op == .and ? l.isTruthy && r.isTruthy : l.isTruthy || r.isTruthy)
        }
    }

    /// Equality with numbers compared by value, and a number equal to a string that spells it.
    static func equal(_ l: JSONValue, _ r: JSONValue) -> Bool {
        switch (l, r) {
        case (.string(let s), .int), (.string(let s), .double):
            return Double(s.trimmingCharacters(in: .whitespaces)).map { $0 == r.number } ?? false
        case (.int, .string(let s)), (.double, .string(let s)):
            return Double(s.trimmingCharacters(in: .whitespaces)).map { $0 == l.number } ?? false
        default:
            return l.looselyEquals(r)
        }
    }

    /// Equality without conversions: the same JSON type and value (`2 === 2.0`, but `"3" !== 3`);
    /// lists and objects compare item by item, strictly.
    static func strictEqual(_ l: JSONValue, _ r: JSONValue) -> Bool {
        switch (l, r) {
        case (.int, .double), (.double, .int), (.int, .int), (.double, .double):
            return l.number == r.number
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { strictEqual($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { strictEqual(value, $0) } ?? false }
        default:
            return l == r
        }
    }

    static func compare(_ l: JSONValue, _ r: JSONValue, _ symbol: String) throws(EvaluationError) -> Int {
        if case .string(let a) = l, case .string(let b) = r {
            if let x = Double(a), let y = Double(b) { return x < y ? -1 : x > y ? 1 : 0 }
            return a < b ? -1 : a > b ? 1 : 0
        }
        guard let a = l.number, let b = r.number else {
            throw EvaluationError(
                .typeMismatch,
                "cannot compare \(l.typeName) \(describe(l)) with \(r.typeName) \(describe(r)) using \(symbol)"
            )
        }
        return a < b ? -1 : a > b ? 1 : 0
    }

    static func contains(_ container: JSONValue, _ element: JSONValue) throws(EvaluationError) -> Bool {
        switch container {
        case .string(let s): return s.contains(element.interpolated)
        case .array(let items): return items.contains { equal($0, element) }
        case .object(let object): return object[element.interpolated] != nil
        case .null: return false
        default:
            throw EvaluationError(.typeMismatch, "'contains' needs a string, list or object, got \(container.typeName)")
        }
    }

    static func arithmetic(
        _ op: Expression.BinaryOperator,
        _ l: JSONValue,
        _ r: JSONValue
    ) throws(EvaluationError) -> JSONValue {
        guard let a = l.number, let b = r.number else {
            throw EvaluationError(.typeMismatch, "cannot apply \(op.rawValue) to \(l.typeName) and \(r.typeName)")
        }
        if case .int(let x) = l, case .int(let y) = r {
            switch op {
            case .subtract:
                let (v, o) = x.subtractingReportingOverflow(y)
                if !o { return .int(v) }
            case .multiply:
                let (v, o) = x.multipliedReportingOverflow(by: y)
                if !o { return .int(v) }
            case .remainder:
                guard y != 0 else { throw EvaluationError(.invalidArgument, "remainder by zero") }
                let (v, o) = x.remainderReportingOverflow(dividingBy: y)
                if !o { return .int(v) }
            case .divide:
                guard y != 0 else { throw EvaluationError(.invalidArgument, "division by zero") }
                if !(x == .min && y == -1), x % y == 0 { return .int(x / y) }
            default: break
            }
        }
        switch op {
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw EvaluationError(.invalidArgument, "division by zero") }
            return .double(a / b)
        case .remainder:
            guard b != 0 else { throw EvaluationError(.invalidArgument, "remainder by zero") }
            return .double(a.truncatingRemainder(dividingBy: b))
        default: return .double(a + b)
        }
    }

    static func describe(_ v: JSONValue) -> String {
        let text = v.jsonText()
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
