import Foundation

/// `ronda.yml`: the target, the role users, the defaults. Secrets are never written here:
/// credentials are `{{ env.NAME }}` templates read when a run starts.
public struct RondaConfig: Sendable {
    /// The application under test.
    public struct Target: Sendable {
        /// Base URL that step paths are joined to; `--base-url` and `RONDA_BASE_URL` override it.
        public var baseURL: String?
        /// Verify TLS certificates (default true). Turn off only for a staging target with a self-signed certificate.
        public var verifyTLS: Bool = true
        /// A CA bundle to verify the target's certificate with.
        public var caBundle: String?
        /// Headers sent with every request.
        public var headers: [TemplateField] = []

        public init(baseURL: String? = nil) { self.baseURL = baseURL }
    }

    /// A role users log in as (`as: receptionist`).
    public struct Role: Sendable {
        public var name: String
        /// Login steps, run before a scenario that says `as:` this role. They see `role.username`,
        /// `role.password` and the role's other fields; their captures (a token, a session cookie's value)
        /// are variables of the scenario.
        public var login: Scenario
        /// The role's fields, e.g. `username: "{{ env.RECEPTIONIST_USER }}"`.
        public var fields: [TemplateField]

        public init(name: String, login: Scenario, fields: [TemplateField]) {
            self.name = name
            self.login = login
            self.fields = fields
        }
    }

    /// Defaults for runs.
    public struct Defaults: Sendable {
        /// A scenario's deadline when it does not set `timeout:`.
        public var scenarioTimeout: Duration = .seconds(300)
        /// One request's timeout.
        public var requestTimeout: Duration = .seconds(30)
        /// How long opening a connection (DNS, TCP, TLS) may take.
        public var connectTimeout: Duration = .seconds(10)
        /// Time teardown may take after a timeout or failure.
        public var teardownTimeout: Duration = .seconds(30)
        /// Pause between scenarios on one worker slot.
        public var delayBetween: Duration = .zero
        /// Scenarios run at once.
        public var parallel: Int = 4
        /// Response bytes kept per request.
        public var bodyCap: Int = 1 << 20
        /// Response bytes (decoded) read before a request fails with "the body exceeded the limit".
        public var maxBody: Int = 32 << 20
        /// JSON nesting allowed in response bodies; deeper is reported as such, not as "not JSON".
        public var jsonMaxDepth: Int = JSONValue.defaultMaxDepth
        public var followRedirects: Bool = true
        public var maxRedirects: Int = 10
        /// Pool connections across scenarios (cookies stay per scenario).
        public var reuseConnections: Bool = true
        /// After a failed check, go on with the scenario's next step (a step's `continue_on_failure:` overrides it).
        public var continueOnFailure: Bool = false

        public init() {}
    }

    public var target = Target()
    public var roles: [String: Role] = [:]
    public var defaults = Defaults()
    /// The scenario folder, relative to the configuration file.
    public var suite: String = "scenarios"
    /// SQLite database path for the embedded mode.
    public var database: String = ".ronda/ronda.sqlite"
    /// Extra environment variables whose values are redacted everywhere.
    public var secretNames: [String] = []
    /// `schedules:` — recurring runs for the coordinator, in file order.
    public var schedules: [ScheduleConfig] = []
    /// `rate_limit:` — the per-host request rate every worker shares; `nil` for no limit.
    public var rateLimit: RateLimitConfig?
    /// `alerts:`: error grouping, the alert policy, channels and routes.
    public var alerts = AlertsConfig()
    /// The file this was read from, if any.
    public var file: String?

    public init() {}

    /// Folder of the configuration file (paths in it are relative to it), or the current folder.
    public var baseDirectory: String {
        guard let file else { return FileManager.default.currentDirectoryPath }
        return URL(fileURLWithPath: file).deletingLastPathComponent().path
    }

    /// Resolves a path written in the configuration file.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }
}
