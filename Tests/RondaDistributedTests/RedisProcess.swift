import Foundation
import RondaTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server the test owns, on a fixed loopback port so it can be restarted in place:
/// with `persistent`, an append-only file fsynced on every write keeps the data across a
/// kill -9; without, a restart starts empty.
final class RedisProcess: Sendable {
    let port: Int
    let directory: String
    private let current: Mutex<ChildProcess?>

    var url: String { "redis://127.0.0.1:\(port)" }

    init(directory: String) async throws {
        self.directory = directory
        self.port = try freePort()
        self.current = Mutex(nil)
        try await start(persistent: true)
    }

    func start(persistent: Bool) async throws {
        var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", ""]
        arguments += persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
        let process = try ChildProcess("/usr/bin/redis-server", arguments, environment: [:], logPath: directory + "/redis.log")
        current.withLock { $0 = process }
        guard await waitUntilListening(port: port) else { throw ChildProcess.Failure(description: "redis-server did not start on \(port)") }
    }

    /// kill -9, then start again on the same port: with the data (`keepData`) or empty.
    func restart(keepData: Bool) async throws {
        await kill9()
        if !keepData {
            try? FileManager.default.removeItem(atPath: directory + "/appendonlydir")
        }
        try await start(persistent: keepData)
    }

    func kill9() async {
        let process = current.withLock { $0 }
        await process?.kill9()
    }
}

import Synchronization

/// A loopback port nothing listens on right now.
func freePort() throws -> Int {
    let (fd, port) = try SilentServer.bindLoopback(listen: false)
    close(fd)
    return port
}

/// Waits (up to 10 s) until something accepts connections on the port.
func waitUntilListening(port: Int) async -> Bool {
    for _ in 0..<500 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        close(fd)
        if connected { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}
