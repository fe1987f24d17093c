public import RondaCore

/// A failure talking to Redis: an opaque code to branch on and a message for the operator.
///
/// Codes are a struct, not an open enum, so new ones can be added without breaking callers.
public struct RedisError: RondaError, Hashable {
    /// What kind of failure this is (`RedisError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<RedisError>

    public internal(set) var code: ErrorCode<RedisError>
    public internal(set) var message: String

    /// Whether a fresh connection may succeed where this one failed.
    var isConnectionFailure: Bool { code == .connectionFailed || code == .connectionLost }

    /// For a server error, whether its message starts with `prefix` (`NOGROUP`, `NOSCRIPT`, `BUSYGROUP`).
    func isServerError(_ prefix: String) -> Bool {
        code == .server && message.hasPrefix(prefix)
    }
}

extension ErrorCode where Owner == RedisError {
    /// The Redis URL (RONDA_REDIS_URL) could not be parsed.
    public static var invalidURL: Self { Self("invalidURL") }
    /// No connection could be opened (refused, unknown host, connect timeout), retries included.
    public static var connectionFailed: Self { Self("connectionFailed") }
    /// The connection broke during a command (the server went away), retries included.
    public static var connectionLost: Self { Self("connectionLost") }
    /// The server did not answer within the command timeout.
    public static var timeout: Self { Self("timeout") }
    /// AUTH was refused, or the server requires a password that was not given.
    public static var authenticationFailed: Self { Self("authenticationFailed") }
    /// The server answered with an error reply (`-ERR …`, `-NOGROUP …`).
    public static var server: Self { Self("server") }
    /// The server answered something this client did not expect.
    public static var unexpectedReply: Self { Self("unexpectedReply") }
    /// The connection was closed by this process.
    public static var closed: Self { Self("closed") }
}
