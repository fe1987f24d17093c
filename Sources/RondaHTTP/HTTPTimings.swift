/// When each phase of a request ended, in seconds from the start of the request.
///
/// These are curl's NAMELOOKUP, CONNECT, APPCONNECT, STARTTRANSFER and TOTAL
/// times. They are cumulative, so `dns <= connect <= tls <= firstByte <= total`
/// always holds: a phase that did not happen (no TLS on plain HTTP, no DNS or
/// connect on a reused connection) ends when the phase before it ended.
public struct HTTPTimings: Sendable, Hashable {
    /// End of the host name lookup.
    public var dns: Double
    /// End of the TCP connect.
    public var connect: Double
    /// End of the TLS handshake (equals `connect` for plain HTTP).
    public var tls: Double
    /// First response byte received (time to first byte).
    public var firstByte: Double
    /// The whole request, redirects included.
    public var total: Double

    /// Creates timings; values are seconds from the start of the request.
    public init(dns: Double, connect: Double, tls: Double, firstByte: Double, total: Double) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }

    /// Timings made cumulative: each phase ends no earlier than the one before it.
    func ordered() -> HTTPTimings {
        let dns = max(0, dns)
        let connect = max(dns, connect)
        let tls = max(connect, tls)
        let firstByte = max(tls, firstByte)
        return HTTPTimings(dns: dns, connect: connect, tls: tls, firstByte: firstByte, total: max(firstByte, total))
    }
}
