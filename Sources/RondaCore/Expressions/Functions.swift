import Crypto
import Foundation

/// Built-in functions of the expression language.
enum Functions {
    /// Names and one-line descriptions, for docs and validation.
    static let catalogue: [(name: String, summary: String)] = [
        ("length", "number of characters, items or keys"),
        ("lower", "lower-case text"), ("upper", "upper-case text"), ("trim", "text without surrounding spaces"),
        ("string", "the value as text"), ("int", "the value as a whole number"), ("number", "the value as a number"),
        ("round", "round(x, digits)"), ("abs", "absolute value"), ("min", "smallest argument or list item"),
        ("max", "largest argument or list item"), ("sum", "sum of a list of numbers"),
        ("first", "first item"), ("last", "last item"), ("keys", "an object's keys, sorted"),
        ("join", "join(list, separator)"), ("split", "split(text, separator)"), ("replace", "replace(text, old, new)"),
        ("starts_with", "starts_with(text, prefix)"), ("ends_with", "ends_with(text, suffix)"),
        ("default", "default(x, fallback): fallback when x is null or empty"),
        ("json", "compact JSON text of a value"), ("parse_json", "the value of JSON text"),
        ("base64", "base64 of text"), ("base64_decode", "text of base64"), ("url_encode", "percent-encoded text"),
        ("sha256", "hex SHA-256 of text"), ("hmac_sha256", "hmac_sha256(secret, message) as hex"),
        ("type", "the JSON type: string, integer, number, boolean, array, object or null"),
        ("has", "has(object, key): whether the object has the key (even with the value null)"),
        ("now", "the current time, ISO 8601"), ("timestamp", "seconds since 1970"), ("uuid", "a random UUID"),
    ]

    static let names: Set<String> = Set(catalogue.map(\.name))

    /// A value's JSON type as JSON Schema names it: a whole number (`2` or `2.0`) is an `integer`.
    static func typeName(_ value: JSONValue) -> String {
        if case .double(let d) = value, d.isFinite, d == d.rounded() { return "integer" }
        return value.typeName
    }

    static func call(_ name: String, _ args: [JSONValue]) throws(EvaluationError) -> JSONValue {
        func arity(_ n: ClosedRange<Int>) throws(EvaluationError) {
            guard n.contains(args.count) else {
                let expected = n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) to \(n.upperBound)"
                throw EvaluationError(
                    .invalidArgument,
                    "\(name)() takes \(expected) argument\(n.upperBound == 1 ? "" : "s"), got \(args.count)"
                )
            }
        }
        func text(_ i: Int) -> String { args[i].interpolated }
        func numberArg(_ i: Int) throws(EvaluationError) -> Double {
            guard let n = args[i].number else {
                throw EvaluationError(.typeMismatch, "\(name)() needs a number, got \(args[i].typeName)")
            }
            return n
        }
        func list(_ i: Int) throws(EvaluationError) -> [JSONValue] {
            guard case .array(let items) = args[i] else {
                throw EvaluationError(.typeMismatch, "\(name)() needs a list, got \(args[i].typeName)")
            }
            return items
        }
        switch name {
        case "length":
            try arity(1...1)
            switch args[0] {
            case .string(let s): return .int(s.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            case .null: return .int(0)
            default:
                throw EvaluationError(
                    .typeMismatch,
                    "length() needs text, a list or an object, got \(args[0].typeName)"
                )
            }
        case "lower":
            try arity(1...1)
            return .string(text(0).lowercased())
        case "upper":
            try arity(1...1)
            return .string(text(0).uppercased())
        case "trim":
            try arity(1...1)
            return .string(text(0).trimmingCharacters(in: .whitespacesAndNewlines))
        case "string":
            try arity(1...1)
            return .string(text(0))
        case "int":
            try arity(1...1)
            let n = try numberArg(0)
            guard n.isFinite, abs(n) < 9e18 else {
                throw EvaluationError(.invalidArgument, "int() of \(n) is out of range")
            }
            return .int(Int(n))
        case "number":
            try arity(1...1)
            return .double(try numberArg(0))
        case "round":
            try arity(1...2)
            let digits = args.count == 2 ? Int(try numberArg(1)) : 0
            let factor = pow(10.0, Double(max(-15, min(15, digits))))
            let rounded = (try numberArg(0) * factor).rounded() / factor
            return digits <= 0 && abs(rounded) < 9e18 ? .int(Int(rounded)) : .double(rounded)
        case "abs":
            try arity(1...1)
            if case .int(let i) = args[0], i != .min { return .int(abs(i)) }
            return .double(abs(try numberArg(0)))
        case "min", "max":
            let items = args.count == 1 ? try list(0) : args
            guard !items.isEmpty else { throw EvaluationError(.invalidArgument, "\(name)() of nothing") }
            var best = items[0]
            for item in items.dropFirst() {
                let order = try Operators.compare(item, best, name)
                if (name == "min" && order < 0) || (name == "max" && order > 0) { best = item }
            }
            return best
        case "sum":
            try arity(1...1)
            var total: JSONValue = .int(0)
            for item in try list(0) { total = try Operators.apply(.add, total, item) }
            return total
        case "first":
            try arity(1...1)
            return try list(0).first ?? .null
        case "last":
            try arity(1...1)
            return try list(0).last ?? .null
        case "keys":
            try arity(1...1)
            guard case .object(let o) = args[0] else {
                throw EvaluationError(.typeMismatch, "keys() needs an object, got \(args[0].typeName)")
            }
            return .array(o.keys.sorted().map(JSONValue.string))
        case "join":
            try arity(1...2)
            return .string(try list(0).map(\.interpolated).joined(separator: args.count > 1 ? text(1) : ","))
        case "split":
            try arity(2...2)
            guard !text(1).isEmpty else {
                throw EvaluationError(.invalidArgument, "split() needs a non-empty separator")
            }
            return .array(text(0).components(separatedBy: text(1)).map(JSONValue.string))
        case "replace":
            try arity(3...3)
            return .string(text(0).replacingOccurrences(of: text(1), with: text(2)))
        case "starts_with":
            try arity(2...2)
            return .bool(text(0).hasPrefix(text(1)))
        case "ends_with":
            try arity(2...2)
            return .bool(text(0).hasSuffix(text(1)))
        case "default":
            try arity(2...2)
            return args[0].isNull || args[0] == .string("") ? args[1] : args[0]
        case "json":
            try arity(1...1)
            return .string(args[0].jsonText())
        case "parse_json":
            try arity(1...1)
            guard let value = JSONValue.parse(text(0)) else {
                throw EvaluationError(.invalidArgument, "parse_json(): the text is not valid JSON")
            }
            return value
        case "base64":
            try arity(1...1)
            return .string(Data(text(0).utf8).base64EncodedString())
        case "base64_decode":
            try arity(1...1)
            guard let data = Data(base64Encoded: text(0)), let s = String(data: data, encoding: .utf8) else {
                throw EvaluationError(.invalidArgument, "base64_decode(): not base64-encoded UTF-8 text")
            }
            return .string(s)
        case "url_encode":
            try arity(1...1)
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return .string(text(0).addingPercentEncoding(withAllowedCharacters: allowed) ?? text(0))
        case "sha256":
            try arity(1...1)
            return .string(SHA256.hash(data: Data(text(0).utf8)).map { String(format: "%02x", $0) }.joined())
        case "hmac_sha256":
            try arity(2...2)
            let mac = HMAC<SHA256>.authenticationCode(
                for: Data(text(1).utf8),
                using: SymmetricKey(data: Data(text(0).utf8))
            )
            return .string(mac.map { String(format: "%02x", $0) }.joined())
        case "type":
            try arity(1...1)
            return .string(typeName(args[0]))
        case "has":
            try arity(2...2)
            switch args[0] {
            case .object(let o): return .bool(o[text(1)] != nil)
            case .null: return .bool(false)
            default: throw EvaluationError(.typeMismatch, "has() needs an object, got \(args[0].typeName)")
            }
        case "now":
            try arity(0...0)
            return .string(ISO8601DateFormatter().string(from: Date()))
        case "timestamp":
            try arity(0...0)
            return .int(Int(Date().timeIntervalSince1970))
        case "uuid":
            try arity(0...0)
            return .string(UUID().uuidString.lowercased())
        default:
            throw EvaluationError(.unknownFunction, "unknown function '\(name)()'")
        }
    }
}
