import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server the test owns, on a free loopback port it keeps across restarts, started with
/// `posix_spawn` (`ChildProcess`) and killed with SIGKILL.
///
/// - `TestRedis()`: no persistence; `restart()` starts it again empty.
/// - `TestRedis(directory:persistent: true)`: an append-only file fsynced on every write keeps
///   the data across a kill -9 (`restart(keepData: true)`).
/// - `TestRedis.forQueueTests()`: the server named by `RONDA_TEST_REDIS_URL` when set (CI can
///   point the tests at an existing redis), otherwise a server of the test's own. Tests that
///   kill or restart the server always start their own.
public final class TestRedis: Sendable {
    /// Whether redis-server is installed (to start a server of the test's own).
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") }

    /// `RONDA_TEST_REDIS_URL`, when set and not empty.
    public static var externalURL: String? {
        ProcessInfo.processInfo.environment["RONDA_TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public let host: String
    public let port: Int
    public let password: String?
    /// The logical database (`SELECT`), 0 for a server of the test's own.
    public let database: Int
    /// The working directory (log, append-only file); `nil` for an external server.
    public let directory: String?
    /// Whether the server is someone else's (`RONDA_TEST_REDIS_URL`): never killed, never restarted.
    public let isExternal: Bool
    private let current = Mutex<ChildProcess?>(nil)

    /// `redis://[:password@]host:port[/database]`.
    public var url: String {
        let auth =
            password.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) + "@" } ?? ""
        return "redis://\(auth)\(host):\(port)" + (database == 0 ? "" : "/\(database)")
    }

    /// Starts a server of the test's own and waits until it answers PING.
    /// Starts a server like `init`, off the cooperative pool: starting waits for its PING, and
    /// a test that blocks one of the pool's two threads here stalls every other test.
    public static func started(
        password: String? = nil,
        directory: String? = nil,
        persistent: Bool = false
    ) async throws -> TestRedis {
        try await offCooperativePool { try TestRedis(password: password, directory: directory, persistent: persistent) }
    }

    public init(password: String? = nil, directory: String? = nil, persistent: Bool = false) throws {
        self.host = "127.0.0.1"
        self.port = try freePort()
        self.password = password
        self.database = 0
        self.directory = try directory ?? Checkout.temporaryDirectory("ronda-redis")
        self.isExternal = false
        try start(persistent: persistent)
    }

    private init(external url: URL) throws {
        guard url.scheme == "redis", let host = url.host, !host.isEmpty else {
            throw RESPConnection.Failure(
                message: "RONDA_TEST_REDIS_URL must be redis://[:password@]host:port[/db], not \(url)"
            )
        }
        self.host = host
        self.port = url.port ?? 6379
        self.password = url.password?.removingPercentEncoding
        self.database = Int(url.path.dropFirst()) ?? 0
        self.directory = nil
        self.isExternal = true
    }

    /// The server for tests that only need one (no kill, no restart): `RONDA_TEST_REDIS_URL`
    /// when set, else a server of the test's own. Callers keep their keys unique (`uniqueKey`).
    public static func forQueueTests() throws -> TestRedis {
        if let text = externalURL {
            guard let url = URL(string: text) else {
                throw RESPConnection.Failure(message: "RONDA_TEST_REDIS_URL is not a URL")
            }
            return try TestRedis(external: url)
        }
        return try TestRedis()
    }

    /// A key prefix no other test uses, so tests can share one server.
    public static func uniqueKey(_ name: String) -> String { "test:\(UUID().uuidString.prefix(8)):\(name)" }

    deinit { stop() }

    /// Starts the server (again) on this port: with an append-only file when `persistent`.
    public func start(persistent: Bool = false) throws {
        guard !isExternal else { return }
        var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""]
        if let directory { arguments += ["--dir", directory] }
        arguments += persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
        if let password { arguments += ["--requirepass", password] }
        let log = (directory ?? NSTemporaryDirectory()) + "/redis.log"
        let process = try ChildProcess("/usr/bin/redis-server", arguments, environment: [:], logPath: log)
        current.withLock { $0 = process }
        // A restarted server with an append-only file answers `-LOADING` until it has read it back.
        let connection = try connect()
        let end = ContinuousClock.now + .seconds(30)
        var reply = try connection.command(["PING"])
        while reply != .simple("PONG") && ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.01)
            reply = try connection.command(["PING"])
        }
        guard reply == .simple("PONG") else {
            throw RESPConnection.Failure(message: "redis-server did not answer PING (last reply: \(reply))")
        }
    }

    /// Connects (and authenticates), retrying for up to 10 s while the server starts.
    public func connect() throws -> RESPConnection {
        var lastError: (any Error)?
        let end = ContinuousClock.now + .seconds(10)
        repeat {
            do {
                let connection = try RESPConnection(port: port, host: host)
                if let password { _ = try connection.command(["AUTH", password]) }
                if database != 0 { _ = try connection.command(["SELECT", String(database)]) }
                return connection
            } catch { lastError = error }
            Thread.sleep(forTimeInterval: 0.01)
        } while ContinuousClock.now < end
        throw lastError ?? RESPConnection.Failure(message: "redis-server did not start")
    }

    /// SIGKILLs the server (no shutdown, no save) and reaps it. Nothing for an external server.
    public func stop() {
        let process = current.withLock { process in
            defer { process = nil }
            return process
        }
        process?.killAndReap()
    }

    /// `stop()`, for callers in async code.
    public func kill9() async { stop() }

    /// Kills the server and starts a new, empty one on the same port.
    public func restart() throws {
        stop()
        try start()
    }

    /// kill -9, then start again on the same port: with its data (`keepData`, append-only file)
    /// or empty.
    public func restart(keepData: Bool) throws {
        stop()
        if !keepData, let directory { try? FileManager.default.removeItem(atPath: directory + "/appendonlydir") }
        try start(persistent: keepData)
    }
}

/// Just enough RESP2 for tests: send a command, read one reply.
public final class RESPConnection {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        public init(message: String) { self.message = message }
    }
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the loopback `port`.
    public init(port: Int, host: String = "127.0.0.1") throws {
        // Connected before `self` exists: an init that throws after its stored properties are
        // set runs `deinit`, whose close would then close the number a second time — by then
        // possibly another test's socket (a curl connection, a server's listener, a Redis link).
        fd = try Self.connected(port: port, host: host)
    }

    private static func connected(port: Int, host: String) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(message: "connect failed")
        }
        return fd
    }

    deinit { close(fd) }

    /// One RESP2 reply.
    public enum Reply: Equatable, Sendable {
        case simple(String)
        case error(String)
        case integer(Int)
        case bulk(String?)
        case array([Reply])
    }

    /// Sends one command and reads its reply.
    public func command(_ args: [String]) throws -> Reply {
        var out = "*\(args.count)\r\n"
        for a in args { out += "$\(a.utf8.count)\r\n\(a)\r\n" }
        let bytes = Array(out.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        return try readReply()
    }

    private func line() throws -> String {
        while true {
            if let i = buffer.indices.first(where: { $0 + 1 < buffer.count && buffer[$0] == 13 && buffer[$0 + 1] == 10 }
            ) {
                let text = String(decoding: buffer[..<i], as: UTF8.self)
                buffer.removeFirst(i + 2)
                return text
            }
            try fill()
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(message: "connection closed") }
        buffer += chunk[..<n]
    }

    private func readReply() throws -> Reply {
        let head = try line()
        let rest = String(head.dropFirst())
        switch head.first {
        case "+": return .simple(rest)
        case "-": return .error(rest)
        case ":": return .integer(Int(rest) ?? 0)
        case "$":
            let length = Int(rest) ?? -1
            if length < 0 { return .bulk(nil) }
            while buffer.count < length + 2 { try fill() }
            let text = String(decoding: buffer[..<length], as: UTF8.self)
            buffer.removeFirst(length + 2)
            return .bulk(text)
        case "*":
            let count = Int(rest) ?? 0
            return .array(try (0..<max(0, count)).map { _ in try readReply() })
        default: throw Failure(message: "unexpected reply \(head)")
        }
    }
}
