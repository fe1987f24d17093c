/// A request to send with ``HTTPSession/send(_:)``.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`, `POST`, `HEAD`, `PATCH`. Sent as written.
    public var method: String
    /// An absolute `http://` or `https://` URL, query string included.
    public var url: String
    /// Headers sent in this order. A `User-Agent` here replaces the default `Ronda/0.1`;
    /// an empty value sends the header with no value.
    public var headers: [HTTPHeader]
    /// The request body, sent as is (set `Content-Type` yourself). `nil` sends none.
    public var body: [UInt8]?
    /// Redirects, time limits, TLS and body cap for this request.
    public var options: HTTPRequestOptions

    /// Creates a request.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        options: HTTPRequestOptions = .init()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.options = options
    }
}
