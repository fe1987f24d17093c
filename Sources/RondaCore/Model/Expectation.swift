/// What a step expects of its response (`expect:`).
public struct Expectation: Sendable, Hashable {
    /// Accepted status codes; `nil` accepts any.
    public var status: [Int]?
    public var headers: [(name: String, matcher: Matcher)]
    public var json: [(path: JSONPath, matcher: Matcher)]
    /// Checks on the body as text.
    public var body: Matcher?
    /// The body must be JSON valid against this JSON Schema.
    public var schema: JSONValue?
    /// Checks on the response time, in milliseconds.
    public var responseTime: Matcher?
    /// Free-form conditions over `status`, `body`, `json`, `headers` and the variables (`that:`).
    public var conditions: [Condition]

    /// One `that:` expression, with the name it may be given.
    public struct Condition: Sendable, Hashable {
        public var expression: Expression
        /// The expression as written.
        public var source: String
        /// `that: { NAME: EXPRESSION }`: shown in failures and reports.
        public var name: String?
        /// Where the expression starts in the file.
        public var location: SourceLocation?

        public init(_ expression: Expression, source: String, name: String? = nil, location: SourceLocation? = nil) {
            self.expression = expression
            self.source = source
            self.name = name
            self.location = location
        }
    }
    /// Checks on the server certificate of an https response (`tls:`).
    public var tls: TLSExpectation?

    public init(
        status: [Int]? = nil,
        headers: [(name: String, matcher: Matcher)] = [],
        json: [(path: JSONPath, matcher: Matcher)] = [],
        body: Matcher? = nil,
        schema: JSONValue? = nil,
        responseTime: Matcher? = nil,
        conditions: [Condition] = []
    ) {
        self.status = status
        self.headers = headers
        self.json = json
        self.body = body
        self.schema = schema
        self.responseTime = responseTime
        self.conditions = conditions
    }

    public var isEmpty: Bool {
        status == nil && headers.isEmpty && json.isEmpty && body == nil && schema == nil && responseTime == nil
            && conditions.isEmpty && tls == nil
    }

    var templates: [Template] {
        headers.flatMap(\.matcher.templates) + json.flatMap(\.matcher.templates) + (body?.templates ?? [])
            + (responseTime?.templates ?? [])
            + (tls?.templates ?? [])
    }

    public static func == (lhs: Expectation, rhs: Expectation) -> Bool {
        lhs.status == rhs.status && lhs.schema == rhs.schema && lhs.body == rhs.body
            && lhs.responseTime == rhs.responseTime
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.matcher) == rhs.headers.map(\.matcher)
            && lhs.json.map(\.path) == rhs.json.map(\.path) && lhs.json.map(\.matcher) == rhs.json.map(\.matcher)
            && lhs.conditions.map(\.source) == rhs.conditions.map(\.source) && lhs.tls == rhs.tls
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(json.map(\.path))
        hasher.combine(headers.map(\.name))
        hasher.combine(conditions.map(\.source))
    }
}

/// `expect: { tls: … }`: checks on the server certificate of an https response.
public struct TLSExpectation: Sendable, Hashable {
    /// Days until the certificate expires (`expires_in: { ">": 14d }`), compared in days.
    public var expiresIn: Matcher?
    /// The issuer, e.g. `{contains: "Let's Encrypt"}`.
    public var issuer: Matcher?
    /// The subject, e.g. `{contains: "CN = example.com"}`.
    public var subject: Matcher?

    public init(expiresIn: Matcher? = nil, issuer: Matcher? = nil, subject: Matcher? = nil) {
        self.expiresIn = expiresIn
        self.issuer = issuer
        self.subject = subject
    }

    var templates: [Template] { [expiresIn, issuer, subject].flatMap { $0?.templates ?? [] } }
}

/// One or more checks on one value: `200`, `{">": 0, "<": 100}`, `{length: 3}`, `{type: string}`.
public struct Matcher: Sendable, Hashable {
    public var checks: [Check]
    /// `name:` in the mapping: shown in failures and reports.
    public var name: String?

    public init(_ checks: [Check], name: String? = nil) {
        self.checks = checks
        self.name = name
    }

    public indirect enum Check: Sendable, Hashable {
        /// `==`, `!=`, `===`, `!==`, `<`, `<=`, `>`, `>=`, `contains`, `not_contains`, `matches`, `in`, `not_in`.
        case compare(String, TemplateValue)
        /// `exists: true|false`: whether the key, header or path is there at all (a `null` value is there).
        case exists(Bool)
        /// `length: N` or `length: {op: N}`.
        case length(Matcher)
        /// `type: string|number|integer|boolean|array|object|null` (a whole number such as `2.0` is an integer).
        case type(String)
        /// `schema: {JSON Schema}`.
        case schema(JSONValue)
    }

    /// The operators a matcher mapping may use.
    public static let operators: Set<String> = [
        "==", "!=", "<", "<=", ">", ">=", "contains", "not_contains", "matches", "in", "not_in",
        "exists", "length", "type", "schema", "equals", "===", "!==",
    ]

    var templates: [Template] {
        checks.flatMap { check -> [Template] in
            switch check {
            case .compare(_, let v): return v.templates
            case .length(let m): return m.templates
            default: return []
            }
        }
    }
}
