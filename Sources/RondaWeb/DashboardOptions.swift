public import Foundation

/// How a dashboard server behaves. Defaults suit a server on loopback or behind a TLS proxy.
public struct DashboardOptions: Sendable {
    /// The address people reach the dashboard at. With `https://…` the session cookie is
    /// marked `Secure` (sent over TLS only).
    public var publicURL: String?
    /// How long a sign-in lasts.
    public var sessionLifetime: TimeInterval
    /// `/metrics` without signing in; when set, only with `Authorization: Bearer <token>`.
    /// `nil`: `/metrics` is open (for a Prometheus on the same private network).
    public var metricsToken: String?
    /// Wrong passwords allowed per minute (per client address and per user) before 429.
    public var loginLimit: Int
    /// The public status page (`/status`, `/status/MODULE`, no sign-in); `nil`: not served.
    public var statusPage: StatusPageOptions?
    /// The target's OpenAPI document, for endpoint coverage (`/coverage`).
    public var openAPI: OpenAPISource?

    public init(
        publicURL: String? = nil,
        sessionLifetime: TimeInterval = 12 * 3600,
        metricsToken: String? = nil,
        loginLimit: Int = 10,
        statusPage: StatusPageOptions? = nil,
        openAPI: OpenAPISource? = nil
    ) {
        self.publicURL = publicURL
        self.sessionLifetime = sessionLifetime
        self.metricsToken = metricsToken
        self.loginLimit = loginLimit
        self.statusPage = statusPage
        self.openAPI = openAPI
    }

    /// Whether cookies must be `Secure`.
    var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }
}

/// What the public status page publishes. It shows module names and their figures only: no
/// scenario, step, URL or message.
public struct StatusPageOptions: Sendable {
    /// The modules shown; `nil`: every module with results.
    public var modules: Set<String>?
    /// The page's heading.
    public var title: String

    public init(modules: Set<String>? = nil, title: String = "Service status") {
        self.modules = modules
        self.title = title
    }
}
