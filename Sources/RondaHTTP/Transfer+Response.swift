import CCurl

/// What curl hands a transfer while it runs a hop (the callbacks, on the executor's thread), and
/// the response built from it afterwards.
extension Transfer {
    static let bodyCallback: ccurl_data_callback = { data, size, count, context in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let headerCallback: ccurl_data_callback = { data, size, count, context in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let progressCallback: ccurl_xferinfo_callback = { context, _, _, _, _ in
        guard let context else { return 1 }
        return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
    }

    // MARK: Callbacks (on the executor's thread, while it runs a hop)

    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
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

    /// One header line (or the status line) of a response, parsed on its bytes: no Foundation
    /// string scanning on the hot path.
    func receiveHeader(_ chunk: UnsafeRawBufferPointer) -> Int {
        var end = chunk.count
        while end > 0, chunk[end - 1] == 0x0D || chunk[end - 1] == 0x0A { end -= 1 }
        if end >= 5, chunk[0] == 0x48, chunk[1] == 0x54, chunk[2] == 0x54, chunk[3] == 0x50, chunk[4] == 0x2F {
            // "HTTP/": a new response (after a redirect or 1xx); only the final one is reported.
            headers.removeAll(keepingCapacity: true)
        } else if end > 0, chunk[0] == 0x20 || chunk[0] == 0x09, !headers.isEmpty {
            // obs-fold continuation line
            let more = Self.trimmedText(chunk, 0, end)
            let last = headers.count - 1
            headers[last].value += headers[last].value.isEmpty ? more : " " + more
        } else if let colon = chunk[0..<end].firstIndex(of: 0x3A) {
            headers.append(HTTPHeader(Self.trimmedText(chunk, 0, colon), Self.trimmedText(chunk, colon + 1, end)))
        }
        return chunk.count
    }

    /// `bytes[start..<end]` without leading and trailing spaces and tabs, as UTF-8 text.
    private static func trimmedText(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
        var lower = start
        var upper = end
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
    }

    // MARK: Result

    func response(from easy: CurlEasy, url: String) -> HTTPResponse {
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
