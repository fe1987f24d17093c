import Foundation
import RondaCore
import RondaHTTP

/// What every HTTP channel shares: one POST (or GET) bounded by the channel's timeout, the
/// `User-Agent` and `Idempotency-Key` headers, and the translation of what went wrong into a
/// ``DeliveryError`` that names the host but never the secret parts of the URL.
struct HTTPDelivery: Sendable {
    /// `slack channel "ops"`: how messages name the channel.
    let label: String
    let timeout: Duration
    let caBundle: String?
    /// The configuration's extra headers, sent after Ronda's own.
    let headers: [HTTPHeader]
    /// Texts that must never show in a message (URL path and query, secrets, passwords).
    let secrets: [String]

    init(config: AlertChannelConfig, secrets: [String]) {
        self.label = "\(config.kind.rawValue) channel \"\(config.name)\""
        self.timeout = config.timeout
        self.caBundle = config.caBundle
        self.headers = config.headers.map { HTTPHeader($0.key, $0.value) }
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// Sends one request; a 2xx answer is success, anything else a ``DeliveryError``.
    @discardableResult
    func send(
        method: String = "POST",
        url: String,
        idempotencyKey: String,
        headers extra: [HTTPHeader],
        body: [UInt8]?
    ) async throws(DeliveryError) -> HTTPResponse {
        var options = HTTPRequestOptions(
            followRedirects: false,
            connectTimeout: timeout,
            totalTimeout: timeout,
            caBundlePath: caBundle,
            bodyCap: 4096
        )
        options.maxBody = 1 << 20
        let request = HTTPRequest(
            method: method,
            url: url,
            headers: [HTTPHeader("User-Agent", "ronda"), HTTPHeader("Idempotency-Key", idempotencyKey)] + extra
                + headers,
            body: body,
            options: options
        )
        let host = Self.host(of: url)
        let session = HTTPSession(executor: AlertChannels.executor)
        defer { session.close() }
        let response: HTTPResponse
        do {
            response = try await session.send(request)
        } catch {
            throw failure(error, host: host)
        }
        guard (200..<300).contains(response.status) else {
            throw rejection(status: response.status, body: response.bodyText, host: host)
        }
        return response
    }

    /// `host[:port]` of `url`, the only part of it messages show.
    static func host(of url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return "the receiver" }
        return host + (parts.port.map { ":\($0)" } ?? "")
    }

    /// The error for an answer with a non-2xx `status`.
    func rejection(status: Int, body: String, host: String) -> DeliveryError {
        let permanent = Self.isPermanent(status: status)
        let excerpt = Self.excerpt(redact(body))
        let answer = excerpt.isEmpty ? "" : ": \(excerpt)"
        let advice = permanent ? "fix the channel's configuration; not retried" : "will retry"
        return DeliveryError(
            code: status == 401 || status == 403 ? .authentication : .rejected,
            message: "\(label): \(host) answered HTTP \(status)\(answer) (\(advice))",
            isPermanent: permanent,
            status: status
        )
    }

    /// The error for a request that produced no response.
    func failure(_ error: HTTPClientError, host: String) -> DeliveryError {
        let code: DeliveryError.Code
        let message: String
        switch error.code {
        case .timeout:
            code = .timeout
            message = "\(label): no answer from \(host) within \(timeout.inSeconds) s (the channel's timeout)"
        case .connectFailed:
            code = .unreachable
            message = "\(label): could not connect to \(host); is the receiver up and the port right?"
        case .dns:
            code = .unreachable
            message = "\(label): could not resolve \(host); check the host name"
        case .tls:
            code = .tls
            message = "\(label): TLS with \(host) failed; for a private CA set the channel's ca_bundle"
        case .cancelled:
            code = .cancelled
            message = "\(label): the delivery to \(host) was cancelled"
        case .notHTTP, .headerTooLarge, .decoding, .bodyTooLarge:
            code = .invalidResponse
            message = "\(label): \(host) did not answer with a valid HTTP response (\(error.code))"
        default:
            code = .unreachable
            message = "\(label): the request to \(host) failed (\(error.code), curl error \(error.curlCode))"
        }
        return DeliveryError(code: code, message: message, isPermanent: false)
    }

    /// 4xx answers other than 408 (timeout), 425 (too early) and 429 (rate limited) mean the
    /// request itself is wrong: the same request will be refused again.
    static func isPermanent(status: Int) -> Bool {
        (400..<500).contains(status) && ![408, 425, 429].contains(status)
            || (300..<400).contains(status)
    }

    /// `text` with every secret replaced by `[redacted]`.
    func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }

    /// The first 200 characters of an answer, on one line.
    static func excerpt(_ body: String) -> String {
        let line = body.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
