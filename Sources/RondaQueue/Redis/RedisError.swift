/// A failure talking to Redis: an opaque code to branch on and a message for the operator.
///
/// Codes are a struct, not an open enum, so new ones can be added without breaking callers.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it was.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The Redis URL (RONDA_REDIS_URL) could not be parsed.
        public static let invalidURL = Code("invalidURL")
        /// No connection could be opened (refused, unknown host, connect timeout), retries included.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke during a command (the server went away), retries included.
        public static let connectionLost = Code("connectionLost")
        /// The server did not answer within the command timeout.
        public static let timeout = Code("timeout")
        /// AUTH was refused, or the server requires a password that was not given.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The server answered with an error reply (`-ERR …`, `-NOGROUP …`).
        public static let server = Code("server")
        /// The server answered something this client did not expect.
        public static let unexpectedReply = Code("unexpectedReply")
        /// The connection was closed by this process.
        public static let closed = Code("closed")

        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Redis \(code): \(message)" }

    /// Whether a fresh connection may succeed where this one failed.
    var isConnectionFailure: Bool { code == .connectionFailed || code == .connectionLost }

    /// For a server error, whether its message starts with `prefix` (`NOGROUP`, `NOSCRIPT`, `BUSYGROUP`).
    func isServerError(_ prefix: String) -> Bool {
        code == .server && message.hasPrefix(prefix)
    }
}
