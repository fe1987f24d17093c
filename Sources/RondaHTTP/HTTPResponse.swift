/// The final response to an ``HTTPRequest``, after any redirects were followed.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Headers of the final response only (not of redirects or `100 Continue`), in order.
    public var headers: [HTTPHeader]
    /// The decoded body (gzip/deflate undone), at most ``HTTPRequestOptions/bodyCap`` bytes.
    public var body: [UInt8]
    /// How many decoded body bytes the server sent, kept or not.
    public var bodyBytesTotal: Int
    /// Whether bytes were dropped because of the body cap.
    public var bodyTruncated: Bool
    /// The URL of the final response.
    public var effectiveURL: String
    /// How many redirects were followed.
    public var redirectCount: Int
    /// When each phase of the request ended.
    public var timings: HTTPTimings
    /// Connections opened for this request: 0 when a kept-alive connection was reused.
    public var newConnections: Int
    /// The server's leaf certificate, when ``HTTPRequestOptions/certificateInfo`` asked for it
    /// on an https request.
    public var certificate: HTTPCertificate? = nil

    /// Creates a response (for tests and fakes; ``HTTPSession`` builds real ones).
    public init(
        status: Int,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        bodyBytesTotal: Int? = nil,
        bodyTruncated: Bool = false,
        effectiveURL: String,
        redirectCount: Int = 0,
        timings: HTTPTimings = HTTPTimings(dns: 0, connect: 0, tls: 0, firstByte: 0, total: 0),
        newConnections: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyBytesTotal = bodyBytesTotal ?? body.count
        self.bodyTruncated = bodyTruncated
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
        self.timings = timings
        self.newConnections = newConnections
    }

    /// The value of the last header called `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.last { $0.matches(name) }?.value
    }

    /// The values of every header called `named` (case-insensitive), in order.
    public func headers(named: String) -> [String] {
        headers.filter { $0.matches(named) }.map(\.value)
    }

    /// The body decoded as UTF-8, invalid sequences replaced by U+FFFD.
    public var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}
