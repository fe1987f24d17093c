import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw TCP server on 127.0.0.1 that answers every request with bytes a test chooses,
/// HTTP or not: a banner of another protocol, a giant header block, a redirect to `ftp:`,
/// or a body that never ends. Each connection reads the request head, writes the reply
/// (or a TLS ClientHello) and closes (an endless reply stops when the client goes away). Stop it with ``stop()``.
public final class HTTPHostileServer: Sendable {
    /// What the server writes after reading a request head.
    public enum Reply: Sendable {
        /// These bytes, then close.
        case bytes([UInt8])
        /// `head`, then `chunk` again and again until the client closes the connection.
        case endless(head: [UInt8], chunk: [UInt8])
        /// `head`, then `chunk` every `pause`, until the client closes the connection: a body
        /// that outlasts any timeout without costing CPU.
        case trickle(head: [UInt8], chunk: [UInt8], pause: Duration)
    }

    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: ListeningSocket
    private let open: OpenSockets
    private let replies = Counter()

    /// Connections the server has begun to answer: for `.bytes`, counted as it writes the
    /// reply (before the client can read it); for the others, once their first bytes are written.
    public var repliesStarted: Int { replies.value }

    private final class Counter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// Sockets of connections not yet closed; every access holds `lock`.
    private final class OpenSockets: @unchecked Sendable {
        // Safe: every access to `fds` holds `lock`.
        private let lock = NSLock()
        private var fds: Set<Int32> = []
        func add(_ fd: Int32) { lock.withLock { _ = fds.insert(fd) } }
        /// Closes `fd`: only the connection's own thread does, once it is done with it.
        func close(_ fd: Int32) { lock.withLock { if fds.remove(fd) != nil { _ = Glibc.close(fd) } } }
        /// Ends every connection without closing its descriptor: the connection's thread, whose
        /// `send`/`recv` now fail, closes it. Closing it here would let that thread write to (or
        /// read from) whatever socket of the process reuses the number next.
        func shutdownAll() { lock.withLock { for fd in fds { _ = shutdown(fd, Int32(SHUT_RDWR)) } } }
    }

    public init(reply: Reply) throws {
        let (fd, port) = try SilentServer.bindLoopback(listen: true)
        let listener = ListeningSocket(fd: fd)
        self.listener = listener
        self.port = port
        let open = OpenSockets()
        self.open = open
        let replies = self.replies
        let thread = Thread {
            while let client = listener.accept() {
                open.add(client)
                let worker = Thread {
                    Self.serve(client, reply: reply, started: replies.increment)
                    open.close(client)
                }
                worker.name = "ronda.test.hostile-connection"
                worker.start()
            }
            listener.close()
        }
        thread.name = "ronda.test.hostile-server"
        thread.start()
    }

    /// Stops accepting and ends every connection. The listening socket is closed by the accepting
    /// thread (``ListeningSocket``), and each connection by its own thread, so no thread is left
    /// holding a descriptor number another part of the process may be given next.
    public func stop() {
        listener.stop()
        open.shutdownAll()
    }

    private static func serve(_ fd: Int32, reply: Reply, started: () -> Void) {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        // A TLS ClientHello (first byte 0x16) never ends in CRLF CRLF: answer it at once, as a
        // plain-HTTP server answers a client that speaks TLS to it.
        while !contains(head, end), head.first != 0x16, head.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            head += buffer[0..<n]
        }
        switch reply {
        case .bytes(let bytes):
            // Counted before the write: a client that has read the reply sees it counted.
            started()
            _ = write(fd, bytes)
        case .endless(let first, let chunk):
            guard write(fd, first) else { return }
            started()
            while write(fd, chunk) {}
        case .trickle(let first, let chunk, let pause):
            guard write(fd, first) else { return }
            started()
            let micros = pause.components.seconds * 1_000_000 + pause.components.attoseconds / 1_000_000_000_000
            while write(fd, chunk) { usleep(UInt32(clamping: micros)) }
        }
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle)
        {
            return true
        }
        return false
    }
}
