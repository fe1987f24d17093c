import CCurl
import Foundation
import Synchronization

/// One request in flight: sets the easy handle's options, runs the blocking
/// perform, and collects the final response's status line, headers and capped
/// body through curl's callbacks.
///
/// The callbacks are `@convention(c)` closures; they find this object through
/// the WRITEDATA / HEADERDATA / XFERINFODATA pointers (`Unmanaged`, unretained:
/// the object outlives `perform`, and the options are reset before it returns).
final class Transfer: @unchecked Sendable {
    // Why @unchecked Sendable is safe: the mutable stored properties (`body`,
    // `bodyBytesTotal`, `headers`) are touched only by `perform(on:)` and the
    // callbacks curl invokes from inside it, all on the one executor thread that
    // runs `perform`; the response is built there too, before the continuation
    // resumes. The only state shared with other threads is `cancelFlag`, an atomic.
    let request: HTTPRequest
    private let cancelFlag = Atomic<Bool>(false)
    private let cap: Int
    private var body: [UInt8] = []
    private var bodyBytesTotal = 0
    private var headers: [HTTPHeader] = []
    /// The body went past `options.maxBody`: the write callback stopped the transfer.
    private var bodyOverLimit = false
    /// CURLOPT_ERRORBUFFER storage; curl writes a NUL-terminated message here.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// A copy of the request body (CURLOPT_POSTFIELDS does not copy it); `nil` when
    /// nothing is posted. Never a null pointer, even for an empty body.
    private let postBody: UnsafeMutableRawPointer?
    private let postBodyCount: Int

    init(_ request: HTTPRequest) {
        self.request = request
        self.cap = max(0, request.options.bodyCap)
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

    /// Asks the transfer to stop; curl aborts at its next callback. Any thread.
    func cancel() { cancelFlag.store(true, ordering: .relaxed) }

    var isCancelled: Bool { cancelFlag.load(ordering: .relaxed) }

    /// Configures `easy` from scratch, runs the request (following redirects itself, see
    /// ``Hop``) and reads the result. Blocks the calling thread: call it only on a
    /// ``CurlExecutor`` thread.
    func perform(on easy: CurlEasy) -> Result<HTTPResponse, HTTPClientError> {
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
            if options.totalTimeout > .zero {
                timeout -= clock.now - start
                if timeout <= .zero { return .failure(.fromCurl(28, detail: "Operation timed out", request: request)) }
            }
            let outcome: (code: CURLcode, response: HTTPResponse, redirectURL: String?)
            do { outcome = try performHop(hop, timeout: timeout, on: easy) } catch { return .failure(error) }
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

    /// One request of the chain: configure, perform, read. Resets the handle afterwards.
    private func performHop(
        _ hop: Hop,
        timeout: Duration,
        on easy: CurlEasy
    ) throws(HTTPClientError) -> (code: CURLcode, response: HTTPResponse, redirectURL: String?) {
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            // Drop every pointer into this object and the header list before they go away.
            easy.reset()
            ccurl_slist_free_all(headerList)
        }
        body.removeAll(keepingCapacity: true)
        bodyBytesTotal = 0
        headers.removeAll(keepingCapacity: true)
        bodyOverLimit = false
        errorBuffer[0] = 0
        easy.reset()
        try configure(easy, hop: hop, timeout: timeout, headerList: &headerList)
        let code = easy.perform()
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
        _ easy: CurlEasy,
        hop: Hop,
        timeout: Duration,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPClientError) {
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
        let context = Unmanaged.passUnretained(self).toOpaque()

        try check(easy.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer), "the error buffer")
        try check(easy.set(CURLOPT_NOSIGNAL, true), "NOSIGNAL")
        try check(easy.set(CURLOPT_URL, string: hop.url), "the URL")
        try check(easy.set(CURLOPT_PROTOCOLS_STR, string: "http,https"), "the allowed protocols")
        try check(easy.set(CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https"), "the redirect protocols")
        // Pooled connections (never cookies) through the process-wide share, or this handle's own.
        let share = options.shareConnections ? ccurl_connection_share() : nil
        try check(easy.set(CURLOPT_SHARE, pointer: share.map { UnsafeRawPointer($0) }), "the connection share")
        if share != nil { try check(easy.set(CURLOPT_MAXCONNECTS, 64), "the connection pool size") }
        // The cookie engine is on for the handle's whole life (`CurlEasy.make()`).

        // Redirects are followed by `perform(on:)`, one hop at a time (see `Hop`).
        try check(easy.set(CURLOPT_FOLLOWLOCATION, false), "FOLLOWLOCATION")
        try check(easy.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout)), "the connect timeout")
        try check(easy.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)), "the total timeout")
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

        try check(easy.set(CURLOPT_SSL_VERIFYPEER, options.verifyTLS), "TLS peer verification")
        try check(easy.set(CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0), "TLS host verification")
        if let path = options.caBundlePath {
            try check(easy.set(CURLOPT_CAINFO, string: path), "the CA bundle")
        }

        // "" = every encoding this libcurl decodes (gzip, deflate, ...).
        try check(easy.set(CURLOPT_ACCEPT_ENCODING, string: ""), "Accept-Encoding")
        headerList = buildHeaderList(hop.headers)
        try check(easy.set(CURLOPT_HTTPHEADER, pointer: headerList), "the request headers")
        // Hand-written Cookie headers join the jar's cookies on curl's one Cookie line.
        let cookies = hop.headers.filter { $0.matches("Cookie") && !$0.value.isEmpty }.map(\.value)
        if !cookies.isEmpty {
            try check(easy.set(CURLOPT_COOKIE, string: cookies.joined(separator: "; ")), "the Cookie header")
        }
        if !hop.headers.contains(where: { $0.matches("User-Agent") }) {
            try check(easy.set(CURLOPT_USERAGENT, string: "Ronda/0.1"), "the User-Agent")
        }
        try configureMethod(easy, hop: hop, check: check)

        try check(
            easy.set(
                CURLOPT_WRITEFUNCTION,
                dataCallback: { data, size, count, context in
                    guard let context else { return 0 }
                    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
                }
            ),
            "the body callback"
        )
        try check(easy.set(CURLOPT_WRITEDATA, pointer: context), "the body callback data")
        try check(
            easy.set(
                CURLOPT_HEADERFUNCTION,
                dataCallback: { data, size, count, context in
                    guard let context else { return 0 }
                    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
                }
            ),
            "the header callback"
        )
        try check(easy.set(CURLOPT_HEADERDATA, pointer: context), "the header callback data")
        try check(
            easy.set(
                CURLOPT_XFERINFOFUNCTION,
                progressCallback: { context, _, _, _, _ in
                    guard let context else { return 1 }
                    return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
                }
            ),
            "the progress callback"
        )
        try check(easy.set(CURLOPT_XFERINFODATA, pointer: context), "the progress callback data")
        try check(easy.set(CURLOPT_NOPROGRESS, false), "NOPROGRESS")
    }

    /// HEAD uses NOBODY; a body (or POST) goes through POSTFIELDS, which makes curl
    /// send POST and switch to GET on 301/302/303 like browsers; any other method
    /// is sent with CUSTOMREQUEST.
    private func configureMethod(
        _ easy: CurlEasy,
        hop: Hop,
        check: (CURLcode, String) throws(HTTPClientError) -> Void
    ) throws(HTTPClientError) {
        let method = hop.method
        if method.uppercased() == "HEAD" {
            try check(easy.set(CURLOPT_NOBODY, true), "HEAD")
            if method != "HEAD" { try check(easy.set(CURLOPT_CUSTOMREQUEST, string: method), "the method") }
            return
        }
        if let postBody, hop.sendsBody {
            try check(easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(postBodyCount)), "the body size")
            try check(easy.set(CURLOPT_POSTFIELDS, pointer: postBody), "the body")
            if method != "POST" { try check(easy.set(CURLOPT_CUSTOMREQUEST, string: method), "the method") }
        } else if method != "GET" {
            try check(easy.set(CURLOPT_CUSTOMREQUEST, string: method), "the method")
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

    // MARK: Callbacks (on the executor thread, inside perform)

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        if isCancelled { return 0 }  // aborts the transfer
        bodyBytesTotal += chunk.count
        let room = cap - body.count
        if room > 0 {
            body.append(contentsOf: chunk.prefix(room))
        }
        let limit = request.options.maxBody
        if limit > 0, bodyBytesTotal > limit {
            bodyOverLimit = true
            return 0  // aborts the transfer (CURLE_WRITE_ERROR)
        }
        return chunk.count
    }

    private func receiveHeader(_ chunk: UnsafeRawBufferPointer) -> Int {
        var line = String(decoding: chunk, as: UTF8.self)
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or 1xx): only the final one is reported.
            headers.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // obs-fold continuation line
            let more = line.trimmingCharacters(in: .whitespaces)
            headers[headers.count - 1].value += headers[headers.count - 1].value.isEmpty ? more : " " + more
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name, value))
        }
        return chunk.count
    }

    // MARK: Result

    private func response(from easy: CurlEasy, url: String) -> HTTPResponse {
        let timings = HTTPTimings(
            dns: easy.seconds(CURLINFO_NAMELOOKUP_TIME_T),
            connect: easy.seconds(CURLINFO_CONNECT_TIME_T),
            tls: easy.seconds(CURLINFO_APPCONNECT_TIME_T),
            firstByte: easy.seconds(CURLINFO_STARTTRANSFER_TIME_T),
            total: easy.seconds(CURLINFO_TOTAL_TIME_T)
        )
        var response = HTTPResponse(
            status: easy.long(CURLINFO_RESPONSE_CODE),
            headers: headers,
            body: body,
            bodyBytesTotal: bodyBytesTotal,
            bodyTruncated: bodyBytesTotal > body.count,
            effectiveURL: easy.string(CURLINFO_EFFECTIVE_URL) ?? url,
            redirectCount: easy.long(CURLINFO_REDIRECT_COUNT),
            timings: timings.ordered(),
            newConnections: easy.long(CURLINFO_NUM_CONNECTS)
        )
        if request.options.certificateInfo, let leaf = easy.certificates().first {
            response.certificate = HTTPCertificate(curlLines: leaf)
        }
        return response
    }
}
