import Foundation
import Synchronization

@testable import RondaQueue

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway redis-server (no persistence) on a free loopback port, optionally with a
/// password. It can be killed (SIGKILL) and started again on the same port.
final class TestRedis: Sendable {
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") }

    let port: Int
    let password: String?
    private let pid = Mutex<Int32>(0)

    /// Starts the server and waits until it answers PING (up to about 5 s).
    init(password: String? = nil) throws {
        self.port = try Self.freePort()
        self.password = password
        try start()
    }

    deinit { stop() }

    /// A configuration for the queue under test, with quick reconnect retries.
    func configuration(password: String? = nil, retry: RedisConfiguration.Retry = .init(attempts: 8, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(500))) -> RedisConfiguration {
        RedisConfiguration(host: "127.0.0.1", port: port, password: password ?? self.password, commandTimeout: .seconds(5), retry: retry)
    }

    /// Connects, retrying while the server starts (up to about 5 s).
    func connect() throws -> RESPConnection {
        var lastError: (any Error)?
        for _ in 0..<500 {
            do {
                let connection = try RESPConnection(port: port)
                if let password { _ = try connection.command(["AUTH", password]) }
                return connection
            } catch { lastError = error }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw lastError ?? RESPConnection.Failure(message: "redis-server did not start")
    }

    /// SIGKILLs the server (no shutdown, no save) and reaps it.
    func stop() {
        let old = pid.withLock { pid in defer { pid = 0 }; return pid }
        guard old > 0 else { return }
        kill(old, SIGKILL)
        var status: Int32 = 0
        waitpid(old, &status, 0)
    }

    /// Kills the server and starts a new, empty one on the same port.
    func restart() throws {
        stop()
        try start()
    }

    private func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        pid.withLock { $0 = process.processIdentifier }
        let connection = try connect()
        guard try connection.command(["PING"]) == .simple("PONG") else {
            throw RESPConnection.Failure(message: "redis-server did not answer PING")
        }
    }

    /// A port nothing listens on right now (bound to port 0, then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw RESPConnection.Failure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Just enough RESP2 for tests: send a command, read one reply.
final class RESPConnection {
    struct Failure: Error { var message: String }
    let fd: Int32
    var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(fd)
            throw Failure(message: "connect failed")
        }
    }

    deinit { close(fd) }

    enum Reply: Equatable {
        case simple(String), error(String), integer(Int), bulk(String?), array([Reply])
    }

    func command(_ args: [String]) throws -> Reply {
        var out = "*\(args.count)\r\n"
        for a in args { out += "$\(a.utf8.count)\r\n\(a)\r\n" }
        let bytes = Array(out.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        return try readReply()
    }

    private func line() throws -> String {
        while true {
            if let i = buffer.indices.first(where: { $0 + 1 < buffer.count && buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
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
