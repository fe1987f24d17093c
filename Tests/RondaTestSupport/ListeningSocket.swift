import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A listening socket shared by the thread that accepts on it and whoever stops it.
///
/// A descriptor number is reused by the next socket the process opens. So once the accepting
/// thread has closed the listener, `stop()` must not touch the number any more: a `shutdown`
/// of it would end some other test's connection, or its server's listening socket ("Empty reply
/// from server", "Connection reset by peer", "Couldn't connect" in unrelated tests). Here the
/// shutdown and the close hold one lock, and the close happens once. The accepting thread also
/// keeps accepting through the errors a busy machine produces (a connection reset before it was
/// accepted, descriptors momentarily exhausted) instead of leaving early.
final class ListeningSocket: Sendable {
    let fd: Int32
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var closed = false
    }

    init(fd: Int32) {
        self.fd = fd
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Stops accepting: a blocked `accept` returns. Idempotent; never touches a closed number.
    func stop() {
        state.withLock { state in
            state.stopping = true
            if !state.closed { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// The next accepted connection, or `nil` once the socket is stopped (a connection accepted
    /// after that is closed at once).
    func accept() -> Int32? {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            let error = errno
            if isStopping {
                if client >= 0 { _ = Glibc.close(client) }
                return nil
            }
            if client >= 0 { return client }
            switch error {
            case EINTR, ECONNABORTED, EPROTO: continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                usleep(1_000)  // out of descriptors or memory for a moment: try again
                continue
            default: return nil
            }
        }
    }

    /// Closes the listener; the accepting thread calls it once `accept` returned `nil`.
    func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            _ = Glibc.close(fd)
        }
    }
}
