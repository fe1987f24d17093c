import RondaCore
import RondaHTTP

/// What a step records of its request and response: the texts shown in reports, redacted.
extension StepExecutor {
    /// The request line, its headers (credentials masked) and the start of its body; built in
    /// one string (every step records one).
    func requestExcerpt(_ request: RenderedRequest) -> String {
        var out = "\(request.method) \(request.url)"
        for header in request.headers { appendLine(header, to: &out) }
        if let body = request.body, !body.isEmpty {
            let type = request.headers.last { $0.matches("Content-Type") }?.value
            out += "\n\n"
            out += Excerpt.text(body, limit: configuration.requestExcerptLimit, redactor: redactor, contentType: type)
        }
        return out
    }

    /// The status, the headers (credentials masked), a blank line and the start of the body.
    func responseExcerpt(_ response: HTTPResponse) -> String {
        var out = "HTTP \(response.status)"
        out.reserveCapacity(256)
        for header in response.headers { appendLine(header, to: &out) }
        out += "\n\n"
        out += Excerpt.text(
            response.body,
            limit: configuration.responseExcerptLimit,
            redactor: redactor,
            contentType: response.header("Content-Type")
        )
        if response.bodyTruncated {
            out += "\n… (\(response.bodyBytesTotal) bytes in all; \(response.body.count) kept)"
        }
        return out
    }

    /// A new line with `name: value`, the whole value masked if the header is a credential
    /// (``Redactor/isSensitiveHeader(_:)``). Other values are redacted with the rest of the
    /// excerpt: the runner passes every step record through ``Redactor/redact(_:)`` before it
    /// is kept, which masks secrets, credential fields and card numbers in the whole text, and
    /// a value between `Name: ` and the line's end is a whole value there as it is alone. The
    /// body is redacted here, before it is cut to the excerpt's limit (a secret across the cut).
    private func appendLine(_ header: HTTPHeader, to out: inout String) {
        out += "\n"
        out += header.name
        out += ": "
        out += Redactor.isSensitiveHeader(header.name) ? Redactor.mask : header.value
    }
}
