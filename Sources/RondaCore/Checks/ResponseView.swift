import Foundation

/// What checks and captures see of a response: independent of the HTTP client.
public struct ResponseView: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The kept part of the body (it may be capped).
    public var body: [UInt8]
    /// Response time in seconds.
    public var duration: Double
    /// Cookies in the session's jar after this response, by name.
    public var cookies: [String: String]
    /// The body as text (invalid UTF-8 replaced).
    public let text: String
    /// The body as JSON, or `nil` when it is not JSON.
    public let json: JSONValue?
    /// The nesting the JSON parser allows (`defaults.json_max_depth`).
    public let jsonMaxDepth: Int
    /// The body is JSON nested deeper than ``jsonMaxDepth`` (so ``json`` is `nil`).
    public let jsonTooDeep: Bool
    /// The server certificate of an https response, when a `tls:` check asked for it.
    public var certificate: CertificateView?

    /// What `expect: { tls: … }` checks of the server certificate.
    public struct CertificateView: Sendable, Hashable {
        public var subject: String
        public var issuer: String
        /// End of validity, seconds since 1970; `nil` if unknown.
        public var notAfter: Double?

        public init(subject: String, issuer: String, notAfter: Double?) {
            self.subject = subject
            self.issuer = issuer
            self.notAfter = notAfter
        }
    }

    public init(
        status: Int,
        headers: [(name: String, value: String)],
        body: [UInt8],
        duration: Double,
        cookies: [String: String] = [:],
        jsonMaxDepth: Int = JSONValue.defaultMaxDepth,
        certificate: CertificateView? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
        self.cookies = cookies
        self.text = String(decoding: body, as: UTF8.self)
        let parsed = JSONValue.parse(body, maxDepth: jsonMaxDepth)
        self.json = parsed.value
        self.jsonTooDeep = parsed.tooDeep
        self.jsonMaxDepth = jsonMaxDepth
        self.certificate = certificate
    }

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of a header (each field line), by case-insensitive name, in order.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// A header as `headers['name']` shows it: the field lines joined with ", " (RFC 9110 §5.3),
    /// except `set-cookie`, whose lines cannot be joined: a list of them.
    static func headerVariable(_ name: String, _ values: [String]) -> JSONValue {
        if name == "set-cookie" { return .array(values.map(JSONValue.string)) }
        return .string(values.joined(separator: ", "))
    }

    /// Variables that `retry.until` and `that:` conditions see: status, body, json, headers (lower-cased
    /// names; a repeated header's values joined with ", ", `set-cookie` a list), duration (ms).
    public var variables: [String: JSONValue] {
        var grouped: [String: [String]] = [:]
        for (name, value) in headers { grouped[name.lowercased(), default: []].append(value) }
        var headerObject: [String: JSONValue] = [:]
        for (name, values) in grouped { headerObject[name] = Self.headerVariable(name, values) }
        return [
            "status": .int(status),
            "body": .string(text),
            "json": json ?? .null,
            "headers": .object(headerObject),
            "duration": .double(duration * 1000),
        ]
    }
}
