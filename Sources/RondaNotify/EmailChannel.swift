import Foundation
import Logging
import RondaCore
import RondaHTTP

/// Email over SMTP through libcurl (``sendMail(_:via:executor:)``): the message of
/// ``EmailMessage`` to every recipient.
struct EmailChannel: AlertChannel {
    let name: String
    var kind: AlertChannelConfig.Kind { .email }
    let server: MailServer
    let from: String
    let to: [String]
    let logger: Logger

    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError) {
        let data = EmailMessage.render(alert, from: from, to: to, idempotencyKey: idempotencyKey, date: Date())
        do {
            try await sendMail(
                MailMessage(from: from, recipients: to, data: data),
                via: server,
                executor: AlertChannels.executor
            )
        } catch {
            throw Self.deliveryError(error, channel: name)
        }
        logger.debug("alert mailed", metadata: ["channel": "\(name)", "recipients": "\(to.count)"])
    }

    /// A ``MailError`` as a ``DeliveryError``: a refused login or a 5xx refusal is permanent.
    static func deliveryError(_ error: MailError, channel: String) -> DeliveryError {
        let label = "email channel \"\(channel)\""
        let code: DeliveryError.Code
        var permanent = false
        switch error.code {
        case .timeout: code = .timeout
        case .connectFailed, .dns: code = .unreachable
        case .tls: code = .tls
        case .authentication:
            code = .authentication
            permanent = true
        case .rejected:
            code = .rejected
            permanent = error.smtpStatus >= 500
        case .cancelled: code = .cancelled
        default: code = .invalidResponse
        }
        return DeliveryError(
            code: code,
            message: "\(label): \(error.message)",
            isPermanent: permanent,
            status: error.smtpStatus
        )
    }
}
