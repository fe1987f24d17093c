import RondaCore
import RondaHTTP

/// What a step teaches the redactor: credentials it sends and credentials it is given.
extension StepExecutor {
    /// Credential fields of the request's JSON or form body and of its query string. They are
    /// masked as whole values only: written into a scenario, they are no secret of the operator's
    /// (those come from the environment), and a demo password such as `password` must not mask
    /// the word wherever it occurs.
    mutating func learnCredentials(of request: RenderedRequest) {
        var values: [String] = []
        let url = request.url
        // The query: after the first `?`, up to a `#` (found on the bytes: every step does this).
        if let mark = url.utf8.firstIndex(of: UInt8(ascii: "?")) {
            let query = url[url.utf8.index(after: mark)...].utf8.prefix { $0 != UInt8(ascii: "#") }
            values += Redactor.credentialValues(inForm: String(Substring(query)))
        }
        if let body = request.body, !body.isEmpty {
            let contentType = request.headers.last { $0.matches("Content-Type") }?.value.lowercased() ?? ""
            if contentType.contains("json"), let json = JSONValue.parse(body) {
                values += Redactor.credentialValues(in: json)
            } else if contentType.contains("x-www-form-urlencoded") {
                values += Redactor.credentialValues(inForm: String(decoding: body, as: UTF8.self))
            }
        }
        redactor.addWholeValues(values)
    }

    /// Cookies the target set (the `Set-Cookie` headers and everything in the session's jar) and
    /// credential fields of a JSON response (`access_token`, …): secrets from now on.
    mutating func learnCredentials(of response: HTTPResponse, _ view: ResponseView) async {
        for header in response.headers where header.matches("Set-Cookie") {
            redactor.addCredentials(header: header.name, value: header.value)
        }
        redactor.add(await session.cookies().map(\.value))
        if let json = view.json { redactor.add(Redactor.credentialValues(in: json)) }
    }
}
