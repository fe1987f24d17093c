import Foundation

/// One HTTP request of a scenario, with what to expect of its response and what to keep from it.
public struct Step: Sendable, Hashable {
    public var name: String
    public var method: String
    /// A path joined to the target's base URL, or an absolute URL.
    public var path: Template
    public var query: [TemplateField]
    public var headers: [TemplateField]
    public var body: StepBody?
    /// Sign the body as a payment provider signs its webhooks.
    public var webhook: WebhookSpec?
    /// Run the step only when this holds; otherwise it is recorded as skipped.
    public var condition: Expression?
    public var conditionSource: String?
    public var expect: Expectation
    public var captures: [Capture]
    public var retry: RetrySpec?
    /// Follow redirects (default: the configuration's, which defaults to true).
    public var followRedirects: Bool?
    public var maxRedirects: Int?
    /// This request's timeout (bounded by what is left of the scenario's deadline).
    public var timeout: Duration?
    /// `continue_on_failure:` — after a failed check, go on with the next step (default: the
    /// configuration's `defaults.continue_on_failure`, which defaults to false).
    public var continueOnFailure: Bool?
    /// Where the `if:` expression starts.
    public var conditionLocation: SourceLocation?
    /// `auth:` — credentials sent with the request (Basic, Digest or Bearer).
    public var auth: StepAuth?
    public var location: SourceLocation

    public init(
        name: String,
        method: String = "GET",
        path: Template,
        query: [TemplateField] = [],
        headers: [TemplateField] = [],
        body: StepBody? = nil,
        webhook: WebhookSpec? = nil,
        condition: Expression? = nil,
        conditionSource: String? = nil,
        expect: Expectation = Expectation(),
        captures: [Capture] = [],
        retry: RetrySpec? = nil,
        followRedirects: Bool? = nil,
        maxRedirects: Int? = nil,
        timeout: Duration? = nil,
        location: SourceLocation
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.webhook = webhook
        self.condition = condition
        self.conditionSource = conditionSource
        self.expect = expect
        self.captures = captures
        self.retry = retry
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.timeout = timeout
        self.location = location
    }

    /// Every template the step uses, for validation.
    public var templates: [Template] {
        var out = [path]
        out += query.flatMap(\.value.templates)
        out += headers.flatMap(\.value.templates)
        out += body?.templates ?? []
        out += webhook?.templates ?? []
        out += auth?.templates ?? []
        out += expect.templates
        return out
    }
}

/// A request body.
public enum StepBody: Sendable, Hashable {
    /// `json:` — sent as application/json.
    case json(TemplateValue)
    /// `form:` — an object sent as application/x-www-form-urlencoded.
    case form(TemplateValue)
    /// `multipart:` — fields and files as multipart/form-data.
    case multipart([MultipartPart])
    /// `body:` — raw text with `content_type` (default text/plain).
    case raw(Template, contentType: String)

    public var templates: [Template] {
        switch self {
        case .json(let v), .form(let v): return v.templates
        case .multipart(let parts): return parts.flatMap { [$0.content] + ($0.filename.map { [$0] } ?? []) }
        case .raw(let t, _): return [t]
        }
    }
}

/// One part of a multipart body: a field, or a file when `filename` is set.
public struct MultipartPart: Sendable, Hashable {
    public var name: String
    public var content: Template
    public var filename: Template?
    public var contentType: String?

    public init(name: String, content: Template, filename: Template? = nil, contentType: String? = nil) {
        self.name = name
        self.content = content
        self.filename = filename
        self.contentType = contentType
    }
}

/// `auth:` — how a step authenticates. Passwords and tokens come from `{{ env.NAME }}` only.
public enum StepAuth: Sendable, Hashable {
    /// `Authorization: Basic base64(user:password)`.
    case basic(user: Template, password: Template)
    /// HTTP Digest (MD5 or SHA-256, as the server's challenge asks), answered by libcurl.
    case digest(user: Template, password: Template)
    /// `Authorization: Bearer TOKEN`.
    case bearer(Template)

    public var templates: [Template] {
        switch self {
        case .basic(let user, let password), .digest(let user, let password): return [user, password]
        case .bearer(let token): return [token]
        }
    }
}

/// How a step signs its body.
public struct WebhookSpec: Sendable, Hashable {
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        case stripe, wompi, mercadopago, hmac
    }

    public var provider: Provider
    /// The signing secret; write it as `{{ env.NAME }}`.
    public var secret: Template
    /// Wompi: the paths (under `data`) whose values the checksum covers, in order.
    public var properties: [String]
    /// MercadoPago: the notification's `data.id` (default: the body's `data.id`).
    public var dataID: Template?
    /// MercadoPago: the `x-request-id` (default: a fresh UUID).
    public var requestID: Template?
    /// Generic HMAC: the header to put the signature in (default `X-Signature`).
    public var header: String?
    /// Signing time (default: now), seconds since 1970.
    public var timestamp: Template?

    public init(
        provider: Provider,
        secret: Template,
        properties: [String] = [],
        dataID: Template? = nil,
        requestID: Template? = nil,
        header: String? = nil,
        timestamp: Template? = nil
    ) {
        self.provider = provider
        self.secret = secret
        self.properties = properties
        self.dataID = dataID
        self.requestID = requestID
        self.header = header
        self.timestamp = timestamp
    }

    var templates: [Template] { [secret] + [dataID, requestID, timestamp].compactMap { $0 } }
}

/// `retry: {until, timeout, interval}`: send the request again until the condition holds.
public struct RetrySpec: Sendable, Hashable {
    public var until: Expression
    public var untilSource: String
    /// Give up after this long.
    public var timeout: Duration
    /// Wait between attempts.
    public var interval: Duration
    /// Give up after this many attempts (nil: only the timeout bounds it).
    public var maxAttempts: Int?
    /// Where the `until:` expression starts.
    public var untilLocation: SourceLocation?

    public init(
        until: Expression,
        untilSource: String,
        timeout: Duration = .seconds(10),
        interval: Duration = .milliseconds(500),
        maxAttempts: Int? = nil
    ) {
        self.until = until
        self.untilSource = untilSource
        self.timeout = timeout
        self.interval = interval
        self.maxAttempts = maxAttempts
    }
}

/// A value to keep from a response for later steps.
public struct Capture: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A JSON path into the body, e.g. `$.results[0].id`.
        case json(JSONPath)
        /// A regular expression over the body; the capture group (default 1, or 0 without groups).
        case regex(String, group: Int?)
        /// The last value of a header.
        case header(String)
        /// Every value of a header (`{header: Link, all: true}`), as a list.
        case headerValues(String)
        case cookie(String)
        case status
        /// The whole body as text.
        case body
    }

    public var name: String
    public var source: Source
    /// When `true`, finding nothing sets the variable to null instead of erroring.
    public var optional: Bool
    public var location: SourceLocation

    public init(name: String, source: Source, optional: Bool = false, location: SourceLocation) {
        self.name = name
        self.source = source
        self.optional = optional
        self.location = location
    }
}
