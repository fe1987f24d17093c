import Foundation
import Testing

@testable import RondaQueue

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway redis-server (no persistence) on a free loopback port, and a minimal RESP
/// connection to it over a plain socket.
final class TestRedis: Sendable {
    let port: Int
    let pid: Int32

    init() throws {
        port = Int.random(in: 20_000...60_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        pid = process.processIdentifier
    }

    /// Connects, retrying while the server starts (up to about 5 s).
    func connect() throws -> RESPConnection {
        var lastError: (any Error)?
        for _ in 0..<500 {
            do { return try RESPConnection(port: port) } catch { lastError = error }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw lastError ?? RESPConnection.Failure(message: "redis-server did not start")
    }

    func stop() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
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

/// The GCRA Lua script on a real redis-server.
struct GCRARedisTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server")))
    func theScriptAllowsTheBurstThenRefusesWithARetryTime() throws {
        let redis = try TestRedis()
        defer { redis.stop() }
        let connection = try redis.connect()
        let gcra = GCRA(rate: 1, burst: 3)
        var allowed = 0
        var lastRetry = 0
        for _ in 0..<5 {
            let reply = try connection.command(["EVAL", GCRA.luaScript, "1", "ronda:rate:example.com", String(gcra.emissionInterval), String(gcra.tolerance)])
            guard case .array(let items) = reply, items.count == 2, case .integer(let ok) = items[0], case .integer(let retry) = items[1] else {
                Issue.record("unexpected reply \(reply)")
                return
            }
            if ok == 1 { allowed += 1 } else { lastRetry = retry }
        }
        #expect(allowed == 3)
        // Refused with about one emission interval (1 s) to wait, in microseconds.
        #expect(lastRetry > 900_000 && lastRetry <= 1_000_000)
        // The key expires by itself once idle.
        guard case .integer(let ttl) = try connection.command(["PTTL", "ronda:rate:example.com"]) else {
            Issue.record("PTTL did not answer an integer")
            return
        }
        #expect(ttl > 0)
    }
}
