import Foundation

/// The parts of a step that have a shape of their own: body, auth, webhook, retry.
extension ScenarioLoader {
    static func readBody(
        _ kind: String,
        _ node: SourceNode,
        contentType: String?,
        reader: inout NodeReader
    ) -> StepBody? {
        switch kind {
        case "json":
            return reader.templateValue(node).map(StepBody.json)
        case "form":
            guard let value = reader.templateValue(node) else { return nil }
            if case .value = value {
                reader.fail(
                    node,
                    "expected form fields as a mapping (or a single '{{ … }}' object), got \(node.kindDescription)"
                )
                return nil
            }
            if case .array = value {
                reader.fail(node, "expected form fields as a mapping, got a list")
                return nil
            }
            return .form(value)
        case "multipart":
            guard let entries = reader.mapping(node, "multipart fields") else { return nil }
            var parts: [MultipartPart] = []
            for (name, _, value) in entries {
                if value.scalarText != nil {
                    if let t = reader.template(value, "the multipart field \(name)") {
                        parts.append(MultipartPart(name: name, content: t))
                    }
                    continue
                }
                guard
                    let fields = reader.mapping(
                        value,
                        "the multipart part \(name)",
                        allowed: ["content", "filename", "content_type"]
                    )
                else { continue }
                var part = MultipartPart(name: name, content: Template(literal: ""))
                for (key, _, v) in fields {
                    switch key {
                    case "content": if let t = reader.template(v, "content") { part.content = t }
                    case "filename": part.filename = reader.template(v, "filename")
                    default: part.contentType = reader.string(v, "content_type")
                    }
                }
                parts.append(part)
            }
            return .multipart(parts)
        default:
            return reader.template(node, "the body").map { StepBody.raw($0, contentType: contentType ?? "text/plain") }
        }
    }

    static func readAuth(_ node: SourceNode, reader: inout NodeReader) -> StepAuth? {
        guard let entries = reader.mapping(node, "auth", allowed: ["basic", "digest", "bearer"]) else { return nil }
        guard entries.count == 1, let (kind, _, value) = entries.first else {
            reader.fail(node, "auth takes one scheme: basic, digest or bearer")
            return nil
        }
        func secret(_ node: SourceNode, _ what: String) -> Template? {
            guard let t = reader.template(node, what) else { return nil }
            if t.environmentNames.isEmpty {
                reader.fail(
                    node,
                    "write \(what) as '{{ env.NAME }}': secrets come from environment variables, never from scenario files"
                )
                return nil
            }
            return t
        }
        if kind == "bearer" {
            return secret(value, "the bearer token").map(StepAuth.bearer)
        }
        guard let fields = reader.mapping(value, "auth.\(kind) (user, password)", allowed: ["user", "password"]) else {
            return nil
        }
        var user: Template?
        var password: Template?
        for (key, _, v) in fields {
            if key == "user" { user = reader.template(v, "the user") } else { password = secret(v, "the password") }
        }
        if !fields.contains(where: { $0.key == "user" }) { reader.fail(value, "auth.\(kind) needs 'user:'") }
        if !fields.contains(where: { $0.key == "password" }) {
            reader.fail(value, "auth.\(kind) needs 'password: \"{{ env.NAME }}\"'")
        }
        guard let user, let password else { return nil }
        return kind == "basic" ? .basic(user: user, password: password) : .digest(user: user, password: password)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func readWebhook(_ node: SourceNode, reader: inout NodeReader) -> WebhookSpec? {
        let keys = ["provider", "secret", "properties", "data_id", "request_id", "header", "timestamp"]
        guard let entries = reader.mapping(node, "webhook", allowed: keys) else { return nil }
        var provider: WebhookSpec.Provider?
        var secret: Template?
        var spec = WebhookSpec(provider: .hmac, secret: Template(literal: ""))
        for (key, _, value) in entries {
            switch key {
            case "provider":
                if let text = reader.string(value, "the webhook provider") {
                    provider = WebhookSpec.Provider(rawValue: text.lowercased())
                    if provider == nil {
                        reader.fail(
                            value,
                            "expected a webhook provider (\(WebhookSpec.Provider.allCases.map(\.rawValue).joined(separator: ", "))), got '\(text)'"
                        )
                    }
                }
            case "secret":
                secret = reader.template(value, "the webhook secret")
                if let s = secret, s.environmentNames.isEmpty {
                    reader.fail(
                        value,
                        "write the webhook secret as '{{ env.NAME }}': secrets come from environment variables, never from scenario files"
                    )
                }
            case "properties": spec.properties = reader.stringList(value, "properties") ?? []
            case "data_id": spec.dataID = reader.template(value, "data_id")
            case "request_id": spec.requestID = reader.template(value, "request_id")
            case "header": spec.header = reader.string(value, "header")
            default: spec.timestamp = reader.template(value, "timestamp")
            }
        }
        if provider == nil, !entries.contains(where: { $0.key == "provider" }) {
            reader.fail(node, "webhook needs 'provider:'")
        }
        if secret == nil, !entries.contains(where: { $0.key == "secret" }) {
            reader.fail(node, "webhook needs 'secret: \"{{ env.NAME }}\"'")
        }
        if provider == .wompi, spec.properties.isEmpty {
            reader.fail(
                node,
                "a wompi webhook needs 'properties:' (the data paths its checksum covers, e.g. [transaction.id, transaction.status, transaction.amount_in_cents])"
            )
        }
        guard let provider, let secret else { return nil }
        spec.provider = provider
        spec.secret = secret
        return spec
    }

    static func readRetry(_ node: SourceNode, reader: inout NodeReader) -> RetrySpec? {
        guard let entries = reader.mapping(node, "retry", allowed: ["until", "timeout", "interval", "max_attempts"])
        else { return nil }
        var until: (Expression, String, SourceLocation)?
        var spec = RetrySpec(until: .literal(.bool(true)), untilSource: "true")
        for (key, _, value) in entries {
            switch key {
            case "until": until = reader.expressionAt(value, "retry.until")
            case "timeout": if let t = reader.duration(value, "retry.timeout", max: .seconds(3600)) { spec.timeout = t }
            case "interval":
                if let t = reader.duration(value, "retry.interval", max: .seconds(600)) { spec.interval = t }
            default: spec.maxAttempts = reader.int(value, "retry.max_attempts", range: 1...10_000)
            }
        }
        guard let (expression, source, location) = until else {
            if !entries.contains(where: { $0.key == "until" }) {
                reader.fail(node, "retry needs 'until:', the condition to wait for")
            }
            return nil
        }
        spec.until = expression
        spec.untilSource = source
        spec.untilLocation = location
        return spec
    }
}
