import CCurl

/// A libcurl easy handle with typed `setopt` / `getinfo` over the CCurl shims.
///
/// A thin value around the `CURL *` pointer; it owns nothing by itself —
/// ``HTTPSession`` creates one with ``make()`` and calls ``cleanup()`` exactly once.
struct CurlEasy: @unchecked Sendable {
    // Why @unchecked Sendable is safe: this is only a pointer value. The handle it
    // points to is used by one thread at a time because the only owner,
    // HTTPSession, lends it out solely while holding its one-request-at-a-time
    // gate, and frees it only when no request holds the gate.
    let raw: UnsafeMutableRawPointer

    /// Initializes libcurl once per process, then creates a handle; `nil` if curl cannot.
    ///
    /// The cookie engine is switched on here, once for the handle's life, by handing curl an
    /// empty `Set-Cookie:` line (CURLOPT_COOKIELIST starts the engine and adds nothing). Not
    /// with CURLOPT_COOKIEFILE "": libcurl 7.88 keeps every name given to it in a list that
    /// neither `curl_easy_reset` nor `curl_easy_cleanup` frees, so enabling it per request
    /// leaked 64 bytes a request, 40 MB an hour for a busy worker (docs/performance.md). The
    /// jar itself (`data->cookies`) survives `curl_easy_reset`.
    static func make() -> CurlEasy? {
        guard ccurl_global_init_once() == CURLE_OK, let raw = ccurl_easy_init() else { return nil }
        let easy = CurlEasy(raw: raw)
        guard easy.set(CURLOPT_COOKIELIST, string: "Set-Cookie:") == CURLE_OK else {
            easy.cleanup()
            return nil
        }
        return easy
    }

    /// Resets every option to its default; keeps cookies, live connections and caches.
    func reset() { ccurl_easy_reset(raw) }

    /// Runs the transfer configured by the options; blocks the calling thread until it ends.
    func perform() -> CURLcode { ccurl_easy_perform(raw) }

    /// Frees the handle, closing its connections. The value must not be used afterwards.
    func cleanup() { ccurl_easy_cleanup(raw) }

    // MARK: setopt

    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        ccurl_setopt_long(raw, option, value)
    }

    func set(_ option: CURLoption, _ value: Bool) -> CURLcode {
        ccurl_setopt_long(raw, option, value ? 1 : 0)
    }

    /// Sets a string option; curl copies the string (all string options but POSTFIELDS).
    func set(_ option: CURLoption, string value: String) -> CURLcode {
        value.withCString { ccurl_setopt_pointer(raw, option, $0) }
    }

    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) -> CURLcode {
        ccurl_setopt_pointer(raw, option, value)
    }

    func set(_ option: CURLoption, offset value: curl_off_t) -> CURLcode {
        ccurl_setopt_off(raw, option, value)
    }

    func set(_ option: CURLoption, dataCallback: ccurl_data_callback) -> CURLcode {
        ccurl_setopt_data_callback(raw, option, dataCallback)
    }

    func set(_ option: CURLoption, progressCallback: ccurl_xferinfo_callback) -> CURLcode {
        ccurl_setopt_xferinfo_callback(raw, option, progressCallback)
    }

    // MARK: getinfo

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    /// A *_TIME_T value (microseconds) in seconds.
    func seconds(_ info: CURLINFO) -> Double {
        var value: curl_off_t = 0
        return ccurl_getinfo_off(raw, info, &value) == CURLE_OK ? Double(value) / 1_000_000 : 0
    }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>? = nil
        guard ccurl_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    func stringList(_ info: CURLINFO) -> [String] {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        guard ccurl_getinfo_slist(raw, info, &list) == CURLE_OK else { return [] }
        defer { ccurl_slist_free_all(list) }
        var lines: [String] = []
        var node = list
        while let current = node {
            if let data = current.pointee.data { lines.append(String(cString: data)) }
            node = current.pointee.next
        }
        return lines
    }
}

extension CurlEasy {
    /// CURLINFO_CERTINFO: for each certificate of the chain (leaf first), its `Name:value` lines.
    func certificates() -> [[String]] {
        var info: UnsafeMutablePointer<curl_certinfo>? = nil
        guard ccurl_getinfo_certinfo(raw, &info) == CURLE_OK, let info, let lists = info.pointee.certinfo else {
            return []
        }
        var out: [[String]] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var lines: [String] = []
            var node = lists[index]
            while let current = node {
                if let data = current.pointee.data { lines.append(String(cString: data)) }
                node = current.pointee.next
            }
            out.append(lines)
        }
        return out
    }
}

/// A libcurl share handle (a `CURLSH *`) holding one session's own connection cache.
///
/// On the multi transport an easy handle without a connection share would keep its
/// connections in the multi handle's cache, where every other session on that loop could
/// reuse them; a session that does not pool connections (`shareConnections == false`) gets
/// this instead, so its connections stay its own, as with `curl_easy_perform`.
struct CurlShare: @unchecked Sendable {
    // Why @unchecked Sendable is safe: a pointer value, used like the session's easy handle:
    // only while the session's one-request-at-a-time gate is held, and freed once, after the
    // handle that uses it.
    let raw: UnsafeMutableRawPointer

    /// A new share with a connection cache only; `nil` if curl cannot make one.
    static func makePrivate() -> CurlShare? {
        ccurl_private_share().map(CurlShare.init(raw:))
    }

    /// Frees the share and closes its connections. Call after every handle using it was freed.
    func free() { ccurl_share_free(raw) }
}
