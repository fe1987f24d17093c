import Foundation
import RondaCore
import RondaHTTP

/// A step's request with its templates rendered: what goes on the wire.
struct RenderedRequest {
    var method: String
    var url: String
    var headers: [HTTPHeader]
    var body: [UInt8]?
    /// `auth: {digest: …}`: the credentials libcurl answers the server's challenge with.
    var digest: HTTPCredentials? = nil
    /// Credentials from `auth:` (and their encodings) for the redactor.
    var secrets: [String] = []
}

/// Renders a step into a request: URL and query, headers, body encoding, webhook signature.
enum RequestBuilder {
    static func render(
        _ step: Step,
        configuration: EngineConfiguration,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> RenderedRequest {
        let path = try step.path.renderString(in: &context)
        var url = join(configuration.baseURL, path)
        var pairs: [(String, String)] = []
        for field in step.query {
            appendPairs(field.key, try field.value.render(in: &context), to: &pairs)
        }
        if !pairs.isEmpty {
            url += (url.contains("?") ? "&" : "?") + encodeForm(pairs)
        }
        var headers: [HTTPHeader] = []
        for field in configuration.defaultHeaders + step.headers {
            let value = try field.value.render(in: &context)
            headers.removeAll { $0.name.caseInsensitiveCompare(field.key) == .orderedSame }
            if !value.isNull { headers.append(HTTPHeader(field.key, value.interpolated)) }
        }
        var body: [UInt8]?
        var contentType: String?
        var jsonBody: JSONValue?
        switch step.body {
        case nil: break
        case .json(let value):
            let rendered = try value.render(in: &context)
            jsonBody = rendered
            body = Array(rendered.jsonText().utf8)
            contentType = "application/json"
        case .form(let value):
            var formPairs: [(String, String)] = []
            if case .object(let fields) = value {
                for field in fields { appendPairs(field.key, try field.value.render(in: &context), to: &formPairs) }
            } else {
                let rendered = try value.render(in: &context)
                guard case .object(let object) = rendered else {
                    throw EvaluationError(
                        .typeMismatch,
                        "form: needs an object, but the template gave \(rendered.typeName)"
                    )
                }
                for key in object.keys.sorted() { appendPairs(key, object[key] ?? .null, to: &formPairs) }
            }
            body = Array(encodeForm(formPairs).utf8)
            contentType = "application/x-www-form-urlencoded"
        case .multipart(let parts):
            let boundary = "ronda-" + UUID().uuidString.lowercased()
            var data: [UInt8] = []
            for part in parts {
                var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quote(part.name))\""
                if let filename = part.filename {
                    head += "; filename=\"\(quote(try filename.renderString(in: &context)))\""
                }
                head += "\r\n"
                if let type = part.contentType ?? (part.filename != nil ? "application/octet-stream" : nil) {
                    head += "Content-Type: \(type)\r\n"
                }
                head += "\r\n"
                data += Array(head.utf8)
                data += Array(try part.content.renderString(in: &context).utf8)
                data += Array("\r\n".utf8)
            }
            data += Array("--\(boundary)--\r\n".utf8)
            body = data
            contentType = "multipart/form-data; boundary=\(boundary)"
        case .raw(let template, let type):
            body = Array(try template.renderString(in: &context).utf8)
            contentType = type
        }
        if let webhook = step.webhook {
            let signed = try sign(
                webhook,
                body: jsonBody ?? .string(String(decoding: body ?? [], as: UTF8.self)),
                context: &context
            )
            body = Array(signed.body.utf8)
            for (name, value) in signed.headers.sorted(by: { $0.key < $1.key }) {
                headers.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
                headers.append(HTTPHeader(name, value))
            }
        }
        if let contentType, !headers.contains(where: { $0.matches("Content-Type") }) {
            headers.append(HTTPHeader("Content-Type", contentType))
        }
        var request = RenderedRequest(method: step.method, url: url, headers: headers, body: body)
        if let auth = step.auth { try authenticate(&request, auth, context: &context) }
        return request
    }

    /// `auth:`: Basic and Bearer become the `Authorization` header (replacing one written in
    /// `headers:`); Digest is left to libcurl, which answers the server's 401 challenge.
    static func authenticate(
        _ request: inout RenderedRequest,
        _ auth: StepAuth,
        context: inout EvaluationContext
    ) throws(EvaluationError) {
        let value: String
        switch auth {
        case .basic(let userTemplate, let passwordTemplate):
            let user = try userTemplate.renderString(in: &context)
            let password = try passwordTemplate.renderString(in: &context)
            if user.contains(":") {
                throw EvaluationError(
                    .invalidArgument,
                    "auth.basic: the user name cannot contain ':' (Basic authentication separates user and password with it)"
                )
            }
            let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
            value = "Basic " + encoded
            request.secrets += [password, encoded]
        case .digest(let userTemplate, let passwordTemplate):
            let user = try userTemplate.renderString(in: &context)
            let password = try passwordTemplate.renderString(in: &context)
            request.digest = HTTPCredentials(user: user, password: password)
            request.secrets.append(password)
            return
        case .bearer(let tokenTemplate):
            let token = try tokenTemplate.renderString(in: &context)
            value = "Bearer " + token
            request.secrets.append(token)
        }
        request.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
        request.headers.append(HTTPHeader("Authorization", value))
    }

    static func sign(
        _ webhook: WebhookSpec,
        body: JSONValue,
        context: inout EvaluationContext
    ) throws(EvaluationError) -> SignedWebhook {
        let secret = try webhook.secret.renderString(in: &context)
        let timestamp: Int
        if let t = webhook.timestamp {
            let rendered = try t.render(in: &context)
            guard let n = rendered.number else {
                throw EvaluationError(
                    .typeMismatch,
                    "webhook timestamp must be a number of seconds, got \(rendered.typeName)"
                )
            }
            timestamp = Int(n)
        } else {
            timestamp = Int(Date().timeIntervalSince1970)
        }
        var options = WebhookSigningOptions(headerName: webhook.header ?? GenericSignature.defaultHeaderName)
        if !webhook.properties.isEmpty { options.wompiProperties = webhook.properties }
        if let d = webhook.dataID { options.mercadoPagoDataID = try d.renderString(in: &context) }
        if let r = webhook.requestID { options.mercadoPagoRequestID = try r.renderString(in: &context) }
        let provider: WebhookProvider
        switch webhook.provider {
        case .stripe: provider = .stripe
        case .wompi: provider = .wompi
        case .mercadopago: provider = .mercadopago
        case .hmac: provider = .generic
        }
        do {
            return try WebhookSigner.sign(provider, body: body, secret: secret, timestamp: timestamp, options: options)
        } catch {
            throw EvaluationError(
                .invalidArgument,
                "cannot sign the \(webhook.provider.rawValue) webhook: \(error.operatorMessage)"
            )
        }
    }

    /// Joins a base URL and a path; an absolute http(s) path is used as is.
    static func join(_ base: String, _ path: String) -> String {
        let lower = path.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return path }
        if path.isEmpty { return base }
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        return trimmedBase + (path.hasPrefix("/") ? path : "/" + path)
    }

    static func appendPairs(_ key: String, _ value: JSONValue, to pairs: inout [(String, String)]) {
        switch value {
        case .array(let items): for item in items { pairs.append((key, item.interpolated)) }
        case .null: pairs.append((key, ""))
        default: pairs.append((key, value.interpolated))
        }
    }

    static let formAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encodeForm(_ pairs: [(String, String)]) -> String {
        pairs.map { key, value in
            let k = key.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? key
            let v = value.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? value
            return "\(k)=\(v)"
        }.joined(separator: "&")
    }

    static func quote(_ s: String) -> String {
        s.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "").replacingOccurrences(
            of: "\n",
            with: ""
        )
    }
}
