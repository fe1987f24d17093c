import Foundation

/// A JSONPath (a practical subset of RFC 9535): `$`, `.name`, `['name']`, `[0]`, `[-1]`,
/// `[*]`, `.*`, `..name`, `[start:end]`, and filters `[?(@.field == value)]` with
/// `== != < <= > >=` against a literal, or `[?(@.field)]` for presence.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case member(String)
        case index(Int)
        case wildcard
        case descendant(String?)
        case slice(Int?, Int?)
        case filter(path: [String], op: String?, value: JSONValue?)
    }

    let segments: [Segment]
    public let source: String

    public var description: String { source }

    /// `true` when the path selects at most one value (no wildcards, slices, filters or `..`).
    public var isDefinite: Bool {
        segments.allSatisfy {
            switch $0 {
            case .member, .index: return true
            default: return false
            }
        }
    }

    public init(parsing text: String) throws(ExpressionSyntaxError) {
        source = text
        let chars = Array(text)
        var i = 0
        guard i < chars.count, chars[i] == "$" else {
            throw ExpressionSyntaxError(offset: 0, message: "a JSON path starts with '$', e.g. $.results[0].id")
        }
        i += 1
        var segments: [Segment] = []
        func name(from start: Int) -> (String, Int) {
            var j = start
            while j < chars.count, chars[j] != ".", chars[j] != "[" { j += 1 }
            return (String(chars[start..<j]), j)
        }
        while i < chars.count {
            if chars[i] == "." {
                if i + 1 < chars.count, chars[i + 1] == "." {
                    let (n, next) = name(from: i + 2)
                    if n == "*" || n.isEmpty {
                        segments.append(.descendant(nil))
                    } else {
                        segments.append(.descendant(n))
                    }
                    i = next
                    continue
                }
                let (n, next) = name(from: i + 1)
                guard !n.isEmpty else { throw ExpressionSyntaxError(offset: i, message: "expected a name after '.'") }
                segments.append(n == "*" ? .wildcard : .member(n))
                i = next
            } else if chars[i] == "[" {
                guard let close = JSONPath.closingBracket(chars, from: i) else {
                    throw ExpressionSyntaxError(offset: i, message: "'[' is not closed: expected ']'")
                }
                let inner = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                segments.append(try JSONPath.bracket(inner, offset: i))
                i = close + 1
            } else {
                throw ExpressionSyntaxError(
                    offset: i,
                    message: "expected '.' or '[' in the JSON path, found '\(chars[i])'"
                )
            }
        }
        self.segments = segments
    }

    private static func closingBracket(_ chars: [Character], from start: Int) -> Int? {
        var quote: Character?
        var j = start + 1
        while j < chars.count {
            let c = chars[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "]" {
                return j
            }
            j += 1
        }
        return nil
    }

    private static func bracket(_ inner: String, offset: Int) throws(ExpressionSyntaxError) -> Segment {
        if inner == "*" { return .wildcard }
        if let first = inner.first, first == "'" || first == "\"", inner.count >= 2, inner.last == first {
            return .member(String(inner.dropFirst().dropLast()))
        }
        if let n = Int(inner) { return .index(n) }
        if inner.contains(":"), !inner.hasPrefix("?") {
            let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2 else {
                throw ExpressionSyntaxError(offset: offset, message: "a slice is [start:end]")
            }
            let start = parts[0].isEmpty ? nil : Int(parts[0])
            let end = parts[1].isEmpty ? nil : Int(parts[1])
            if (!parts[0].isEmpty && start == nil) || (!parts[1].isEmpty && end == nil) {
                throw ExpressionSyntaxError(offset: offset, message: "slice bounds must be whole numbers")
            }
            return .slice(start, end)
        }
        if inner.hasPrefix("?") {
            var body = inner.dropFirst().trimmingCharacters(in: .whitespaces)
            if body.hasPrefix("("), body.hasSuffix(")") { body = String(body.dropFirst().dropLast()) }
            for op in ["==", "!=", "<=", ">=", "<", ">"] {
                if let range = body.range(of: op) {
                    let lhs = body[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                    let rhs = body[range.upperBound...].trimmingCharacters(in: .whitespaces)
                    let value: JSONValue
                    if let first = rhs.first, first == "'" || first == "\"", rhs.count >= 2 {
                        value = .string(String(rhs.dropFirst().dropLast()))
                    } else if let parsed = JSONValue.parse(rhs) {
                        value = parsed
                    } else {
                        throw ExpressionSyntaxError(
                            offset: offset,
                            message: "cannot read the filter value '\(rhs)': quote text as 'text'"
                        )
                    }
                    return .filter(path: try filterPath(lhs, offset: offset), op: op, value: value)
                }
            }
            return .filter(path: try filterPath(body, offset: offset), op: nil, value: nil)
        }
        throw ExpressionSyntaxError(
            offset: offset,
            message: "cannot read '[\(inner)]': expected an index, 'name', *, a slice or a ?(filter)"
        )
    }

    private static func filterPath(_ text: String, offset: Int) throws(ExpressionSyntaxError) -> [String] {
        guard text.hasPrefix("@") else {
            throw ExpressionSyntaxError(offset: offset, message: "a filter starts with @, e.g. [?(@.status == 'paid')]")
        }
        return text.dropFirst().split(separator: ".").map(String.init)
    }

    /// Every value the path selects, in document order.
    public func select(in root: JSONValue) -> [JSONValue] {
        var current = [root]
        for segment in segments {
            var next: [JSONValue] = []
            for value in current { JSONPath.apply(segment, to: value, into: &next) }
            current = next
        }
        return current
    }

    /// The value at a definite path (or the first match), or `nil` when nothing matches.
    public func first(in root: JSONValue) -> JSONValue? { walk(root) }

    /// For assertions: the single value of a definite path, or the list of matches otherwise.
    public func value(in root: JSONValue) -> JSONValue? {
        isDefinite ? walk(root) : .array(select(in: root))
    }

    /// The first value ``select(in:)`` finds, walked without a list per segment along the names
    /// and indexes (most checks and captures name one value); from the first wildcard, slice,
    /// filter or `..` on, the general selection. A name or index that is missing before it
    /// means no match either way.
    func walk(_ root: JSONValue) -> JSONValue? {
        var current = root
        for segment in segments {
            switch segment {
            case .member(let name):
                guard let next = current[name] else { return nil }
                current = next
            case .index(let i):
                guard case .array(let items) = current else { return nil }
                let resolved = i < 0 ? items.count + i : i
                guard resolved >= 0, resolved < items.count else { return nil }
                current = items[resolved]
            default:
                return select(in: root).first
            }
        }
        return current
    }

    private static func apply(_ segment: Segment, to value: JSONValue, into out: inout [JSONValue]) {
        switch segment {
        case .member(let name):
            if let v = value[name] { out.append(v) }
        case .index(let i):
            if case .array(let items) = value {
                let resolved = i < 0 ? items.count + i : i
                if resolved >= 0, resolved < items.count { out.append(items[resolved]) }
            }
        case .wildcard:
            children(of: value, into: &out)
        case .descendant(let name):
            descend(value, name: name, into: &out)
        case .slice(let start, let end):
            guard case .array(let items) = value else { return }
            let n = items.count
            func clamp(_ x: Int) -> Int { x < 0 ? max(0, n + x) : min(n, x) }
            let s = clamp(start ?? 0)
            let e = clamp(end ?? n)
            if s < e { out.append(contentsOf: items[s..<e]) }
        case .filter(let path, let op, let expected):
            var candidates: [JSONValue] = []
            children(of: value, into: &candidates)
            for candidate in candidates {
                var field: JSONValue? = candidate
                for p in path { field = field?[p] }
                guard let field else { continue }
                guard let op, let expected else {
                    out.append(candidate)
                    continue
                }
                if matches(field, op, expected) { out.append(candidate) }
            }
        }
    }

    private static func children(of value: JSONValue, into out: inout [JSONValue]) {
        switch value {
        case .array(let items): out.append(contentsOf: items)
        case .object(let object): for key in object.keys.sorted() { out.append(object[key]!) }
        default: break
        }
    }

    private static func descend(_ value: JSONValue, name: String?, into out: inout [JSONValue]) {
        if let name {
            if let v = value[name] { out.append(v) }
        } else {
            children(of: value, into: &out)
        }
        var kids: [JSONValue] = []
        children(of: value, into: &kids)
        for kid in kids { descend(kid, name: name, into: &out) }
    }

    private static func matches(_ field: JSONValue, _ op: String, _ expected: JSONValue) -> Bool {
        switch op {
        case "==": return Operators.equal(field, expected)
        case "!=": return !Operators.equal(field, expected)
        default:
            guard let order = try? Operators.compare(field, expected, op) else { return false }
            switch op {
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            default: return order >= 0
            }
        }
    }
}
