import Synchronization

/// A Lua script run with `EVALSHA`, loaded with `SCRIPT LOAD` the first time and again when
/// the server forgot it (`NOSCRIPT`: a restarted Redis, `SCRIPT FLUSH`).
final class RedisScript: Sendable {
    let source: String
    private let digest = Mutex<String?>(nil)

    init(_ source: String) {
        self.source = source
    }

    /// Runs the script with `keys` (KEYS) and `arguments` (ARGV) and returns its reply.
    func run(on connection: RedisConnection, keys: [String], arguments: [String]) async throws(RedisError) -> RedisReply
    {
        let tail = [String(keys.count)] + keys + arguments
        for _ in 0..<2 {
            let sha = try await load(on: connection)
            do throws(RedisError) {
                return try await connection.send(["EVALSHA", sha] + tail)
            } catch {
                guard error.isServerError("NOSCRIPT") else { throw error }
                digest.withLock { $0 = nil }
            }
        }
        return try await connection.send(["EVAL", source] + tail)
    }

    private func load(on connection: RedisConnection) async throws(RedisError) -> String {
        if let known = digest.withLock({ $0 }) { return known }
        guard let sha = try await connection.send(["SCRIPT", "LOAD", source]).string else {
            throw RedisError(code: .unexpectedReply, message: "SCRIPT LOAD did not answer a digest")
        }
        digest.withLock { $0 = sha }
        return sha
    }
}
