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

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], duration: Double, cookies: [String: String] = [:]) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
        self.cookies = cookies
        self.text = String(decoding: body, as: UTF8.self)
        self.json = JSONValue.parse(body)
    }

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Variables that `retry.until` and `that:` conditions see: status, body, json, headers (lower-cased names), duration (ms).
    public var variables: [String: JSONValue] {
        var headerObject: [String: JSONValue] = [:]
        for (name, value) in headers { headerObject[name.lowercased()] = .string(value) }
        return [
            "status": .int(status),
            "body": .string(text),
            "json": json ?? .null,
            "headers": .object(headerObject),
            "duration": .double(duration * 1000),
        ]
    }
}
