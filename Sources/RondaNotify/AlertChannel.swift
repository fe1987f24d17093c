public import RondaCore

/// A place alerts go: one configured channel (`alerts.channels.NAME`) ready to send.
///
/// Build one with ``AlertChannels/make(_:environment:logger:)``, which validates the
/// configuration first. A channel holds no connection between deliveries and may be called
/// concurrently; each ``deliver(_:idempotencyKey:)`` is one attempt bounded by the channel's
/// `timeout`. Retrying is the caller's (the outbox's) job: ``DeliveryError/isPermanent`` says
/// whether a retry can help.
public protocol AlertChannel: Sendable {
    /// The channel's name in the configuration (`ops` in `alerts.channels.ops`).
    var name: String { get }
    /// What the channel sends to.
    var kind: AlertChannelConfig.Kind { get }
    /// Sends one alert. `idempotencyKey` is stable across retries of the same (decision, channel).
    func deliver(_ alert: Alert, idempotencyKey: String) async throws(DeliveryError)
}

/// Why one delivery attempt failed.
///
/// The ``message`` names the channel, the receiving host, the HTTP status or SMTP reply and the
/// start of the answer, never a secret: not a webhook URL's path or query, not a password or a
/// signing secret (they are also removed from the receiver's answer before it is quoted).
public struct DeliveryError: RondaError, Sendable {
    /// What kind of failure this is (`DeliveryError.Code.…`).
    public typealias Code = ErrorCode<DeliveryError>

    /// The kind of failure.
    public internal(set) var code: ErrorCode<DeliveryError>
    /// What happened, in a sentence an operator can act on.
    public internal(set) var message: String
    /// `true` when sending the same alert again cannot succeed without a configuration change
    /// (HTTP 400, 401, 403, 404, 410, a refused login or recipient): the outbox gives up at once.
    /// `false` for timeouts, connection errors, HTTP 408, 429 and 5xx: retry with backoff.
    public internal(set) var isPermanent: Bool
    /// The receiver's HTTP status (or SMTP reply code), 0 when none arrived.
    public internal(set) var status: Int

    init(code: ErrorCode<DeliveryError>, message: String, isPermanent: Bool, status: Int = 0) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
        self.status = status
    }
}

extension ErrorCode where Owner == DeliveryError {
    /// The attempt ran past the channel's `timeout`.
    public static var timeout: Self { Self("timeout") }
    /// The receiver could not be reached: connection refused, DNS, reset.
    public static var unreachable: Self { Self("unreachable") }
    /// The receiver answered with an error status (see ``DeliveryError/status``).
    public static var rejected: Self { Self("rejected") }
    /// The receiver answered with something that is not a valid response.
    public static var invalidResponse: Self { Self("invalidResponse") }
    /// TLS failed: handshake, certificate verification, or STARTTLS not offered.
    public static var tls: Self { Self("tls") }
    /// The receiver refused the credentials (HTTP 401/403, SMTP 535).
    public static var authentication: Self { Self("authentication") }
    /// The task was cancelled before the attempt finished.
    public static var cancelled: Self { Self("cancelled") }
}

/// A channel's configuration cannot work: a required field is missing, an environment variable is
/// unset, a URL does not parse. ``key`` is the full configuration key (`alerts.channels.ops.url`).
public struct ChannelConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The configuration key at fault, e.g. `alerts.channels.ops.url`.
    public internal(set) var key: String
    /// What is wrong and how to fix it, starting with the key.
    public internal(set) var message: String

    init(key: String, _ problem: String) {
        self.key = key
        self.message = "\(key): \(problem)"
    }

    /// The message.
    public var description: String { message }
}
