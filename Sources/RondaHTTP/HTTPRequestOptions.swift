/// Per-request transport settings: redirects, time limits, TLS and how much
/// of the response body is kept.
public struct HTTPRequestOptions: Sendable, Hashable {
    /// Follow `Location` on 3xx responses. When `false`, the 3xx response itself is returned.
    public var followRedirects: Bool = true
    /// Redirects followed before the request fails with ``HTTPClientError/Code/tooManyRedirects``.
    public var maxRedirects: Int = 10
    /// Time allowed to establish the connection (DNS, TCP and TLS). Zero or less means curl's default (300 s).
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed for the whole request, redirects included. Zero or less means no limit.
    public var totalTimeout: Duration = .seconds(30)
    /// Verify the server's certificate chain and host name. Turn off only for test servers with self-signed certificates.
    public var verifyTLS: Bool = true
    /// A PEM file of CA certificates to trust instead of the system bundle.
    public var caBundlePath: String? = nil
    /// Bytes of the decoded response body kept in ``HTTPResponse/body``. The rest is read,
    /// counted in ``HTTPResponse/bodyBytesTotal`` and dropped, so a huge body costs no memory.
    public var bodyCap: Int = 1 << 20
    /// Pool connections and the DNS cache with every other session that sets this (cookies stay
    /// per session): on the multi transport with the sessions whose requests run on the same
    /// event loop (each loop keeps its own, so no lock is shared between loops); on the threads
    /// transport process-wide, TLS sessions too. Saves a TCP and TLS handshake per session;
    /// timings of a reused connection show a connect time of about zero.
    public var shareConnections: Bool = false
    /// Decoded response bytes read before the request fails with
    /// ``HTTPClientError/Code/bodyTooLarge`` (the error keeps the status, headers, timings and
    /// the first ``bodyCap`` bytes). Bounds an endless body and a small gzip that inflates to
    /// gigabytes alike. `0` or less means no limit.
    public var maxBody: Int = 32 << 20
    /// Credentials libcurl answers an HTTP Digest challenge with (MD5 or SHA-256). They are
    /// sent only to the origin of the request URL, never after a redirect to another origin.
    public var digest: HTTPCredentials? = nil
    /// Read the server certificate (``HTTPResponse/certificate``) of an https request. Opens a
    /// fresh connection without TLS session resumption, so that the handshake shows the certificate.
    public var certificateInfo: Bool = false

    /// Creates options; every argument has the default documented on its property.
    public init(
        followRedirects: Bool = true,
        maxRedirects: Int = 10,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        verifyTLS: Bool = true,
        caBundlePath: String? = nil,
        bodyCap: Int = 1 << 20
    ) {
        self.followRedirects = followRedirects
        self.maxRedirects = maxRedirects
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.verifyTLS = verifyTLS
        self.caBundlePath = caBundlePath
        self.bodyCap = bodyCap
    }
}
