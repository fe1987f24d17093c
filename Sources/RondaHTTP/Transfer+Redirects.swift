import Foundation

/// One request of a redirect chain: what `Transfer` sends to which URL.
///
/// Ronda follows redirects itself rather than through CURLOPT_FOLLOWLOCATION, so that the
/// method and body follow RFC 9110 §15.4 as browsers do:
/// - 303 See Other: the next request is a GET (HEAD stays HEAD) with no body and no
///   `Content-*` headers, whatever the method was (PUT, PATCH, DELETE, POST, ...);
/// - 301 and 302: a POST becomes a GET the same way; every other method is kept, with its body;
/// - 307 and 308: method and body are kept.
/// A redirect to another origin (scheme, host or port) drops `Authorization`,
/// `Proxy-Authorization` and `Cookie` headers and the Digest credentials (the jar's cookies
/// still go wherever their domain matches); a redirect to a scheme other than http(s) is refused.
struct Hop {
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    var method: String
    var url: String
    var headers: [HTTPHeader]
    /// Whether the request body (if any) is sent on this hop.
    var sendsBody: Bool
    /// Whether credentials (Digest) may be sent: this hop is on the request's own origin.
    var sendsCredentials = true

    init(_ request: HTTPRequest, sendsBody: Bool) {
        method = request.method
        url = request.url
        headers = request.headers
        self.sendsBody = sendsBody
    }

    /// The hop that follows a `status` redirect to `next`; `origin` is the first request's URL.
    func following(status: Int, to next: String, origin: String) -> Hop {
        var hop = self
        hop.url = next
        let upper = method.uppercased()
        let becomesGet = upper != "HEAD" && (status == 303 || ((status == 301 || status == 302) && upper == "POST"))
        if becomesGet {
            hop.method = "GET"
            hop.sendsBody = false
            hop.headers.removeAll { $0.name.lowercased().hasPrefix("content-") || $0.matches("Transfer-Encoding") }
        }
        if Self.origin(of: next) != Self.origin(of: origin) {
            hop.sendsCredentials = false
            hop.headers.removeAll {
                $0.matches("Authorization") || $0.matches("Proxy-Authorization") || $0.matches("Cookie")
            }
        }
        return hop
    }

    /// Whether `url` is an http or https URL.
    static func isHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// `scheme://host:port`, lower-cased, with the default port made explicit and any user info dropped.
    static func origin(of url: String) -> String {
        let lower = url.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return lower }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        var authority = lower[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // The port follows the host; an IPv6 host is bracketed and has colons of its own.
        let afterHost = authority.lastIndex(of: "]").map { authority[authority.index(after: $0)...] } ?? authority
        let hasPort = afterHost.contains(":")
        let port = hasPort ? "" : (scheme == "https" ? ":443" : ":80")
        return scheme + "://" + authority + port
    }
}

extension HTTPTimings {
    /// The timings moved later by `offset` seconds (the time earlier hops of a redirect chain took).
    func shifted(by offset: Double) -> HTTPTimings {
        guard offset > 0 else { return self }
        return HTTPTimings(
            dns: dns + offset,
            connect: connect + offset,
            tls: tls + offset,
            firstByte: firstByte + offset,
            total: total + offset
        )
    }
}
