import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A port whose TCP connects hang: a socket listening with a backlog of 0 that never accepts,
/// its accept queue already filled by connections of its own. Linux drops the SYN of any
/// further connect, so a client waits until its connect timeout runs out — a connect timeout
/// on loopback, with no outside network. Stop it with ``stop()``.
public final class FullBacklogListener: Sendable {
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// The listener and its own connections; emptied by the first ``stop()``, so a second one
    /// closes nothing (the numbers may belong to other sockets by then).
    private let descriptors: Mutex<[Int32]>

    public init() throws {
        let (listener, port) = try SilentServer.bindLoopback(listen: false)
        guard listen(listener, 0) == 0 else {
            close(listener)
            throw SilentServer.SocketError(description: "listen() failed: errno \(errno)")
        }
        var descriptors = [listener]
        // Three connects: the first fills the queue (backlog 0 holds one), the rest are held
        // half-open; the listener's queue stays full as long as they live.
        for _ in 0..<3 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { continue }
            descriptors.append(fd)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        // The first connect completes once the handshake is done: wait for it (up to 5 s), so
        // the queue is full before any test connects.
        if descriptors.count > 1 {
            var entry = pollfd(fd: descriptors[1], events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, 5_000)
        }
        self.port = port
        self.descriptors = Mutex(descriptors)
    }

    /// Closes the listener and its own connections.
    public func stop() {
        let open = descriptors.withLock { descriptors in
            defer { descriptors = [] }
            return descriptors
        }
        for fd in open { close(fd) }
    }
}
