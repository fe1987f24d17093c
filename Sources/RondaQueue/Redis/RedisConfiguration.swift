import Foundation
import RondaCore

/// Where Redis is and how to talk to it: parsed from `redis://[user:password@]host[:port][/db]`
/// (the value of `RONDA_REDIS_URL`), with timeouts and the reconnect policy.
public struct RedisConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// How a failed connection is retried: `attempts` tries in all, waiting `initialBackoff`,
    /// then twice as long each time, never more than `maxBackoff`.
    public struct Retry: Sendable, Hashable {
        public var attempts: Int
        public var initialBackoff: Duration
        public var maxBackoff: Duration

        public init(
            attempts: Int = 6,
            initialBackoff: Duration = .milliseconds(100),
            maxBackoff: Duration = .seconds(2)
        ) {
            self.attempts = max(1, attempts)
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }

        /// One try, no waiting: fail fast.
        public static let none = Retry(attempts: 1)

        /// The wait before try number `attempt + 1` (`attempt` counts from 1).
        func backoff(after attempt: Int) -> Duration {
            var wait = initialBackoff
            for _ in 1..<max(1, attempt) {
                wait = wait * 2
                if wait >= maxBackoff { return maxBackoff }
            }
            return min(wait, maxBackoff)
        }
    }

    public var host: String
    public var port: Int
    /// The database number selected after connecting (`/db` in the URL).
    public var database: Int
    /// The ACL user (Redis 6+); `nil` authenticates as the default user.
    public var username: String?
    public var password: String?
    /// How long opening a connection may take.
    public var connectTimeout: Duration
    /// How long a command may wait for its reply (a blocking read adds its own block time).
    public var commandTimeout: Duration
    public var retry: Retry

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        database: Int = 0,
        username: String? = nil,
        password: String? = nil,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        retry: Retry = Retry()
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.retry = retry
    }

    /// What `rediss://` answers: this build speaks TLS to Redis through a sidecar, not itself.
    public static let tlsExplanation = """
        RONDA_REDIS_URL: rediss:// is not used directly: this build links Debian 12's hiredis 0.14, which has \
        no TLS. Run the stunnel sidecar (deploy/stunnel/redis-client.conf: compose profile 'redis-tls', or a \
        sidecar container in Kubernetes) and point RONDA_REDIS_URL at it with redis://, e.g. \
        redis://default:PASSWORD@127.0.0.1:6380/0 — see docs/deployment.md, "Redis over TLS"
        """

    /// Parses `redis://[user:password@]host[:port][/db]`. Throws `.invalidURL` with a message
    /// naming RONDA_REDIS_URL and what is wrong; the password never appears in it.
    public init(url text: String) throws(RedisError) {
        func invalid(_ reason: String) -> RedisError {
            RedisError(
                code: .invalidURL,
                message:
                    "RONDA_REDIS_URL is not a valid Redis URL (\(reason)); expected redis://[user:password@]host[:port][/db]"
            )
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed) else { throw invalid("cannot parse it") }
        guard let scheme = components.scheme?.lowercased() else { throw invalid("no scheme") }
        if scheme == "rediss" { throw RedisError(code: .invalidURL, message: Self.tlsExplanation) }
        guard scheme == "redis" else { throw invalid("scheme '\(scheme)' instead of redis") }
        // As written: `host` would load ICU's IDNA data (megabytes of a worker's memory) to decode it.
        guard let host = URLText.host(trimmed)?.removingPercentEncoding, !host.isEmpty else { throw invalid("no host") }
        let port = components.port ?? 6379
        guard (1...65535).contains(port) else { throw invalid("port \(port) out of range") }
        var database = 0
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else { throw invalid("database '\(path)' is not a number") }
            database = number
        }
        if components.query != nil { throw invalid("query parameters are not supported") }
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        if user != nil && password == nil { throw invalid("a user without a password") }
        self.init(host: host, port: port, database: database, username: user, password: password)
    }

    /// The URL without the password, for logs and messages.
    public var description: String {
        var credentials = ""
        if password != nil { credentials = "\(username ?? ""):***@" }
        return "redis://\(credentials)\(host):\(port)/\(database)"
    }
}
