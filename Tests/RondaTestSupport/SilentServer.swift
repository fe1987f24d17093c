import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw POSIX TCP server on 127.0.0.1 that accepts connections and never
/// sends a byte: requests to it hang until the client gives up.
public final class SilentServer: Sendable {
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: ListeningSocket
    private let accepted: Accepted
    private let connections: AsyncStream<Void>

    public struct SocketError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Accepted sockets, kept open (never answered) until ``stop()``.
    private final class Accepted: @unchecked Sendable {
        // Safe: every access to the stored properties holds `lock`.
        private let lock = NSLock()
        private var fds: [Int32] = []
        private var total = 0
        private var closed = false
        func add(_ fd: Int32) {
            lock.withLock {
                total += 1
                // Accepted while the server was being stopped: not kept.
                if closed { _ = close(fd) } else { fds.append(fd) }
            }
        }
        var count: Int { lock.withLock { total } }
        func closeAll() {
            lock.withLock {
                closed = true
                for fd in fds { close(fd) }
                fds.removeAll()
            }
        }
    }

    public init() throws {
        let (fd, port) = try Self.bindLoopback(listen: true)
        let listener = ListeningSocket(fd: fd)
        self.listener = listener
        self.port = port
        let accepted = Accepted()
        self.accepted = accepted
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)
        self.connections = stream
        let thread = Thread {
            while let client = listener.accept() {
                accepted.add(client)
                continuation.yield()
            }
            // Closed here, once accepting ended, not in `stop()` (see ``ListeningSocket``).
            listener.close()
            continuation.finish()
        }
        thread.name = "ronda.test.silent-server"
        thread.start()
    }

    /// Returns once the server has accepted its next connection (each accepted connection is reported once).
    public func waitForConnection() async {
        for await _ in connections { return }
    }

    /// Connections accepted so far.
    public var connectionCount: Int { accepted.count }

    /// Stops accepting and closes every connection.
    public func stop() {
        listener.stop()
        accepted.closeAll()
    }

    /// A socket bound to 127.0.0.1 on `port` (0: an ephemeral port the kernel picks), listening
    /// or not; returns (fd, port). A bound socket that does not listen refuses connections: a
    /// port for "connection refused".
    public static func bindLoopback(port: Int = 0, listen shouldListen: Bool) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw SocketError(description: "bind() failed: errno \(errno)")
        }
        if shouldListen, listen(fd, 64) != 0 {
            close(fd)
            throw SocketError(description: "listen() failed: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            close(fd)
            throw SocketError(description: "getsockname() failed: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
