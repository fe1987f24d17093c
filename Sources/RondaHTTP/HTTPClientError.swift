/// Why a request produced no response.
///
/// The ``code`` says what kind of failure it was (switch on it, or compare with
/// `==`); the ``message`` says what happened to which URL in a sentence a
/// person can act on; ``curlCode`` keeps libcurl's own number for debugging.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. An open set of values: new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The connect timeout or the total timeout ran out.
        public static let timeout = Code("timeout")
        /// The server could not be reached (refused, unreachable).
        public static let connectFailed = Code("connectFailed")
        /// The host name could not be resolved.
        public static let dns = Code("dns")
        /// The TLS handshake or certificate verification failed.
        public static let tls = Code("tls")
        /// More redirects than ``HTTPRequestOptions/maxRedirects`` (often a loop).
        public static let tooManyRedirects = Code("tooManyRedirects")
        /// The URL is malformed or its scheme is not http/https.
        public static let invalidURL = Code("invalidURL")
        /// The request itself cannot be sent: a header or method with invalid characters.
        public static let invalidRequest = Code("invalidRequest")
        /// The body's Content-Encoding could not be decoded.
        public static let decoding = Code("decoding")
        /// The calling task was cancelled, or the session was closed.
        public static let cancelled = Code("cancelled")
        /// The body went past ``HTTPRequestOptions/maxBody`` (decoded bytes); the error
        /// carries what was received in ``HTTPClientError/response``.
        public static let bodyTooLarge = Code("bodyTooLarge")
        /// The server answered with something that is not HTTP, or a malformed HTTP response.
        public static let notHTTP = Code("notHTTP")
        /// A redirect pointed to a URL Ronda does not follow (not http or https).
        public static let redirectRefused = Code("redirectRefused")
        /// The response's header block went past libcurl's limit.
        public static let headerTooLarge = Code("headerTooLarge")
        /// Any other transport failure (connection reset, malformed response, ...).
        public static let transport = Code("transport")

        /// The code's name, e.g. `timeout`.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the URL and the limit involved.
    public var message: String
    /// libcurl's `CURLcode`, or 0 when the failure did not come from curl.
    public var curlCode: Int
    /// What was received before the failure (status, headers, timings, the kept body), when
    /// the response had started: always for ``Code/bodyTooLarge``, and for a timeout or a
    /// broken connection in the middle of a body.
    public var response: HTTPResponse?

    /// Creates an error.
    public init(code: Code, message: String, curlCode: Int = 0, response: HTTPResponse? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.response = response
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
