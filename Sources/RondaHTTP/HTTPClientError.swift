public import RondaCore

/// Why a request produced no response.
///
/// The ``code`` says what kind of failure it was (switch on it, or compare with
/// `==`); the ``message`` says what happened to which URL in a sentence a
/// person can act on; ``curlCode`` keeps libcurl's own number for debugging.
public struct HTTPClientError: RondaError {
    /// What kind of failure this is (`HTTPClientError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<HTTPClientError>

    /// The kind of failure.
    public internal(set) var code: ErrorCode<HTTPClientError>
    /// What happened, naming the URL and the limit involved.
    public internal(set) var message: String
    /// libcurl's `CURLcode`, or 0 when the failure did not come from curl.
    public internal(set) var curlCode: Int
    /// What was received before the failure (status, headers, timings, the kept body), when
    /// the response had started: always for ``Code/bodyTooLarge``, and for a timeout or a
    /// broken connection in the middle of a body.
    public internal(set) var response: HTTPResponse?

    /// Creates an error.
    init(code: ErrorCode<HTTPClientError>, message: String, curlCode: Int = 0, response: HTTPResponse? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.response = response
    }
}

extension ErrorCode where Owner == HTTPClientError {
    /// The connect timeout or the total timeout ran out.
    public static var timeout: Self { Self("timeout") }
    /// The server could not be reached (refused, unreachable).
    public static var connectFailed: Self { Self("connectFailed") }
    /// The host name could not be resolved.
    public static var dns: Self { Self("dns") }
    /// The TLS handshake or certificate verification failed.
    public static var tls: Self { Self("tls") }
    /// More redirects than ``HTTPRequestOptions/maxRedirects`` (often a loop).
    public static var tooManyRedirects: Self { Self("tooManyRedirects") }
    /// The URL is malformed or its scheme is not http/https.
    public static var invalidURL: Self { Self("invalidURL") }
    /// The request itself cannot be sent: a header or method with invalid characters.
    public static var invalidRequest: Self { Self("invalidRequest") }
    /// The body's Content-Encoding could not be decoded.
    public static var decoding: Self { Self("decoding") }
    /// The calling task was cancelled, or the session was closed.
    public static var cancelled: Self { Self("cancelled") }
    /// The body went past ``HTTPRequestOptions/maxBody`` (decoded bytes); the error
    /// carries what was received in ``HTTPClientError/response``.
    public static var bodyTooLarge: Self { Self("bodyTooLarge") }
    /// The server answered with something that is not HTTP, or a malformed HTTP response.
    public static var notHTTP: Self { Self("notHTTP") }
    /// A redirect pointed to a URL Ronda does not follow (not http or https).
    public static var redirectRefused: Self { Self("redirectRefused") }
    /// The response's header block went past libcurl's limit.
    public static var headerTooLarge: Self { Self("headerTooLarge") }
    /// Any other transport failure (connection reset, malformed response, ...).
    public static var transport: Self { Self("transport") }
}
