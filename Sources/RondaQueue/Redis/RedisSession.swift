import CHiredis
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One hiredis context and the blocking calls on it. It lives on its connection's dedicated
/// thread (see ``RedisConnection``) and is never shared: not `Sendable`, passed `inout`.
///
/// It connects lazily, authenticates and selects the database on every (re)connect, and
/// retries a batch of commands on a fresh connection when the connection fails, waiting with
/// exponential backoff (``RedisConfiguration/Retry``).
struct RedisSession: ~Copyable {
    private let configuration: RedisConfiguration
    private var context: UnsafeMutablePointer<redisContext>?
    private var socketTimeout: Duration?

    init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Drops the connection; the next command opens a new one.
    mutating func disconnect() {
        if let context { redisFree(context) }
        context = nil
        socketTimeout = nil
    }

    /// Sends `commands` in one pipeline and reads their replies (error replies included, as
    /// `.error`). `extraTimeout` lengthens the reply timeout (a blocking read's block time).
    /// On a connection failure the whole batch is sent again on a new connection, so batches
    /// must be safe to repeat (a repeated XADD duplicates a job; the store's unique key absorbs it).
    mutating func run(_ commands: [[String]], extraTimeout: Duration = .zero) -> Result<[RedisReply], RedisError> {
        var attempt = 1
        while true {
            do throws(RedisError) {
                try connectIfNeeded()
                try setSocketTimeout(configuration.commandTimeout + extraTimeout)
                return .success(try pipeline(commands))
            } catch {
                if error.isConnectionFailure || error.code == .timeout || error.code == .unexpectedReply {
                    disconnect()
                }
                guard error.isConnectionFailure, attempt < configuration.retry.attempts else {
                    return .failure(error)
                }
                Thread.sleep(forTimeInterval: configuration.retry.backoff(after: attempt).seconds)
                attempt += 1
            }
        }
    }

    private mutating func connectIfNeeded() throws(RedisError) {
        if context != nil { return }
        let opened = redisConnectWithTimeout(
            configuration.host,
            Int32(configuration.port),
            makeTimeval(configuration.connectTimeout)
        )
        guard let opened else {
            throw RedisError(code: .connectionFailed, message: "cannot allocate a Redis context")
        }
        if opened.pointee.err != 0 {
            let reason = Self.errorText(opened)
            redisFree(opened)
            throw RedisError(
                code: .connectionFailed,
                message:
                    "cannot connect to Redis at \(configuration.host):\(configuration.port): \(reason) (check RONDA_REDIS_URL)"
            )
        }
        redisEnableKeepAlive(opened)
        // hiredis opens its socket without close-on-exec: a process Ronda (or a test) starts
        // would otherwise inherit the connection.
        let flags = fcntl(opened.pointee.fd, F_GETFD)
        if flags >= 0 { _ = fcntl(opened.pointee.fd, F_SETFD, flags | FD_CLOEXEC) }
        context = opened
        socketTimeout = nil
        var setup: [[String]] = []
        if let password = configuration.password {
            setup.append(configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if configuration.database != 0 { setup.append(["SELECT", String(configuration.database)]) }
        if setup.isEmpty { return }
        try setSocketTimeout(configuration.commandTimeout)
        for (command, reply) in zip(setup, try pipeline(setup)) {
            guard case .error(let message) = reply else { continue }
            disconnect()
            if command[0] == "AUTH" {
                throw RedisError(
                    code: .authenticationFailed,
                    message: "Redis at \(configuration.host):\(configuration.port) refused AUTH: \(message)"
                )
            }
            throw RedisError(code: .server, message: "SELECT \(configuration.database) failed: \(message)")
        }
    }

    private mutating func setSocketTimeout(_ timeout: Duration) throws(RedisError) {
        guard let context, socketTimeout != timeout else { return }
        guard redisSetTimeout(context, makeTimeval(timeout)) == REDIS_OK else {
            throw RedisError(
                code: .connectionLost,
                message: "cannot set the socket timeout: \(Self.errorText(context))"
            )
        }
        socketTimeout = timeout
    }

    private func pipeline(_ commands: [[String]]) throws(RedisError) -> [RedisReply] {
        guard let context else { throw RedisError(code: .connectionLost, message: "not connected") }
        guard commands.allSatisfy({ !$0.isEmpty }) else {
            throw RedisError(code: .unexpectedReply, message: "an empty command")
        }
        for command in commands {
            let appended = Self.withArgv(command) { count, argv, lengths in
                redisAppendCommandArgv(context, count, argv, lengths)
            }
            guard appended == REDIS_OK else { throw failure(context) }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(context) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            defer { freeReplyObject(raw) }
            replies.append(try Self.convert(reply))
        }
        return replies
    }

    /// The error for a failed call on `context`, read before anything else changes `errno`.
    private func failure(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        let code = errno
        let reason = Self.errorText(context)
        let at = "\(configuration.host):\(configuration.port)"
        if context.pointee.err == REDIS_ERR_IO && (code == EAGAIN || code == EWOULDBLOCK) {
            return RedisError(code: .timeout, message: "Redis at \(at) did not answer within the timeout")
        }
        if context.pointee.err == REDIS_ERR_PROTOCOL {
            return RedisError(code: .unexpectedReply, message: "protocol error from Redis at \(at): \(reason)")
        }
        return RedisError(code: .connectionLost, message: "lost the connection to Redis at \(at): \(reason)")
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return bytes.isEmpty ? "unknown error" : String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) throws(RedisError) -> RedisReply {
        let value = reply.pointee
        func text() -> [UInt8] {
            guard let str = value.str, value.len > 0 else { return [] }
            return str.withMemoryRebound(to: UInt8.self, capacity: value.len) {
                Array(UnsafeBufferPointer(start: $0, count: value.len))
            }
        }
        switch value.type {
        case REDIS_REPLY_STATUS: return .status(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_INTEGER: return .integer(value.integer)
        case REDIS_REPLY_STRING: return .bulk(text())
        case REDIS_REPLY_NIL: return .null
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                guard let element = value.element[index] else {
                    items.append(.null)
                    continue
                }
                items.append(try convert(element))
            }
            return .array(items)
        default:
            throw RedisError(code: .unexpectedReply, message: "unknown reply type \(value.type)")
        }
    }

    /// Calls `body` with hiredis's argv form of `command`: pointers into one buffer and lengths
    /// (binary-safe, no NUL terminators needed).
    private static func withArgv<T>(
        _ command: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> T
    ) -> T {
        let blobs = command.map { Array($0.utf8) }
        let total = blobs.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, total))
        defer { storage.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        var offset = 0
        for blob in blobs {
            blob.withUnsafeBytes { source in
                if let base = source.baseAddress {
                    UnsafeMutableRawPointer(storage + offset).copyMemory(from: base, byteCount: source.count)
                }
            }
            pointers.append(UnsafePointer(storage + offset))
            lengths.append(blob.count)
            offset += blob.count
        }
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                body(Int32(command.count), argv.baseAddress!, argvlen.baseAddress!)
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

private func makeTimeval(_ duration: Duration) -> timeval {
    let parts = duration.components
    return timeval(tv_sec: Int(parts.seconds), tv_usec: Int(parts.attoseconds / 1_000_000_000_000))
}
