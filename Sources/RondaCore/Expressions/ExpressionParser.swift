/// A problem in an expression's text, with the character offset where it was found.
public struct ExpressionSyntaxError: RondaError, Hashable {
    /// What kind of failure this is (`ExpressionSyntaxError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<ExpressionSyntaxError>

    public internal(set) var code: ErrorCode<ExpressionSyntaxError> = .invalidSyntax
    /// 0-based offset in the expression text.
    public internal(set) var offset: Int
    public internal(set) var message: String
}

/// Parses the expression language (see `Expression`). Never crashes on input: every
/// problem is an `ExpressionSyntaxError` naming what was expected.
public struct ExpressionParser {
    enum Token: Equatable {
        case number(JSONValue)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private let maxDepth = 64
    private var depth = 0
    /// Operators, members, indexes and calls built so far: long chains (`a or b or …`) make
    /// deep trees without nesting, so their length is bounded too.
    private let maxOperations = 256
    private var operations = 0

    /// Parses a whole expression.
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        var parser = ExpressionParser()
        parser.tokens = try tokenize(text)
        let expression = try parser.parseOr()
        guard case .end = parser.current else {
            throw ExpressionSyntaxError(
                offset: parser.currentOffset,
                message: "unexpected \(parser.describe(parser.current)) after the end of the expression"
            )
        }
        return expression
    }

    // MARK: Tokens

    static func tokenize(_ text: String) throws(ExpressionSyntaxError) -> [(token: Token, offset: Int)] {
        let chars = Array(text.unicodeScalars)
        var out: [(token: Token, offset: Int)] = []
        var i = 0
        func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentPart(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || ("0"..."9").contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            let start = i
            if ("0"..."9").contains(c) {
                var seenDot = false
                while i < chars.count,
                    ("0"..."9").contains(chars[i])
                        || (chars[i] == "." && !seenDot && i + 1 < chars.count && ("0"..."9").contains(chars[i + 1]))
                {
                    if chars[i] == "." { seenDot = true }
                    i += 1
                }
                let literal = String(String.UnicodeScalarView(chars[start..<i]))
                if seenDot, let d = Double(literal) {
                    out.append((.number(.double(d)), start))
                } else if let n = Int(literal) {
                    out.append((.number(.int(n)), start))
                } else if let d = Double(literal) {
                    out.append((.number(.double(d)), start))
                } else {
                    throw ExpressionSyntaxError(offset: start, message: "the number \(literal) is out of range")
                }
            } else if c == "'" || c == "\"" {
                out.append((.string(try quoted(chars, &i, raw: false)), start))
            } else if c == "r", i + 1 < chars.count, chars[i + 1] == "'" || chars[i + 1] == "\"" {
                i += 1
                out.append((.string(try quoted(chars, &i, raw: true)), start))
            } else if isIdentStart(c) {
                while i < chars.count, isIdentPart(chars[i]) { i += 1 }
                out.append((.identifier(String(String.UnicodeScalarView(chars[start..<i]))), start))
            } else {
                let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
                let three = i + 2 < chars.count ? two + String(chars[i + 2]) : ""
                if three == "===" || three == "!==" {
                    out.append((.symbol(three), start))
                    i += 3
                } else if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    out.append((.symbol(two), start))
                    i += 2
                } else if "()[].,<>!+-*/%".unicodeScalars.contains(c) {
                    out.append((.symbol(String(c)), start))
                    i += 1
                } else if c == "=" {
                    throw ExpressionSyntaxError(offset: start, message: "'=' is not an operator: use '==' to compare")
                } else {
                    throw ExpressionSyntaxError(offset: start, message: "unexpected character '\(c)'")
                }
            }
        }
        out.append((.end, chars.count))
        return out
    }

    /// The escapes a quoted string may use; anything else after a backslash is an error.
    static let escapes: [Unicode.Scalar: Unicode.Scalar] = [
        "\\": "\\", "'": "'", "\"": "\"", "n": "\n", "t": "\t", "r": "\r",
    ]

    /// Reads a string starting at the opening quote `chars[i]`, leaving `i` after the closing one.
    /// A raw string (`r'…'`) keeps every backslash as written and cannot contain its own quote.
    static func quoted(_ chars: [Unicode.Scalar], _ i: inout Int, raw: Bool) throws(ExpressionSyntaxError) -> String {
        let start = raw ? i - 1 : i
        let quote = chars[i]
        i += 1
        var value = String.UnicodeScalarView()
        while i < chars.count {
            let c = chars[i]
            if c == quote {
                i += 1
                return String(value)
            }
            if c == "\\", !raw {
                guard i + 1 < chars.count else { break }
                let next = chars[i + 1]
                if let escaped = escapes[next] {
                    value.append(escaped)
                    i += 2
                    continue
                }
                if next == "u", i + 5 < chars.count,
                    let code = UInt32(String(String.UnicodeScalarView(chars[(i + 2)..<(i + 6)])), radix: 16),
                    let scalar = Unicode.Scalar(code)
                {
                    value.append(scalar)
                    i += 6
                    continue
                }
                throw ExpressionSyntaxError(
                    offset: i,
                    message:
                        "unknown escape '\\\(next)' in a string: the escapes are \\\\ \\' \\\" \\n \\r \\t \\uXXXX; "
                        + "for a regular expression write a raw string, r'^\\d+$', or double the backslash"
                )
            }
            value.append(c)
            i += 1
        }
        throw ExpressionSyntaxError(offset: start, message: "unterminated string: expected a closing \(quote)")
    }

    // MARK: Grammar

    private var current: Token { tokens[min(position, tokens.count - 1)].token }
    private var currentOffset: Int { tokens[min(position, tokens.count - 1)].offset }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let n): return "number \(n.interpolated)"
        case .string(let s): return "string '\(s)'"
        case .identifier(let s): return "'\(s)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private mutating func advance() { position += 1 }

    private mutating func accept(symbol: String) -> Bool {
        if case .symbol(symbol) = current {
            advance()
            return true
        }
        return false
    }

    private mutating func accept(word: String) -> Bool {
        if case .identifier(word) = current {
            advance()
            return true
        }
        return false
    }

    private mutating func expect(symbol: String, _ what: String) throws(ExpressionSyntaxError) {
        guard accept(symbol: symbol) else {
            throw ExpressionSyntaxError(offset: currentOffset, message: "expected \(what), found \(describe(current))")
        }
    }

    private mutating func count() throws(ExpressionSyntaxError) {
        operations += 1
        if operations > maxOperations {
            throw ExpressionSyntaxError(
                offset: currentOffset,
                message: "the expression is too long (more than \(maxOperations) operations): split it"
            )
        }
    }

    private mutating func enter() throws(ExpressionSyntaxError) {
        depth += 1
        if depth > maxDepth {
            throw ExpressionSyntaxError(offset: currentOffset, message: "the expression nests too deeply")
        }
    }

    private mutating func parseOr() throws(ExpressionSyntaxError) -> Expression {
        try enter()
        defer { depth -= 1 }
        var lhs = try parseAnd()
        while accept(word: "or") || accept(symbol: "||") {
            try count()
            lhs = .binary(.or, lhs, try parseAnd())
        }
        return lhs
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseNot()
        while accept(word: "and") || accept(symbol: "&&") {
            try count()
            lhs = .binary(.and, lhs, try parseNot())
        }
        return lhs
    }

    private mutating func parseNot() throws(ExpressionSyntaxError) -> Expression {
        if accept(word: "not") || accept(symbol: "!") {
            try count()
            try enter()
            defer { depth -= 1 }
            return .unary(.not, try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> Expression {
        let lhs = try parseAdditive()
        let symbols: [String: Expression.BinaryOperator] = [
            "==": .equal, "!=": .notEqual, "===": .strictEqual, "!==": .strictNotEqual, "<": .less, "<=": .lessOrEqual,
            ">": .greater, ">=": .greaterOrEqual,
        ]
        if case .symbol(let s) = current, let op = symbols[s] {
            advance()
            return .binary(op, lhs, try parseAdditive())
        }
        if accept(word: "contains") { return .binary(.contains, lhs, try parseAdditive()) }
        if accept(word: "matches") { return .binary(.matches, lhs, try parseAdditive()) }
        if accept(word: "in") { return .binary(.in, lhs, try parseAdditive()) }
        if case .identifier("not") = current, position + 1 < tokens.count {
            let next = tokens[position + 1].token
            if next == .identifier("in") || next == .identifier("contains") || next == .identifier("matches") {
                advance()
                advance()
                let op: Expression.BinaryOperator =
                    next == .identifier("in") ? .in : next == .identifier("contains") ? .contains : .matches
                return .unary(.not, .binary(op, lhs, try parseAdditive()))
            }
        }
        return lhs
    }

    private mutating func parseAdditive() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseMultiplicative()
        while true {
            if case .symbol(let sym) = current, sym == "+" || sym == "-" { try count() }
            if accept(symbol: "+") {
                lhs = .binary(.add, lhs, try parseMultiplicative())
            } else if accept(symbol: "-") {
                lhs = .binary(.subtract, lhs, try parseMultiplicative())
            } else {
                return lhs
            }
        }
    }

    private mutating func parseMultiplicative() throws(ExpressionSyntaxError) -> Expression {
        var lhs = try parseUnary()
        while true {
            if case .symbol(let sym) = current, sym == "*" || sym == "/" || sym == "%" { try count() }
            if accept(symbol: "*") {
                lhs = .binary(.multiply, lhs, try parseUnary())
            } else if accept(symbol: "/") {
                lhs = .binary(.divide, lhs, try parseUnary())
            } else if accept(symbol: "%") {
                lhs = .binary(.remainder, lhs, try parseUnary())
            } else {
                return lhs
            }
        }
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Expression {
        if accept(symbol: "-") {
            try count()
            try enter()
            defer { depth -= 1 }
            return .unary(.negate, try parseUnary())
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(ExpressionSyntaxError) -> Expression {
        var base = try parsePrimary()
        while true {
            if case .symbol(let sym) = current, sym == "." || sym == "[" || sym == "(" { try count() }
            if accept(symbol: ".") {
                guard case .identifier(let name) = current else {
                    throw ExpressionSyntaxError(
                        offset: currentOffset,
                        message: "expected a name after '.', found \(describe(current))"
                    )
                }
                advance()
                base = .member(base, name)
            } else if accept(symbol: "[") {
                let index = try parseOr()
                try expect(symbol: "]", "']'")
                base = .index(base, index)
            } else if case .symbol("(") = current, let name = base.dottedName {
                advance()
                var args: [Expression] = []
                if !accept(symbol: ")") {
                    repeat { args.append(try parseOr()) } while accept(symbol: ",")
                    try expect(symbol: ")", "',' or ')' to close the arguments of \(name)")
                }
                base = .call(name, args)
            } else {
                return base
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Expression {
        let offset = currentOffset
        switch current {
        case .number(let n):
            advance()
            return .literal(n)
        case .string(let s):
            advance()
            return .literal(.string(s))
        case .identifier(let name):
            advance()
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null", "nil": return .literal(.null)
            case "and", "or", "contains", "matches", "in":
                throw ExpressionSyntaxError(offset: offset, message: "expected a value before '\(name)'")
            default: return .variable(name)
            }
        case .symbol("("):
            advance()
            try enter()
            defer { depth -= 1 }
            let inner = try parseOr()
            try expect(symbol: ")", "')'")
            return inner
        case .symbol("["):
            advance()
            try enter()
            defer { depth -= 1 }
            var items: [Expression] = []
            if !accept(symbol: "]") {
                repeat { items.append(try parseOr()) } while accept(symbol: ",")
                try expect(symbol: "]", "',' or ']' to close the list")
            }
            return .list(items)
        default:
            throw ExpressionSyntaxError(offset: offset, message: "expected a value, found \(describe(current))")
        }
    }
}

extension ErrorCode where Owner == ExpressionSyntaxError {
    /// The text is not a well-formed expression, template or JSON path.
    public static var invalidSyntax: Self { Self("invalidSyntax") }
}
