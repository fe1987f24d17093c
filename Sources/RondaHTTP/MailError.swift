public import RondaCore

/// Why an email could not be handed to the SMTP server.
///
/// The ``message`` names the server as `scheme://host:port` (never the credentials) and what
/// to check; ``smtpStatus`` keeps the server's last reply code (e.g. 535, 550) when there was one.
public struct MailError: RondaError {
    /// What kind of failure this is (`MailError.Code.…`).
    public typealias Code = ErrorCode<MailError>

    /// The kind of failure.
    public internal(set) var code: ErrorCode<MailError>
    /// What happened, naming the server.
    public internal(set) var message: String
    /// libcurl's `CURLcode`, or 0 when the failure did not come from curl.
    public internal(set) var curlCode: Int
    /// The SMTP server's last reply code, or 0 when it sent none.
    public internal(set) var smtpStatus: Int

    init(code: ErrorCode<MailError>, message: String, curlCode: Int = 0, smtpStatus: Int = 0) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.smtpStatus = smtpStatus
    }

    /// The error for `curlCode` returned while talking to `server`.
    static func fromCurl(
        _ curlCode: Int,
        detail: String,
        smtpStatus: Int,
        server: MailServer,
        cancelled: Bool
    ) -> MailError {
        let name = server.displayName
        let why = detail.isEmpty ? "" : " (\(detail))"
        let reply = smtpStatus > 0 ? " (SMTP \(smtpStatus))" : ""
        let code: Code
        let message: String
        switch curlCode {
        case _ where cancelled, 42:
            code = .cancelled
            message = "sending mail through \(name) was cancelled"
        case 28:
            code = .timeout
            message = "timed out after \(server.timeout.inSeconds) s talking to \(name)\(why)"
        case 6:
            code = .dns
            message = "could not resolve the host of \(name)\(why); check the host name and DNS"
        case 7:
            code = .connectFailed
            message = "could not connect to \(name)\(why); is the mail server running and listening on that port?"
        case 67:
            code = .authentication
            message = "\(name) refused the login\(reply)\(why); check the channel's username and password"
        case 64:
            code = .tls
            message =
                "\(name) does not offer STARTTLS\(why); use a server that does, smtps://, or start_tls: false for a relay on loopback"
        case 35, 51, 53, 54, 58, 59, 60, 66, 77, 80, 83, 90, 91:
            code = .tls
            message = "TLS with \(name) failed\(why); for a private CA set the channel's ca_bundle"
        case 55 where smtpStatus >= 400, 56 where smtpStatus >= 400, 8 where smtpStatus >= 400:
            code = .rejected
            message = "\(name) refused the message\(reply)\(why)"
        default:
            code = .transport
            message = "sending mail through \(name) failed\(reply)\(why) (curl error \(curlCode))"
        }
        return MailError(code: code, message: message, curlCode: curlCode, smtpStatus: smtpStatus)
    }
}

extension ErrorCode where Owner == MailError {
    /// The exchange took longer than ``MailServer/timeout``.
    public static var timeout: Self { Self("timeout") }
    /// Nothing accepted the connection.
    public static var connectFailed: Self { Self("connectFailed") }
    /// The host name could not be resolved.
    public static var dns: Self { Self("dns") }
    /// TLS failed: handshake, certificate, or STARTTLS required but not offered.
    public static var tls: Self { Self("tls") }
    /// The server refused the login.
    public static var authentication: Self { Self("authentication") }
    /// The server refused the sender, a recipient or the message (``MailError/smtpStatus``).
    public static var rejected: Self { Self("rejected") }
    /// The calling task was cancelled.
    public static var cancelled: Self { Self("cancelled") }
    /// Any other failure (connection reset, malformed reply, libcurl missing).
    public static var transport: Self { Self("transport") }
}
