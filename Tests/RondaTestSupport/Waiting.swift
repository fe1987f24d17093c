import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 20 ms until it holds or `seconds` have passed; returns the last
/// answer, which the test asserts. The way tests wait for background work (never a fixed sleep).
public func eventually(_ seconds: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A loopback port nothing listens on right now (bound to port 0, then closed).
public func freePort() throws -> Int {
    let (fd, port) = try SilentServer.bindLoopback(listen: false)
    close(fd)
    return port
}

/// Whether something accepts TCP connections on the loopback `port` right now.
public func isListening(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// Waits (polling, up to `seconds`) until something accepts connections on the loopback `port`.
public func waitUntilListening(port: Int, seconds: Double = 10) async -> Bool {
    await eventually(seconds) { isListening(port: port) }
}

/// A fresh SQLite database path in its own temporary directory (the file does not exist yet).
public func temporaryDatabase(_ prefix: String = "ronda-tests") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)/ronda.sqlite").path
}

/// Runs `body`, then `teardown`, awaited whether `body` returned or threw: how a test stops the
/// servers and processes it started (a `defer { Task { … } }` would leave them running while
/// the next test starts).
public func withTeardown(_ body: () async throws -> Void, teardown: () async -> Void) async throws {
    do {
        try await body()
    } catch {
        await teardown()
        throw error
    }
    await teardown()
}
