/// A parsed expression of Ronda's small, safe expression language, used in `if:`,
/// `retry.until` and inside `{{ … }}` templates.
///
/// It has literals (`1`, `2.5`, `'text'`, `"text"`, raw `r'^\d+$'`, `true`, `false`, `null`, `[1, 2]`),
/// variables with member and index access (`patient.identification`, `items[0].id`),
/// function calls (`length(items)`, `fake.date(3)`), arithmetic (`+ - * / %`),
/// comparisons (`== != < <= > >=`, strict `=== !==`), `contains`, `matches`, `in`, and `and`/`or`/`not`
/// (also `&&`, `||`, `!`). There are no assignments, loops or side effects.
public indirect enum Expression: Sendable, Hashable {
    case literal(JSONValue)
    case list([Expression])
    /// A variable: its root name.
    case variable(String)
    case member(Expression, String)
    case index(Expression, Expression)
    /// A call of a built-in or `fake.` function by its dotted name.
    case call(String, [Expression])
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)

    public enum UnaryOperator: String, Sendable, Hashable {
        case not = "not"
        case negate = "-"
    }

    public enum BinaryOperator: String, Sendable, Hashable {
        case or, and
        case equal = "=="
        case notEqual = "!="
        case strictEqual = "==="
        case strictNotEqual = "!=="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case contains, matches, `in`
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
    }
}

extension Expression {
    /// The dotted name of a chain of members on a variable (`fake.card.stripe`), or `nil`.
    var dottedName: String? {
        switch self {
        case .variable(let name): return name
        case .member(let base, let name): return base.dottedName.map { "\($0).\(name)" }
        default: return nil
        }
    }

    /// Root variable names the expression reads (not `env`, `fake` or function names).
    public var variables: Set<String> {
        var names = Set<String>()
        var env = Set<String>()
        collect(into: &names, envNames: &env)
        return names
    }

    /// Names of environment variables the expression reads through `env.NAME`.
    public var environmentNames: Set<String> {
        var names = Set<String>()
        var env = Set<String>()
        collect(into: &names, envNames: &env)
        return env
    }

    private func collect(into names: inout Set<String>, envNames: inout Set<String>) {
        switch self {
        case .literal: return
        case .list(let items):
            for item in items { item.collect(into: &names, envNames: &envNames) }
        case .variable(let name):
            if name != "env" && name != "fake" { names.insert(name) }
        case .member(let base, let member):
            if case .variable("env") = base {
                envNames.insert(member)
                return
            }
            base.collect(into: &names, envNames: &envNames)
        case .index(let base, let index):
            base.collect(into: &names, envNames: &envNames)
            index.collect(into: &names, envNames: &envNames)
        case .call(_, let args):
            for arg in args { arg.collect(into: &names, envNames: &envNames) }
        case .unary(_, let operand):
            operand.collect(into: &names, envNames: &envNames)
        case .binary(_, let lhs, let rhs):
            lhs.collect(into: &names, envNames: &envNames)
            rhs.collect(into: &names, envNames: &envNames)
        }
    }
}
