import CCurl
import Foundation
import Synchronization

/// One request in flight: sets the easy handle's options, has the ``CurlExecutor`` run
/// each hop, and collects the final response's status line, headers and capped body
/// through curl's callbacks.
///
/// The callbacks are `@convention(c)` closures; they find this object through
/// the WRITEDATA / HEADERDATA / XFERINFODATA pointers (`Unmanaged`, unretained:
/// the object outlives `perform`, and each hop drops the pointers before it returns).
final class Transfer: @unchecked Sendable {
    // Why @unchecked Sendable is safe: the mutable stored properties (`body`,
    // `bodyBytesTotal`, `headers`, `bodyOverLimit`) are touched by `perform(on:)` on the
    // sending task, and by the callbacks curl invokes on the executor's thread, never at the
    // same time: the task writes them before it hands the handle over (a lock, then the
    // thread's read under it) and reads them after the executor resumed its continuation,
    // which orders the thread's writes before the reads. The only state touched concurrently
    // is `cancelFlag` and `token`, both atomics.
    let request: HTTPRequest
    private let executor: CurlExecutor
    private let cancelFlag = CancelFlag()
    /// The running hop's token for ``CurlExecutor/cancel(_:)``; 0 before the first.
    private let token = Atomic<UInt64>(0)
    /// The session's own connection cache, for a request that does not share connections.
    private let ownConnections: CurlShare?
    let cap: Int
    var body: [UInt8] = []
    var bodyBytesTotal = 0
    var headers: [HTTPHeader] = []
    /// The body went past `options.maxBody`: the write callback stopped the transfer.
    var bodyOverLimit = false
    /// CURLOPT_ERRORBUFFER storage; curl writes a NUL-terminated message here.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// A copy of the request body (CURLOPT_POSTFIELDS does not copy it); `nil` when
    /// nothing is posted. Never a null pointer, even for an empty body.
    private let postBody: UnsafeMutableRawPointer?
    private let postBodyCount: Int

    init(_ request: HTTPRequest, executor: CurlExecutor, ownConnections: CurlShare?) {
        self.request = request
        self.executor = executor
        self.ownConnections = ownConnections
        self.cap = max(0, request.options.bodyCap)
        headers.reserveCapacity(12)  // one allocation for a usual response's headers
        let errorSize = max(256, ccurl_error_size())
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        let method = request.method.uppercased()
        if method != "HEAD", request.body != nil || method == "POST" {
            let bytes = request.body ?? []
            let copy = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: source.count) }
            }
            postBody = copy
            postBodyCount = bytes.count
        } else {
            postBody = nil
            postBodyCount = 0
        }
    }

    deinit {
        errorBuffer.deallocate()
        postBody?.deallocate()
    }

    /// Stops the transfer: the multi transport drops it at once, the threads transport at
    /// curl's next callback. Any thread.
    func cancel() {
        cancelFlag.set()
        let running = token.load(ordering: .sequentiallyConsistent)
        if running != 0 { executor.cancel(running) }
    }

    var isCancelled: Bool { cancelFlag.isSet }

    /// Configures the handle (what changed since its last request), runs the request (following
    /// redirects itself, see ``Hop``) and reads the result. Each hop runs on the executor; this
    /// task only suspends.
    func perform(on handle: EasyHandle) async -> Result<HTTPResponse, HTTPClientError> {
        if isCancelled { return .failure(.cancelled(request)) }
        let options = request.options
        let clock = ContinuousClock()
        let start = clock.now
        var hop = Hop(request, sendsBody: postBody != nil)
        var redirects = 0
        var elapsedBefore = 0.0
        var connections = 0
        while true {
            var timeout = options.totalTimeout
            // Later hops get what is left of the limit; the first gets it whole, so that a
            // reused handle's CURLOPT_TIMEOUT_MS stays the same from one request to the next.
            if options.totalTimeout > .zero, redirects > 0 {
                timeout -= clock.now - start
                if timeout <= .zero { return .failure(.fromCurl(28, detail: "Operation timed out", request: request)) }
            }
            let outcome: (code: CURLcode, response: HTTPResponse, redirectURL: String?)
            do { outcome = try await performHop(hop, timeout: timeout, on: handle) } catch { return .failure(error) }
            if isCancelled { return .failure(.cancelled(request, curlCode: Int(outcome.code.rawValue))) }
            if bodyOverLimit {
                var partial = outcome.response
                partial.timings = partial.timings.shifted(by: elapsedBefore)
                partial.redirectCount = redirects
                return .failure(bodyLimitError(partial))
            }
            guard outcome.code == CURLE_OK else {
                let detail = String(cString: errorBuffer)
                var error = HTTPClientError.fromCurl(Int(outcome.code.rawValue), detail: detail, request: request)
                if outcome.response.status > 0 {
                    // The response had begun (a body cut by the timeout or a reset): keep what came.
                    var partial = outcome.response
                    partial.timings = partial.timings.shifted(by: elapsedBefore)
                    partial.redirectCount = redirects
                    error.response = partial
                }
                return .failure(error)
            }
            var response = outcome.response
            connections += response.newConnections
            if options.followRedirects, Hop.redirectStatuses.contains(response.status), let next = outcome.redirectURL {
                guard redirects < max(0, options.maxRedirects) else {
                    return .failure(.fromCurl(47, detail: "", request: request))
                }
                guard Hop.isHTTP(next) else {
                    return .failure(
                        HTTPClientError(
                            code: .redirectRefused,
                            message:
                                "\(hop.url) redirected (status \(response.status)) to \(next), which is not an http or https URL; Ronda follows redirects only to http and https",
                            curlCode: 1,
                            response: response
                        )
                    )
                }
                hop = hop.following(status: response.status, to: next, origin: request.url)
                redirects += 1
                elapsedBefore += response.timings.total
                continue
            }
            response.timings = response.timings.shifted(by: elapsedBefore)
            response.redirectCount = redirects
            response.newConnections = connections
            return .success(response)
        }
    }

    /// One request of the chain: configure, perform, read. Afterwards the handle lends nothing
    /// of this object any more (a reset, or the request's pointers dropped).
    private func performHop(
        _ hop: Hop,
        timeout: Duration,
        on handle: EasyHandle
    ) async throws(HTTPClientError) -> (code: CURLcode, response: HTTPResponse, redirectURL: String?) {
        let easy = handle.easy
        // Digest state, certificate capture and a CA bundle are set on a freshly reset handle
        // and reset after, as before option reuse: rare, and harder to undo one by one.
        let full =
            request.options.digest != nil || request.options.certificateInfo || request.options.caBundlePath != nil
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            if full {
                easy.reset()
                handle.forget()
            } else {
                easy.detachRequest(postedBody: postBody != nil && hop.sendsBody)
            }
            ccurl_slist_free_all(headerList)
        }
        body.removeAll(keepingCapacity: true)
        bodyBytesTotal = 0
        headers.removeAll(keepingCapacity: true)
        bodyOverLimit = false
        errorBuffer[0] = 0
        if full {
            easy.reset()
            handle.forget()
        }
        try configure(handle, hop: hop, timeout: timeout, full: full, headerList: &headerList)
        let code = await executor.perform(easy, cancel: cancelFlag) {
            token.store($0, ordering: .sequentiallyConsistent)
        }
        return (code, response(from: easy, url: hop.url), easy.string(CURLINFO_REDIRECT_URL))
    }

    private func bodyLimitError(_ partial: HTTPResponse) -> HTTPClientError {
        let limit = request.options.maxBody
        let encoding = partial.headers.last { $0.matches("Content-Encoding") }?.value ?? ""
        let message: String
        if !encoding.isEmpty, encoding.lowercased() != "identity" {
            message =
                "the body of \(request.url) (status \(partial.status)) decompressed past \(limit) bytes (Content-Encoding: \(encoding)): stopped before it filled memory; raise defaults.max_body if such a body is expected"
        } else {
            message =
                "the body of \(request.url) (status \(partial.status)) exceeded the limit of \(limit) bytes (defaults.max_body): stopped reading; raise the limit if such a body is expected"
        }
        return HTTPClientError(code: .bodyTooLarge, message: message, curlCode: 23, response: partial)
    }

    // MARK: Options

    private func configure(
        _ handle: EasyHandle,
        hop: Hop,
        timeout: Duration,
        full: Bool,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPClientError) {
        let easy = handle.easy
        let options = request.options
        try validate()
        func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
            guard code == CURLE_OK else {
                let reason = String(cString: ccurl_easy_strerror(code))
                throw HTTPClientError(
                    code: .transport,
                    message: "could not set \(what) for \(request.url): \(reason)",
                    curlCode: Int(code.rawValue)
                )
            }
        }
        if !handle.prepared {
            try check(
                easy.prepare(body: Self.bodyCallback, header: Self.headerCallback, progress: Self.progressCallback),
                "the handle's options"
            )
            handle.prepared = true
            handle.applied = nil
        }
        // Pooled connections (never cookies): on the multi transport in the cache of the loop's
        // multi handle, which only that loop's thread touches (no lock); on the threads transport
        // through the process-wide share, whose locks every thread takes. A session's own
        // connections: its share on the multi transport, else the handle's cache.
        let pooledInMulti = options.shareConnections && executor.transport == .multi
        let share = pooledInMulti ? nil : options.shareConnections ? ccurl_connection_share() : ownConnections?.raw
        // Hand-written Cookie headers join the jar's cookies on curl's one Cookie line.
        let cookies = hop.headers.filter { $0.matches("Cookie") && !$0.value.isEmpty }.map(\.value)
        let wanted = VariedOptions(
            share: share,
            pooled: pooledInMulti || (options.shareConnections && share != nil),
            connectTimeout: Self.milliseconds(options.connectTimeout),
            timeout: Self.milliseconds(timeout),
            verifyTLS: options.verifyTLS,
            cookie: cookies.isEmpty ? nil : cookies.joined(separator: "; "),
            customRequest: Self.customRequest(hop.method, sendsBody: postBody != nil && hop.sendsBody)
        )
        if let previous = handle.applied, previous == wanted {
            // Nothing to set.
        } else {
            let previous = handle.applied
            // On failure the handle's options are unknown: set them all next time.
            handle.applied = nil
            try check(easy.apply(wanted, over: previous), "the connection, time and TLS options")
            handle.applied = wanted
        }
        if full {
            if let digest = options.digest, hop.sendsCredentials {
                try check(easy.set(CURLOPT_HTTPAUTH, 2), "Digest authentication")  // CURLAUTH_DIGEST
                try check(easy.set(CURLOPT_USERNAME, string: digest.user), "the user name")
                try check(easy.set(CURLOPT_PASSWORD, string: digest.password), "the password")
            }
            if options.certificateInfo {
                try check(easy.set(CURLOPT_CERTINFO, true), "CERTINFO")
                try check(easy.set(CURLOPT_FRESH_CONNECT, true), "a fresh connection")
                try check(easy.set(CURLOPT_SSL_SESSIONID_CACHE, false), "no TLS session resumption")
            }
            if let path = options.caBundlePath {
                try check(easy.set(CURLOPT_CAINFO, string: path), "the CA bundle")
            }
        }

        // What every request sets: the buffers and context of this transfer, URL, headers, method.
        try check(easy.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer), "the error buffer")
        try check(easy.set(CURLOPT_URL, string: hop.url), "the URL")
        headerList = buildHeaderList(hop.headers)
        try check(easy.set(CURLOPT_HTTPHEADER, pointer: headerList), "the request headers")
        try configureMethod(easy, hop: hop, check: check)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(easy.set(CURLOPT_WRITEDATA, pointer: context), "the body callback data")
        try check(easy.set(CURLOPT_HEADERDATA, pointer: context), "the header callback data")
        try check(easy.set(CURLOPT_XFERINFODATA, pointer: context), "the progress callback data")
    }

    /// CURLOPT_CUSTOMREQUEST for `method`: `nil` where curl's own choice (GET, HEAD through
    /// NOBODY, POST through POSTFIELDS) already sends it.
    static func customRequest(_ method: String, sendsBody: Bool) -> String? {
        if method.uppercased() == "HEAD" { return method == "HEAD" ? nil : method }
        if sendsBody { return method == "POST" ? nil : method }
        return method == "GET" ? nil : method
    }

    /// HEAD uses NOBODY; a body (or POST) goes through POSTFIELDS, which makes curl
    /// send POST and switch to GET on 301/302/303 like browsers; any other method
    /// is sent with CUSTOMREQUEST (set with the varied options). HTTPGET first undoes
    /// the previous request's method on a reused handle.
    private func configureMethod(
        _ easy: CurlEasy,
        hop: Hop,
        check: (CURLcode, String) throws(HTTPClientError) -> Void
    ) throws(HTTPClientError) {
        try check(easy.set(CURLOPT_HTTPGET, true), "the method")
        if hop.method.uppercased() == "HEAD" {
            try check(easy.set(CURLOPT_NOBODY, true), "HEAD")
        } else if let postBody, hop.sendsBody {
            try check(easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(postBodyCount)), "the body size")
            try check(easy.set(CURLOPT_POSTFIELDS, pointer: postBody), "the body")
        }
    }

    private func buildHeaderList(_ headers: [HTTPHeader]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers where !header.matches("Cookie") {
            // curl drops "Name:" and sends "Name;" as an empty header.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            list = ccurl_slist_append(list, line)
        }
        if !headers.contains(where: { $0.matches("Expect") }) {
            list = ccurl_slist_append(list, "Expect:")  // no 100-continue round trip
        }
        return list
    }

    private func validate() throws(HTTPClientError) {
        if request.url.utf8.contains(where: { $0 < 0x21 || $0 == 0x7F }) {
            throw HTTPClientError(
                code: .invalidURL,
                message: "\(request.url.debugDescription) is not a valid URL: it contains spaces or control characters",
                curlCode: 3
            )
        }
        if request.method.isEmpty || !request.method.utf8.allSatisfy(Self.isTokenByte) {
            throw HTTPClientError(
                code: .invalidRequest,
                message: "\(request.method.debugDescription) is not a valid HTTP method for \(request.url)"
            )
        }
        for header in request.headers {
            let nameOK = !header.name.isEmpty && header.name.utf8.allSatisfy(Self.isTokenByte)
            let valueOK = !header.value.utf8.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D }
            if !nameOK || !valueOK {
                throw HTTPClientError(
                    code: .invalidRequest,
                    message:
                        "header \(header.name.debugDescription) for \(request.url) has characters HTTP does not allow (empty name, separators, CR, LF or NUL)"
                )
            }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A limit in curl's milliseconds: at least 1 for a positive duration, at most `Int32.max`;
    /// `0` (no limit) for zero or less.
    static func milliseconds(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64(Int32.max) / 1_000 else { return Int(Int32.max) }
        return max(1, Int(seconds * 1_000 + attoseconds / 1_000_000_000_000_000))
    }
}
