public import Foundation

/// One cookie in a session's jar, as curl's cookie engine keeps it.
public struct HTTPCookie: Sendable, Hashable {
    /// The cookie name.
    public var name: String
    /// The cookie value.
    public var value: String
    /// The domain it is sent to, without a leading dot (e.g. `127.0.0.1`, `example.com`).
    public var domain: String
    /// The path prefix it is sent for.
    public var path: String
    /// Sent only over HTTPS.
    public var secure: Bool
    /// Marked HttpOnly by the server.
    public var httpOnly: Bool
    /// When it expires; `nil` for a session cookie.
    public var expires: Date?

    /// Creates a cookie.
    public init(
        name: String,
        value: String,
        domain: String,
        path: String = "/",
        secure: Bool = false,
        httpOnly: Bool = false,
        expires: Date? = nil
    ) {
        self.name = name
        self.value = value
        self.domain = domain
        self.path = path
        self.secure = secure
        self.httpOnly = httpOnly
        self.expires = expires
    }

    /// Parses one line of CURLINFO_COOKIELIST (Netscape cookie-file format):
    /// `domain \t includeSubdomains \t path \t secure \t expires \t name \t value`,
    /// where the domain carries a `#HttpOnly_` prefix for HttpOnly cookies.
    init?(netscapeLine line: String) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 6 else { return nil }
        var domain = fields[0]
        var httpOnly = false
        if domain.hasPrefix("#HttpOnly_") {
            httpOnly = true
            domain.removeFirst("#HttpOnly_".count)
        }
        if domain.hasPrefix(".") { domain.removeFirst() }
        let expiry = Int64(fields[4]) ?? 0
        self.init(
            name: fields[5],
            value: fields.count > 6 ? fields[6...].joined(separator: "\t") : "",
            domain: domain,
            path: fields[2],
            secure: fields[3].uppercased() == "TRUE",
            httpOnly: httpOnly,
            expires: expiry == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(expiry))
        )
    }
}
