import Foundation
import Logging
import RondaCore
import RondaHTTP

/// Slack incoming webhook: the Block Kit message of ``SlackMessage``.
struct SlackChannel: AlertChannel {
    let name: String
    var kind: AlertChannelConfig.Kind { .slack }
    let url: String
    let delivery: HTTPDelivery
    let logger: Logger

    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError) {
        try await delivery.send(
            url: url,
            idempotencyKey: idempotencyKey,
            headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")],
            body: SlackMessage.body(alert)
        )
        logger.debug("alert delivered", metadata: ["channel": "\(name)", "alert": "\(alert.id)"])
    }
}

/// The generic webhook: the `ronda.alert/v1` JSON of ``WebhookPayload``, signed.
struct WebhookChannel: AlertChannel {
    let name: String
    var kind: AlertChannelConfig.Kind { .webhook }
    let url: String
    let secret: String
    let delivery: HTTPDelivery
    let logger: Logger
    /// The clock `sent_at` is read from (tests pin it).
    var now: @Sendable () -> Date = { Date() }

    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError) {
        let sentAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let body = WebhookPayload.body(alert, idempotencyKey: idempotencyKey, sentAt: sentAt)
        let signature = WebhookPayload.signatureHeaders(body: body, secret: secret, sentAt: sentAt)
        try await delivery.send(
            url: url,
            idempotencyKey: idempotencyKey,
            headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8")]
                + signature.map { HTTPHeader($0.0, $0.1) },
            body: body
        )
        logger.debug("alert delivered", metadata: ["channel": "\(name)", "alert": "\(alert.id)"])
    }
}

/// Sentry: one envelope per new error or regression (``SentryEnvelope``); nothing for other alerts.
struct SentryChannel: AlertChannel {
    let name: String
    var kind: AlertChannelConfig.Kind { .sentry }
    let dsn: SentryDSN
    let delivery: HTTPDelivery
    let logger: Logger

    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError) {
        let envelopes = SentryEnvelope.envelopes(alert, idempotencyKey: idempotencyKey, dsn: dsn, sentAt: Date())
        if envelopes.isEmpty {
            logger.debug("no new error or regression: nothing for Sentry", metadata: ["channel": "\(name)"])
            return
        }
        // A failure stops here; the retry sends every envelope again with the same event ids,
        // and Sentry drops those it already has.
        for envelope in envelopes {
            try await delivery.send(
                url: dsn.envelopeURL,
                idempotencyKey: "\(idempotencyKey):\(envelope.eventID)",
                headers: [
                    HTTPHeader("Content-Type", "application/x-sentry-envelope"),
                    HTTPHeader("X-Sentry-Auth", dsn.authHeader),
                ],
                body: envelope.body
            )
        }
        logger.debug("sentry events sent", metadata: ["channel": "\(name)", "events": "\(envelopes.count)"])
    }
}

/// A WhatsApp-capable HTTP API (Twilio's and the like): `form` fields or a `json_body` template
/// (``BodyTemplate``), HTTP basic auth from `username`/`password`. A GET sends the form as the
/// query string.
struct TemplateChannel: AlertChannel {
    let name: String
    var kind: AlertChannelConfig.Kind { .whatsapp }
    let url: String
    let method: String
    let credentials: HTTPCredentials?
    let form: [(key: String, value: String)]
    let jsonBody: String?
    let delivery: HTTPDelivery
    let logger: Logger

    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError) {
        var headers: [HTTPHeader] = []
        if let credentials {
            let token = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            headers.append(HTTPHeader("Authorization", "Basic \(token)"))
        }
        var target = url
        var body: [UInt8]? = nil
        if let jsonBody {
            headers.append(HTTPHeader("Content-Type", "application/json; charset=utf-8"))
            body = Array(BodyTemplate.json(jsonBody, alert: alert).utf8)
        } else if method == "GET" {
            let query = BodyTemplate.form(form, alert: alert)
            if !query.isEmpty { target += (url.contains("?") ? "&" : "?") + query }
        } else {
            headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(BodyTemplate.form(form, alert: alert).utf8)
        }
        try await delivery.send(
            method: method,
            url: target,
            idempotencyKey: idempotencyKey,
            headers: headers,
            body: body
        )
        logger.debug("alert delivered", metadata: ["channel": "\(name)", "alert": "\(alert.id)"])
    }
}
