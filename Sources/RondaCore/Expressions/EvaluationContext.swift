public import Foundation

/// A problem found while evaluating an expression: a person can act on the message.
public struct EvaluationError: RondaError, Hashable {
    /// What kind of failure this is (`EvaluationError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<EvaluationError>

    public internal(set) var code: ErrorCode<EvaluationError>
    public internal(set) var message: String

    /// An error of kind `code`; the engine (another target) reports template problems with it too.
    package init(_ code: ErrorCode<EvaluationError>, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Generates fake values for `fake.NAME` and `fake.NAME(args)`.
public protocol FakeValueSource {
    /// Whether `name` (dotted, without `fake.`) names a fake value.
    func knows(_ name: String) -> Bool
    /// A value for `name` with the given arguments.
    mutating func value(for name: String, arguments: [JSONValue]) throws -> JSONValue
}

/// What an expression can see: variables, the environment (for secrets), fake data.
public struct EvaluationContext {
    /// Variables by name: `vars`, captures, the current `cases:` row, `status`/`body`/`json`/`headers`
    /// of the last response where a step's checks run.
    public var variables: [String: JSONValue]
    /// Reads an environment variable (injectable for tests).
    public var environment: @Sendable (String) -> String?
    /// Fake data generator.
    public var fake: (any FakeValueSource)?
    /// When `true`, reading a variable that was never set is an error; when `false` it is `null`
    /// (conditions may ask about captures that a skipped step never made).
    public var strict: Bool
    /// Values read from the environment so far: secrets to redact wherever they would be recorded.
    public private(set) var secretValues: Set<String> = []

    public init(
        variables: [String: JSONValue] = [:],
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] },
        fake: (any FakeValueSource)? = nil,
        strict: Bool = true
    ) {
        self.variables = variables
        self.environment = environment
        self.fake = fake
        self.strict = strict
    }

    /// Evaluates an expression.
    public mutating func evaluate(_ expression: Expression) throws(EvaluationError) -> JSONValue {
        try Evaluator.evaluate(expression, in: &self)
    }

    /// Evaluates an expression for its truth (`if:` and `retry.until`).
    public mutating func isTrue(_ expression: Expression) throws(EvaluationError) -> Bool {
        try evaluate(expression).isTruthy
    }

    mutating func readEnvironment(_ name: String) throws(EvaluationError) -> JSONValue {
        guard let value = environment(name) else {
            throw EvaluationError(.missingEnvironment, "environment variable \(name) is not set")
        }
        if !value.isEmpty { secretValues.insert(value) }
        return .string(value)
    }

    /// Marks values as secret (for example credentials from configuration).
    public mutating func addSecrets(_ values: some Sequence<String>) {
        for v in values where !v.isEmpty { secretValues.insert(v) }
    }
}

extension ErrorCode where Owner == EvaluationError {
    /// A name that is not a variable, capture or `cases:` column.
    public static var unknownVariable: Self { Self("unknownVariable") }
    /// `env.NAME` where the environment variable is not set.
    public static var missingEnvironment: Self { Self("missingEnvironment") }
    /// A value of the wrong type for an operator or function.
    public static var typeMismatch: Self { Self("typeMismatch") }
    /// A function Ronda does not know.
    public static var unknownFunction: Self { Self("unknownFunction") }
    /// A function argument out of range or malformed.
    public static var invalidArgument: Self { Self("invalidArgument") }
    /// `fake.…` could not produce a value.
    public static var fakeData: Self { Self("fakeData") }
}
