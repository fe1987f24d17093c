import Foundation
import Synchronization

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

/// A loopback port nothing is bound to right now, for a server a test starts itself on it
/// (redis-server, PostgreSQL, a receiver) or for "connection refused".
///
/// Taken below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`), where
/// neither the tests' outgoing connections nor servers bound to port 0 are given ports: a port
/// from inside it, closed and handed on, could become the local end of some connection before
/// the test's server binds it. The process's tests take the ports in turn from a start that
/// depends on the process id, and each is bound once to check that it is free. Falls back to
/// an ephemeral port where the range leaves no room below it.
public func freePort() throws -> Int {
    if let quiet = quietPorts {
        for _ in 0..<1_000 {
            let port = quiet.lowerBound + (portStart + portCursor.add(1, ordering: .relaxed).newValue) % quiet.count
            if let (fd, _) = try? SilentServer.bindLoopback(port: port, listen: false) {
                close(fd)
                return port
            }
        }
    }
    let (fd, port) = try SilentServer.bindLoopback(listen: false)
    close(fd)
    return port
}

/// 10000 up to the kernel's first ephemeral port; `nil` when that leaves fewer than 2,000.
private let quietPorts: Range<Int>? = {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
        let first = text.split(whereSeparator: \.isWhitespace).first.flatMap({ Int($0) }), first >= 12_000
    else { return nil }
    return 10_000..<first
}()
private let portStart = Int(getpid()) &* 7_919 % 20_000
private let portCursor = Atomic<Int>(0)

/// Whether something accepts TCP connections on the loopback `port` right now.
public func isListening(port: Int) -> Bool {
    guard let fd = connectLoopback(port: port) else { return false }
    close(fd)
    return true
}

/// A TCP socket connected to 127.0.0.1:`port` (the caller closes it), or `nil` when nothing
/// accepts there.
public func connectLoopback(port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else {
        close(fd)
        return nil
    }
    return fd
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
