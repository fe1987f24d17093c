import CCurl
import Foundation
import Synchronization

/// One email as it goes over SMTP: the envelope (sender and recipients) and the message itself.
public struct MailMessage: Sendable, Hashable {
    /// The envelope sender (`MAIL FROM`), a bare address: `ronda@example.com`.
    public var from: String
    /// The envelope recipients (`RCPT TO`), bare addresses; every one gets the message.
    public var recipients: [String]
    /// The RFC 5322 message (headers, blank line, body) with CRLF line endings. curl does the
    /// SMTP dot-stuffing.
    public var data: [UInt8]

    /// Creates a message.
    public init(from: String, recipients: [String], data: [UInt8]) {
        self.from = from
        self.recipients = recipients
        self.data = data
    }
}

/// Where and how a ``MailMessage`` is sent.
public struct MailServer: Sendable, Hashable {
    /// `smtp://host[:port]` (plain, upgraded with STARTTLS when ``requireTLS``) or
    /// `smtps://host[:port]` (TLS from the first byte).
    public var url: String
    /// smtp:// only: require STARTTLS (the send fails when the server does not offer it).
    public var requireTLS: Bool
    /// The SMTP login (AUTH PLAIN or LOGIN, whichever the server offers), when set.
    public var credentials: HTTPCredentials?
    /// A PEM file of CA certificates to verify the server with instead of the system bundle.
    public var caBundlePath: String?
    /// The limit for the whole exchange: connect, TLS, authentication and the message.
    public var timeout: Duration

    /// Creates a server description.
    public init(
        url: String,
        requireTLS: Bool = true,
        credentials: HTTPCredentials? = nil,
        caBundlePath: String? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.requireTLS = requireTLS
        self.credentials = credentials
        self.caBundlePath = caBundlePath
        self.timeout = timeout
    }

    /// `scheme://host:port` without credentials or path: what messages show.
    var displayName: String {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else {
            return "the SMTP server"
        }
        return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
    }
}

/// Sends `message` through `server` with libcurl's SMTP client, on `executor`'s dedicated
/// threads (the blocking exchange never runs on the cooperative pool). Cancelling the task
/// aborts it.
/// - Throws: ``MailError``: `.timeout`, `.connectFailed`, `.dns`, `.tls` (also when STARTTLS is
///   required and the server does not offer it), `.authentication`, `.rejected` (the server
///   refused the sender, a recipient or the message), `.cancelled` or `.transport`.
public func sendMail(
    _ message: MailMessage,
    via server: MailServer,
    executor: CurlExecutor = .shared
) async throws(MailError) {
    guard let easy = CurlEasy.make() else {
        let reason = ccurl_load_error().map { String(cString: $0) } ?? "curl_easy_init failed"
        throw MailError(code: .transport, message: "cannot send mail through \(server.displayName): \(reason)")
    }
    let transfer = MailTransfer(message: message, server: server)
    let result = await withTaskCancellationHandler {
        await executor.run {
            defer { easy.cleanup() }
            return transfer.perform(on: easy)
        }
    } onCancel: {
        transfer.cancel()
    }
    try result.get()
}

/// One SMTP exchange in flight: the upload cursor and the cancel flag curl's callbacks read.
final class MailTransfer: @unchecked Sendable {
    // Why @unchecked Sendable is safe: `offset` is read and written only by `perform(on:)` and
    // the read callback curl calls from inside it, on the one executor thread that runs it. The
    // only state other threads touch is `cancelFlag`, an atomic; the rest is immutable.
    let message: MailMessage
    let server: MailServer
    private let bytes: [UInt8]
    private var offset = 0
    private let cancelFlag = Atomic<Bool>(false)
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(message: MailMessage, server: MailServer) {
        self.message = message
        self.server = server
        self.bytes = message.data
        let size = max(256, ccurl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit { errorBuffer.deallocate() }

    func cancel() { cancelFlag.store(true, ordering: .relaxed) }

    /// Configures `easy`, runs the exchange and maps curl's result. Blocks the calling thread.
    func perform(on easy: CurlEasy) -> Result<Void, MailError> {
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            easy.reset()
            ccurl_slist_free_all(recipients)
        }
        for address in message.recipients {
            recipients = ccurl_slist_append(recipients, "<\(address)>")
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let lower = server.url.lowercased()
        let milliseconds = max(1, Transfer.milliseconds(server.timeout))
        var codes: [CURLcode] = [
            easy.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer),
            easy.set(CURLOPT_NOSIGNAL, true),
            easy.set(CURLOPT_URL, string: server.url),
            easy.set(CURLOPT_PROTOCOLS_STR, string: "smtp,smtps"),
            easy.set(CURLOPT_TIMEOUT_MS, milliseconds),
            easy.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds),
            ccurl_setopt_mail_from(easy.raw, "<\(message.from)>"),
            ccurl_setopt_mail_rcpt(easy.raw, recipients),
            ccurl_setopt_use_ssl(
                easy.raw,
                lower.hasPrefix("smtps://") ? CURLUSESSL_ALL : server.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_NONE
            ),
            ccurl_setopt_upload_reader(
                easy.raw,
                { buffer, size, count, context in
                    guard let buffer, let context else { return 0 }
                    let transfer = Unmanaged<MailTransfer>.fromOpaque(context).takeUnretainedValue()
                    return transfer.read(into: buffer, capacity: size * count)
                },
                context
            ),
            easy.set(CURLOPT_NOPROGRESS, false),
            easy.set(
                CURLOPT_XFERINFOFUNCTION,
                progressCallback: { context, _, _, _, _ in
                    guard let context else { return 0 }
                    return Unmanaged<MailTransfer>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
                }
            ),
            easy.set(CURLOPT_XFERINFODATA, pointer: context),
        ]
        if let credentials = server.credentials {
            codes.append(easy.set(CURLOPT_USERNAME, string: credentials.user))
            codes.append(easy.set(CURLOPT_PASSWORD, string: credentials.password))
        }
        if let path = server.caBundlePath { codes.append(easy.set(CURLOPT_CAINFO, string: path)) }
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            let reason = String(cString: ccurl_easy_strerror(failed))
            return .failure(
                MailError(
                    code: .transport,
                    message: "could not configure the mail to \(server.displayName): \(reason)",
                    curlCode: Int(failed.rawValue)
                )
            )
        }
        if isCancelled { return .failure(MailError(code: .cancelled, message: "sending mail was cancelled")) }
        let code = easy.perform()
        guard code != CURLE_OK else { return .success(()) }
        let status = easy.long(CURLINFO_RESPONSE_CODE)
        return .failure(
            MailError.fromCurl(
                Int(code.rawValue),
                detail: String(cString: errorBuffer),
                smtpStatus: status,
                server: server,
                cancelled: isCancelled
            )
        )
    }

    var isCancelled: Bool { cancelFlag.load(ordering: .relaxed) }

    /// Copies the next bytes of the message into curl's buffer.
    private func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
