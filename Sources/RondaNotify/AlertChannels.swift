import Foundation
public import Logging
public import RondaCore
import RondaHTTP

/// Builds channels from their configuration.
public enum AlertChannels {
    /// Where deliveries run. On the multi transport, the shared executor: nothing queues
    /// there. On the threads transport, threads of their own, so a delivery never waits behind
    /// scenario requests (its timeout counts from the start of the transfer).
    static let executor: CurlExecutor = CurlExecutor.shared.transport == .multi ? .shared : CurlExecutor(threads: 8)

    /// Validates and builds a channel: every required field set, env variables set and non-empty, URLs parse with the
    /// right scheme (http/https; smtp/smtps for email), DSN parses, email addresses look like addresses, method
    /// POST/GET. Errors name the key (`alerts.channels.NAME.FIELD`).
    ///
    /// Required per kind: slack `url`; webhook `url`, `secret`; sentry `dsn`; whatsapp `url` and
    /// `form` or `json_body` (not both); email `url`, `from`, `to`. `username` and `password`
    /// go together. Secrets are read from `environment` here, once.
    public static func make(
        _ config: AlertChannelConfig,
        environment: [String: String],
        logger: Logger
    ) throws(ChannelConfigurationError) -> any AlertChannel {
        let check = ChannelCheck(config: config, environment: environment)
        guard config.timeout > .zero else { throw check.error("timeout", "must be longer than zero") }
        if let bundle = config.caBundle, !FileManager.default.isReadableFile(atPath: bundle) {
            throw check.error("ca_bundle", "cannot read \(bundle); give the path of a PEM file of CA certificates")
        }
        switch config.kind {
        case .slack:
            let url = try check.httpURL("url", config.url)
            return SlackChannel(
                name: config.name,
                url: url,
                delivery: HTTPDelivery(config: config, secrets: ChannelCheck.secretParts(of: url)),
                logger: logger
            )
        case .webhook:
            let url = try check.httpURL("url", config.url)
            let secret = try check.required("secret", config.secret)
            return WebhookChannel(
                name: config.name,
                url: url,
                secret: secret,
                delivery: HTTPDelivery(config: config, secrets: ChannelCheck.secretParts(of: url) + [secret]),
                logger: logger
            )
        case .sentry:
            let text = try check.required("dsn", config.dsn)
            guard let dsn = SentryDSN(text) else {
                throw check.error(
                    "dsn",
                    "is not a Sentry DSN; expected https://PUBLIC_KEY@HOST/PROJECT_ID (Sentry: Project Settings → Client Keys)"
                )
            }
            return SentryChannel(
                name: config.name,
                dsn: dsn,
                delivery: HTTPDelivery(config: config, secrets: [dsn.publicKey]),
                logger: logger
            )
        case .whatsapp:
            return try template(config, check: check, logger: logger)
        case .email:
            return try email(config, check: check, logger: logger)
        }
    }

    private static func template(
        _ config: AlertChannelConfig,
        check: ChannelCheck,
        logger: Logger
    ) throws(ChannelConfigurationError) -> any AlertChannel {
        let url = try check.httpURL("url", config.url)
        let method = config.method.uppercased()
        guard method == "POST" || method == "GET" else {
            throw check.error("method", "is \(config.method); use POST or GET")
        }
        let credentials = try check.credentials()
        if config.form.isEmpty == (config.jsonBody == nil) {
            throw check.error(
                "form",
                "set either form (form fields) or json_body (a JSON template), not both or neither"
            )
        }
        if let template = config.jsonBody {
            guard method == "POST" else { throw check.error("json_body", "needs method POST (a GET has no body)") }
            let unknown = BodyTemplate.unknownPlaceholders(template)
            if let first = unknown.first {
                throw check.error(
                    "json_body",
                    "unknown placeholder {{ \(first) }}; use \(BodyTemplate.names.map { "{{ \($0) }}" }.joined(separator: ", "))"
                )
            }
            let sample = Alert(
                id: "x",
                createdAt: Date(),
                title: "t \"q\"",
                triggers: [.test],
                priority: .p3,
                items: []
            )
            guard JSONValue.parse(BodyTemplate.json(template, alert: sample)) != nil else {
                throw check.error(
                    "json_body",
                    "is not valid JSON once its placeholders are filled; put each placeholder inside a JSON string"
                )
            }
        }
        for field in config.form {
            if let first = BodyTemplate.unknownPlaceholders(field.value).first {
                throw check.error(
                    "form.\(field.key)",
                    "unknown placeholder {{ \(first) }}; use \(BodyTemplate.names.map { "{{ \($0) }}" }.joined(separator: ", "))"
                )
            }
        }
        var secrets = ChannelCheck.secretParts(of: url)
        if let credentials { secrets += [credentials.password, credentials.user] }
        return TemplateChannel(
            name: config.name,
            url: url,
            method: method,
            credentials: credentials,
            form: config.form,
            jsonBody: config.jsonBody,
            delivery: HTTPDelivery(config: config, secrets: secrets),
            logger: logger
        )
    }

    private static func email(
        _ config: AlertChannelConfig,
        check: ChannelCheck,
        logger: Logger
    ) throws(ChannelConfigurationError) -> any AlertChannel {
        let url = try check.url(
            "url",
            config.url,
            schemes: ["smtp", "smtps"],
            example: "smtp://mail.example.com:587 or smtps://mail.example.com:465"
        )
        guard let from = config.from, !from.isEmpty else {
            throw check.error("from", "is required for an email channel: the sender address")
        }
        guard ChannelCheck.looksLikeAddress(from) else { throw check.error("from", "\(from) is not an email address") }
        guard !config.to.isEmpty else {
            throw check.error("to", "is required for an email channel: at least one recipient")
        }
        for (index, address) in config.to.enumerated() where !ChannelCheck.looksLikeAddress(address) {
            throw check.error("to[\(index)]", "\(address) is not an email address")
        }
        if !config.startTLS, url.lowercased().hasPrefix("smtp://"),
            let host = URLComponents(string: url)?.host, !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        {
            logger.warning(
                "email channel sends without TLS to a host that is not loopback; set start_tls: true",
                metadata: ["channel": "\(config.name)", "host": "\(host)"]
            )
        }
        let server = MailServer(
            url: url,
            requireTLS: config.startTLS,
            credentials: try check.credentials(),
            caBundlePath: config.caBundle,
            timeout: config.timeout
        )
        return EmailChannel(name: config.name, server: server, from: from, to: config.to, logger: logger)
    }
}
