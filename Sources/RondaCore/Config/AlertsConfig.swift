public import Foundation

/// A configuration value that is either written in the file or read from an environment
/// variable (`"{{ env.NAME }}"`, the whole value). Secrets (webhook URLs, passwords, signing
/// secrets, DSNs) must be the second kind: credentials never live in files.
public enum ConfigText: Sendable, Hashable, CustomStringConvertible {
    case literal(String)
    case environment(String)

    /// The value, or `nil` when it names a variable that is unset or empty.
    public func resolve(_ environment: [String: String]) -> String? {
        switch self {
        case .literal(let text): return text
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
    }

    /// What a message may show: the text, or `$NAME` (never a secret's value).
    public var description: String {
        switch self {
        case .literal(let text): text
        case .environment(let name): "$\(name)"
        }
    }
}

/// How a channel retries a delivery that failed: exponential backoff from `initialBackoff`,
/// doubling up to `maxBackoff`, until the decision is `giveUpAfter` old; then the outbox row is
/// marked failed (and stays visible in `ronda alerts list`).
public struct RetryPolicy: Sendable, Hashable {
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var giveUpAfter: Duration

    public init(
        initialBackoff: Duration = .seconds(5),
        maxBackoff: Duration = .seconds(300),
        giveUpAfter: Duration = .seconds(86_400)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.giveUpAfter = giveUpAfter
    }

    /// The wait before attempt `attempt + 1`, after `attempt` failed attempts (1, 2, …).
    public func backoff(afterAttempts attempt: Int) -> Duration {
        let initial = Double(initialBackoff.components.seconds) + Double(initialBackoff.components.attoseconds) / 1e18
        let maximum = Double(maxBackoff.components.seconds) + Double(maxBackoff.components.attoseconds) / 1e18
        let seconds = min(maximum, initial * pow(2, Double(max(0, min(attempt - 1, 30)))))
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// One named alert channel (`alerts.channels.NAME`).
public struct AlertChannelConfig: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Slack incoming webhook (Block Kit).
        case slack
        /// Email over SMTP (smtp:// with STARTTLS, or smtps://).
        case email
        /// A generic JSON webhook signed with HMAC-SHA256.
        case webhook
        /// A Sentry envelope per new group or regression.
        case sentry
        /// A WhatsApp-capable HTTP API (form or JSON body template), e.g. Twilio's.
        case whatsapp
    }

    public var name: String
    public var kind: Kind
    /// How long one delivery attempt may take.
    public var timeout: Duration = .seconds(10)
    public var retry = RetryPolicy()
    /// Items less urgent than this are not sent to this channel (P3 sends everything).
    public var minPriority: Priority = .p3
    /// slack, webhook, whatsapp: the endpoint; email: `smtp://host:port` or `smtps://host:port`.
    public var url: ConfigText?
    /// webhook: the HMAC-SHA256 signing secret.
    public var secret: ConfigText?
    /// sentry: the project's DSN (`https://KEY@HOST/PROJECT_ID`).
    public var dsn: ConfigText?
    /// email: SMTP login; whatsapp: HTTP basic auth (Twilio's account SID and token).
    public var username: ConfigText?
    public var password: ConfigText?
    /// email: sender and recipients.
    public var from: String?
    public var to: [String] = []
    /// email over smtp://: require STARTTLS (default). `false` only for a relay on loopback.
    public var startTLS = true
    /// whatsapp: HTTP method (POST or GET).
    public var method = "POST"
    /// whatsapp: form fields (`application/x-www-form-urlencoded`), values may use
    /// `{{ alert.title }}`, `{{ alert.text }}`, `{{ alert.url }}`, `{{ alert.priority }}`.
    public var form: [(key: String, value: String)] = []
    /// whatsapp: a JSON body template instead of `form` (same placeholders, JSON-escaped).
    public var jsonBody: String?
    /// Extra request headers (HTTP channels).
    public var headers: [(key: String, value: String)] = []
    /// A CA bundle to verify the channel's TLS certificate with (self-hosted relays).
    public var caBundle: String?

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public static func == (lhs: AlertChannelConfig, rhs: AlertChannelConfig) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.timeout == rhs.timeout && lhs.retry == rhs.retry
            && lhs.minPriority == rhs.minPriority && lhs.url == rhs.url && lhs.secret == rhs.secret
            && lhs.dsn == rhs.dsn && lhs.username == rhs.username && lhs.password == rhs.password
            && lhs.from == rhs.from && lhs.to == rhs.to && lhs.startTLS == rhs.startTLS && lhs.method == rhs.method
            && lhs.form.map(\.key) == rhs.form.map(\.key) && lhs.form.map(\.value) == rhs.form.map(\.value)
            && lhs.jsonBody == rhs.jsonBody && lhs.headers.map(\.key) == rhs.headers.map(\.key)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value) && lhs.caBundle == rhs.caBundle
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(kind)
    }
}

/// Which items go to which channels (`alerts.routes`). Every condition that is set must match;
/// an item goes to the union of the channels of every matching route.
public struct AlertRoute: Sendable, Hashable {
    /// Modules the route takes (`nil`: any). Run-level items (threshold, run errored) have no
    /// module and match only routes without `modules`.
    public var modules: [String]?
    /// The least urgent priority the route takes (`P3`: any).
    public var minPriority: Priority = .p3
    /// Triggers the route takes (`nil`: any).
    public var triggers: [AlertTrigger]?
    public var channels: [String]

    public init(
        modules: [String]? = nil,
        minPriority: Priority = .p3,
        triggers: [AlertTrigger]? = nil,
        channels: [String]
    ) {
        self.modules = modules
        self.minPriority = minPriority
        self.triggers = triggers
        self.channels = channels
    }

    public func matches(_ item: AlertItem) -> Bool {
        if let modules {
            guard let module = item.module, modules.contains(module) else { return false }
        }
        if let triggers, !triggers.contains(item.trigger) { return false }
        return item.priority <= minPriority
    }
}

/// A recurring period during which no alert is sent (the suppression is recorded).
public struct MaintenanceWindow: Sendable, Hashable {
    /// Five-field cron expression for the window's start, in `timeZone`.
    public var cron: String
    public var duration: Duration
    /// IANA time zone name (default UTC).
    public var timeZone: String

    public init(cron: String, duration: Duration, timeZone: String = "UTC") {
        self.cron = cron
        self.duration = duration
        self.timeZone = timeZone
    }
}

/// Where a run reads the target's release: a header or a JSON path of one endpoint, once per run.
public struct ReleaseSource: Sendable, Hashable {
    /// Path (relative to the target's base URL) or absolute URL of the endpoint (`/health`).
    public var url: String
    /// A response header holding the release (`X-Release`), or
    public var header: String?
    /// a JSON path into the body (`$.version`).
    public var jsonPath: String?

    public init(url: String, header: String? = nil, jsonPath: String? = nil) {
        self.url = url
        self.header = header
        self.jsonPath = jsonPath
    }
}

/// `alerts:` in ronda.yml: the alert policy, its channels and routes.
public struct AlertsConfig: Sendable, Hashable {
    /// A run with this many failing scenarios or more alerts (the seed's CRITICAL_ERROR_THRESHOLD).
    public var threshold = 5
    /// A group resolves when its scenario passed this many runs in a row.
    public var resolveAfter = 1
    /// While a group stays open, remind every this long (`nil`: never).
    public var reminderEvery: Duration? = .seconds(24 * 3600)
    /// A P0 scenario failing this many runs in a row escalates (once per streak).
    public var escalateAfter = 3
    /// Flakiness is measured over this many recent runs of a scenario.
    public var flakyWindow = 20
    /// A scenario whose share of outcome flips reaches this is reported as flaky.
    public var flakyThreshold = 0.3
    /// The dashboard's public URL: alerts link to `PUBLIC_URL/runs/ID`.
    public var publicURL: String?
    public var maintenance: [MaintenanceWindow] = []
    /// Channels by name.
    public var channels: [String: AlertChannelConfig] = [:]
    /// `[]`: every item goes to every channel (subject to each channel's minimum priority).
    public var routes: [AlertRoute] = []
    /// Where each run reads the target's release (`nil`: not recorded).
    public var release: ReleaseSource?

    public init() {}

    /// The channels an item goes to, by name, sorted.
    public func channels(for item: AlertItem) -> [String] {
        let routed: Set<String> =
            routes.isEmpty
            ? Set(channels.keys)
            : Set(routes.filter { $0.matches(item) }.flatMap(\.channels))
        return routed.filter { name in
            guard let channel = channels[name] else { return false }
            return item.priority <= channel.minPriority || item.trigger == .test
        }
        .sorted()
    }
}
