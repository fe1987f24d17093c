import CCurl
import Foundation

/// A session's easy handle with what is known of its options, so that a request sets only the
/// options that changed since the previous one instead of `curl_easy_reset` and ~25 `setopt`
/// calls (string options are copied by curl, so each costs an allocation).
///
/// Handles are pooled by ``CurlExecutor`` on the multi transport: a closed session's handle,
/// its cookies cleared, serves the next session without `curl_easy_init`.
final class EasyHandle: @unchecked Sendable {
    // Why @unchecked Sendable is safe: the mutable state is touched only by the session that
    // holds the handle, under its one-request-at-a-time gate (or by the pool, under its lock,
    // when no session holds it); the gate's and the pool's locks order every access.
    let easy: CurlEasy
    /// The options set once for the handle's life (callbacks, protocols, encodings, …) are set.
    var prepared = false
    /// The options that vary between requests, as last set; `nil` when unknown (after a reset).
    var applied: VariedOptions?

    init(_ easy: CurlEasy) {
        self.easy = easy
    }

    /// Forgets what was set (after `curl_easy_reset`).
    func forget() {
        prepared = false
        applied = nil
    }
}

/// The options a request may change on a prepared handle, compared with the previous request's.
struct VariedOptions: Equatable {
    var share: UnsafeMutableRawPointer?
    var pooled: Bool
    var connectTimeout: Int
    var timeout: Int
    var verifyTLS: Bool
    var cookie: String?
    var customRequest: String?
}

extension CurlEasy {
    /// The options every request of a prepared handle shares, set once: no signals, http(s) only,
    /// redirects followed by Ronda (``Hop``), every encoding curl decodes, the default
    /// User-Agent (a request's own `User-Agent` header replaces it), the callbacks, and
    /// sockets closed on exec.
    func prepare(
        body: ccurl_data_callback,
        header: ccurl_data_callback,
        progress: ccurl_xferinfo_callback
    ) -> CURLcode {
        var codes = [
            set(CURLOPT_NOSIGNAL, true),
            set(CURLOPT_PROTOCOLS_STR, string: "http,https"),
            set(CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https"),
            set(CURLOPT_FOLLOWLOCATION, false),
            // "" = every encoding this libcurl decodes (gzip, deflate, ...).
            set(CURLOPT_ACCEPT_ENCODING, string: ""),
            set(CURLOPT_USERAGENT, string: "Ronda/0.1"),
            set(CURLOPT_WRITEFUNCTION, dataCallback: body),
            set(CURLOPT_HEADERFUNCTION, dataCallback: header),
            set(CURLOPT_XFERINFOFUNCTION, progressCallback: progress),
            set(CURLOPT_NOPROGRESS, false),
            // Connections are not inherited by processes Ronda (or a test) starts.
            ccurl_setopt_socket_hooks(raw),
        ]
        if !ProxyVariables.inProcess {
            // No proxy variable is set: say so once ("*": no host goes through a proxy), so curl
            // does not read `no_proxy`, `http_proxy`, … from the environment for every request.
            codes.append(set(CURLOPT_NOPROXY, string: "*"))
        }
        return codes.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    /// Sets the options of `wanted` that differ from `previous` (all of them when it is `nil`).
    func apply(_ wanted: VariedOptions, over previous: VariedOptions?) -> CURLcode {
        var codes: [CURLcode] = []
        if previous?.share != wanted.share || previous?.pooled != wanted.pooled {
            codes.append(set(CURLOPT_SHARE, pointer: wanted.share.map { UnsafeRawPointer($0) }))
            // 0 is curl's default pool size for a handle's own cache.
            codes.append(set(CURLOPT_MAXCONNECTS, wanted.pooled ? 64 : 0))
        }
        if previous?.connectTimeout != wanted.connectTimeout {
            codes.append(set(CURLOPT_CONNECTTIMEOUT_MS, wanted.connectTimeout))
        }
        if previous?.timeout != wanted.timeout { codes.append(set(CURLOPT_TIMEOUT_MS, wanted.timeout)) }
        if previous?.verifyTLS != wanted.verifyTLS {
            codes.append(set(CURLOPT_SSL_VERIFYPEER, wanted.verifyTLS))
            codes.append(set(CURLOPT_SSL_VERIFYHOST, wanted.verifyTLS ? 2 : 0))
        }
        if previous == nil || previous?.cookie != wanted.cookie {
            codes.append(set(CURLOPT_COOKIE, optionalString: wanted.cookie))
        }
        if previous == nil || previous?.customRequest != wanted.customRequest {
            codes.append(set(CURLOPT_CUSTOMREQUEST, optionalString: wanted.customRequest))
        }
        return codes.first { $0 != CURLE_OK } ?? CURLE_OK
    }

    /// A string option, or NULL (curl's default) for `nil`.
    func set(_ option: CURLoption, optionalString value: String?) -> CURLcode {
        guard let value else { return set(option, pointer: nil) }
        return set(option, string: value)
    }

    /// Drops the pointers a request lent the handle (its header list, error buffer, body and
    /// callback context), which are freed once the request ends.
    func detachRequest(postedBody: Bool) {
        _ = set(CURLOPT_HTTPHEADER, pointer: nil)
        _ = set(CURLOPT_ERRORBUFFER, pointer: nil)
        if postedBody { _ = set(CURLOPT_POSTFIELDS, pointer: nil) }
        _ = set(CURLOPT_WRITEDATA, pointer: nil)
        _ = set(CURLOPT_HEADERDATA, pointer: nil)
        _ = set(CURLOPT_XFERINFODATA, pointer: nil)
    }
}

/// Whether the environment names an HTTP proxy for libcurl (`http_proxy`, `https_proxy`,
/// `all_proxy`, `no_proxy`, in either case as curl reads them).
///
/// With none set, prepared handles tell curl "no proxy for any host" once, and curl skips the
/// five `getenv` calls it makes for every request; with any set, curl reads them as usual.
enum ProxyVariables {
    /// The process's environment, read once (on the first request).
    static let inProcess = present(in: ProcessInfo.processInfo.environment)

    /// `true` when any variable whose name ends in `_proxy` (any case) has a value.
    static func present(in environment: [String: String]) -> Bool {
        environment.contains { name, value in !value.isEmpty && name.lowercased().hasSuffix("_proxy") }
    }
}
