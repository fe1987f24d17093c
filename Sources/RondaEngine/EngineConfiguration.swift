public import Foundation
public import RondaCore

/// What the engine needs to run scenarios against one target.
public struct EngineConfiguration: Sendable {
    /// Step paths are joined to this.
    public var baseURL: String
    public var verifyTLS: Bool
    public var caBundle: String?
    /// Headers sent with every request (templates allowed, e.g. an API key from the environment).
    public var defaultHeaders: [TemplateField]
    /// One request's limit when its step sets no `timeout:` (`defaults.request_timeout`).
    public var requestTimeout: Duration
    /// How long opening a connection may take (`defaults.connect_timeout`).
    public var connectTimeout: Duration
    /// Budget for teardown once the steps are over (after a timeout too).
    public var teardownTimeout: Duration
    public var bodyCap: Int
    /// Decoded response bytes read before the step fails (`defaults.max_body`).
    public var maxBody: Int = 32 << 20
    /// JSON nesting allowed in response bodies (`defaults.json_max_depth`).
    public var jsonMaxDepth: Int = JSONValue.defaultMaxDepth
    public var followRedirects: Bool
    public var maxRedirects: Int
    /// Pool TCP/TLS connections across scenarios (each keeps its own cookies). Off: every
    /// scenario opens its own connections, as a new browser would.
    public var reuseConnections: Bool
    /// After a failed check, go on with the next step (`defaults.continue_on_failure`); a step's
    /// `continue_on_failure:` overrides it.
    public var continueOnFailure: Bool = false
    /// Roles for `as:`.
    public var roles: [String: RondaConfig.Role]
    /// Environment variables whose values are secrets even if no template reads them.
    public var secretNames: [String]
    /// Reads environment variables (injectable for tests).
    public var environment: @Sendable (String) -> String?
    /// Fixes fake data (for reproducing a run); `nil` for random.
    public var fakeSeed: UInt64?
    /// Request excerpts keep at most this many body characters.
    public var requestExcerptLimit: Int = 2_048
    /// Response excerpts keep at most this many body characters.
    public var responseExcerptLimit: Int = 4_096
    /// Awaited before every HTTP request with the request's host: the worker's rate limiter.
    /// Redirects followed within one request are not counted separately.
    public var beforeRequest: (@Sendable (_ host: String) async -> Void)?

    public init(
        baseURL: String,
        verifyTLS: Bool = true,
        caBundle: String? = nil,
        defaultHeaders: [TemplateField] = [],
        requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        teardownTimeout: Duration = .seconds(30),
        bodyCap: Int = 1 << 20,
        followRedirects: Bool = true,
        maxRedirects: Int = 10,
        reuseConnections: Bool = true,
        roles: [String: RondaConfig.Role] = [:],
        secretNames: [String] = [],
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] },
        fakeSeed: UInt64? = nil
    ) {
        self.baseURL = baseURL
        self.verifyTLS = verifyTLS
        self.caBundle = caBundle
        self.defaultHeaders = defaultHeaders
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.teardownTimeout = teardownTimeout
        self.bodyCap = bodyCap
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.reuseConnections = reuseConnections
        self.roles = roles
        self.secretNames = secretNames
        self.environment = environment
        self.fakeSeed = fakeSeed
    }

    /// The engine configuration for a loaded `ronda.yml` and a base URL.
    public init(
        config: RondaConfig,
        baseURL: String,
        environment: @escaping @Sendable (String) -> String? = { ProcessInfo.processInfo.environment[$0] }
    ) {
        self.init(
            baseURL: baseURL,
            verifyTLS: config.target.verifyTLS,
            caBundle: config.target.caBundle,
            defaultHeaders: config.target.headers,
            requestTimeout: config.defaults.requestTimeout,
            connectTimeout: config.defaults.connectTimeout,
            teardownTimeout: config.defaults.teardownTimeout,
            bodyCap: config.defaults.bodyCap,
            followRedirects: config.defaults.followRedirects,
            maxRedirects: config.defaults.maxRedirects,
            reuseConnections: config.defaults.reuseConnections,
            roles: config.roles,
            secretNames: config.secretNames,
            environment: environment
        )
        continueOnFailure = config.defaults.continueOnFailure
        maxBody = config.defaults.maxBody
        jsonMaxDepth = config.defaults.jsonMaxDepth
    }
}
