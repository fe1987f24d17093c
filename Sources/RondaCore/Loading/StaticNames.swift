/// Checks that need no running scenario: names of functions and fake values in expressions,
/// and matcher keys that look like operators but are not. Problems carry the character offset of
/// the name in the text, so the loader can point at file:line:column.
enum StaticNames {
    /// A problem at a 0-based offset (in Unicode scalars) of the text it was found in.
    struct Problem {
        var offset: Int
        var message: String
    }

    /// Unknown functions (`lenght(x)`) and fake values (`fake.emial`) in an expression written as `text`.
    static func problems(in expression: Expression, text: String) -> [Problem] {
        var out: [Problem] = []
        visit(expression) { node in
            switch node {
            case .call(let name, _) where name.hasPrefix("fake."):
                if let problem = fakeProblem(name, text: text) { out.append(problem) }
                return true
            case .call(let name, _):
                if !Functions.names.contains(name) {
                    let hint = suggestion(for: name, in: Functions.catalogue.map(\.name))
                    out.append(
                        Problem(
                            offset: offset(of: name, in: text) ?? 0,
                            message:
                                "unknown function '\(name)()'\(hint); the functions are: \(Functions.catalogue.map(\.name).joined(separator: ", "))"
                        )
                    )
                }
                return true
            case .member:
                if let dotted = node.dottedName, dotted.hasPrefix("fake.") {
                    if let problem = fakeProblem(dotted, text: text) { out.append(problem) }
                    return false
                }
                return true
            default:
                return true
            }
        }
        return out
    }

    /// `fake.A.B.C` is known when some leading part (`A`, `A.B`, …) is a fake value; the rest reads into it.
    static func fakeProblem(_ dotted: String, text: String) -> Problem? {
        let parts = dotted.split(separator: ".").dropFirst().map(String.init)
        for cut in stride(from: parts.count, to: 0, by: -1)
        where FakeData.knownNameSet.contains(parts[..<cut].joined(separator: ".")) {
            return nil
        }
        let written = parts.joined(separator: ".")
        let hint = suggestion(for: written, in: FakeData.knownNames)
        return Problem(
            offset: offset(of: "fake", in: text) ?? 0,
            message: "unknown fake value 'fake.\(written)'\(hint) (docs/scenarios.md lists them)"
        )
    }

    /// " (did you mean 'x'?)" for the closest name, allowing two edits (a swap of two letters) in names of four or more.
    static func suggestion(for name: String, in names: [String]) -> String {
        let best = names.min { NodeReader.distance(name, $0) < NodeReader.distance(name, $1) }
        guard let best, NodeReader.distance(name, best) <= (name.count >= 4 ? max(2, name.count / 3) : 1) else {
            return ""
        }
        return " (did you mean '\(best)'?)"
    }

    /// Calls `body` on every node, children after parents; `body` returns `false` to skip the children.
    static func visit(_ expression: Expression, _ body: (Expression) -> Bool) {
        guard body(expression) else { return }
        switch expression {
        case .literal, .variable: return
        case .list(let items): for item in items { visit(item, body) }
        case .member(let base, _): visit(base, body)
        case .index(let base, let index):
            visit(base, body)
            visit(index, body)
        case .call(_, let args): for arg in args { visit(arg, body) }
        case .unary(_, let operand): visit(operand, body)
        case .binary(_, let lhs, let rhs):
            visit(lhs, body)
            visit(rhs, body)
        }
    }

    /// Where `name` first appears in `text` as a whole name that is not a member (`x` in `a + x`,
    /// not in `a.x`, `'x'` or `xy`), in Unicode scalars; `nil` if it does not.
    static func offset(of name: String, in text: String) -> Int? {
        let chars = Array(text.unicodeScalars)
        let target = Array(name.unicodeScalars)
        guard !target.isEmpty, chars.count >= target.count else { return nil }
        func isNamePart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c)
        }
        var quote: Unicode.Scalar?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" {
                    i += 2
                    continue
                }
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                i += 1
                continue
            }
            if i + target.count <= chars.count, Array(chars[i..<(i + target.count)]) == target,
                i == 0 || (!isNamePart(chars[i - 1]) && chars[i - 1] != "."),
                i + target.count == chars.count || !isNamePart(chars[i + target.count])
            {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Where `name` first appears as a whole name inside one of the template's `{{ … }}` parts.
    static func offset(of name: String, inTemplate text: String) -> Int? {
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == "{", chars[i + 1] == "{" {
                var end = i + 2
                while end + 1 < chars.count, !(chars[end] == "}" && chars[end + 1] == "}") { end += 1 }
                let inner = String(String.UnicodeScalarView(chars[(i + 2)..<min(end, chars.count)]))
                if let found = offset(of: name, in: inner) { return i + 2 + found }
                i = end + 2
            } else {
                i += 1
            }
        }
        return nil
    }

    /// `start` (where `text` begins in the file) moved to the scalar `offset` in a one-line `text`.
    static func location(_ start: SourceLocation, in text: String, offset: Int?) -> SourceLocation {
        guard let offset, !text.contains("\n") else { return start }
        var location = start
        location.column += String(text.unicodeScalars.prefix(offset)).count
        return location
    }

    /// Keys people write for operators Ronda spells differently, with the operator to use.
    static let operatorAliases: [String: String] = [
        "greater_than": ">", "gt": ">", "greater": ">", "more_than": ">",
        "greater_than_or_equal": ">=", "greater_or_equal": ">=", "gte": ">=", "ge": ">=", "at_least": ">=",
        "less_than": "<", "lt": "<", "less": "<", "fewer_than": "<",
        "less_than_or_equal": "<=", "less_or_equal": "<=", "lte": "<=", "le": "<=", "at_most": "<=",
        "eq": "==", "equal": "==", "equal_to": "==", "ne": "!=", "neq": "!=", "not_equal": "!=", "not_equals": "!=",
        "includes": "contains", "include": "contains", "not_includes": "not_contains", "excludes": "not_contains",
        "regex": "matches", "match": "matches", "one_of": "in", "any_of": "in", "none_of": "not_in",
        "not_one_of": "not_in",
        "exist": "exists", "len": "length", "is_type": "type",
        "starts_with": "matches (with '^…')", "ends_with": "matches (with '…$')",
    ]

    /// The operator a matcher key was probably meant to be, or `nil` when it looks like data.
    static func intendedOperator(_ key: String) -> String? {
        if let op = operatorAliases[key] { return op }
        guard key.count >= 5 else { return nil }
        let words = Matcher.operators.filter { $0.count >= 5 }
        let best = words.min { NodeReader.distance(key, $0) < NodeReader.distance(key, $1) }
        guard let best, NodeReader.distance(key, best) <= 2 else { return nil }
        return best
    }
}
