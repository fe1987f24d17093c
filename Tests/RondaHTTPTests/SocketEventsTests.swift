import CCurl
import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

/// The multi transport's loops wait for curl's sockets in their own epoll set
/// (`curl_multi_socket_action`): a connection's socket stays registered from one transfer to
/// the next, and a descriptor number that a closed socket gave up, then a new socket took, is
/// registered again (never taken for the old one, which the kernel dropped from the set).
@Suite struct SocketEventsTests {
    /// 200 requests in a row on one kept-alive connection: the socket is registered when the
    /// connection opens, not once (or twice: add, then remove) per request.
    @Test func requestsOnAKeptConnectionLeaveItsSocketRegistered() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(loops: 1)
        let session = HTTPSession(executor: executor)
        var statuses: [Int] = []
        var connections = 0
        for _ in 0..<200 {
            let response = try await session.send(ClientRequest(url: server.url("/ok")))
            statuses.append(response.status)
            connections += response.newConnections
        }
        session.close()
        #expect(statuses == Array(repeating: 200, count: 200))
        #expect(connections == 1)
        let registrations = executor.socketRegistrationsPerLoop
        #expect(registrations.count == 1)
        // Connecting waits to write, the answers to read: two calls, a few more at most.
        #expect((1...4).contains(registrations[0]), "epoll_ctl calls for 200 requests: \(registrations)")
        await server.stop()
    }

    /// A server that closes every connection after its answer: each request opens a new socket,
    /// which usually takes the number the last one gave up. Each must be watched again, or its
    /// request would wait for its timeout. Interleaved with requests to a host name (resolved
    /// by curl's resolver thread, which signals curl through a socket pair that takes numbers
    /// too), on a new executor per round so every round resolves again.
    @Test func descriptorNumbersTakenByNewSocketsAreWatchedAgain() async throws {
        let server = try HTTPHostileServer(
            reply: .bytes(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8))
        )
        defer { server.stop() }
        let hosts = ["127.0.0.1"] + (Self.loopbackHostName().map { [$0] } ?? [])
        var statuses: [Int] = []
        var newConnections = 0
        var registrations = 0
        for _ in 0..<10 {
            let executor = CurlExecutor(loops: 1)
            let session = HTTPSession(executor: executor)
            for _ in 0..<3 {
                for host in hosts {
                    let url = "http://\(host):\(server.port)/close"
                    // A socket left unwatched would end this by its timeout, as an error.
                    let request = ClientRequest(url: url, options: .init(totalTimeout: .seconds(20)))
                    let response = try await session.send(request)
                    statuses.append(response.status)
                    newConnections += response.newConnections
                }
            }
            session.close()
            registrations += executor.socketRegistrationsPerLoop.reduce(0, +)
        }
        let requests = 10 * 3 * hosts.count
        #expect(statuses == Array(repeating: 200, count: requests))
        #expect(newConnections == requests)
        #expect(server.repliesStarted == requests)
        #expect(registrations >= requests, "every new socket is registered")
    }

    /// A name other than `localhost` (which curl answers itself) that /etc/hosts maps to
    /// 127.0.0.1, so curl's resolver thread looks it up; `nil` when there is none.
    static func loopbackHostName() -> String? {
        guard let hosts = try? String(contentsOfFile: "/etc/hosts", encoding: .utf8) else { return nil }
        for line in hosts.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.first == "127.0.0.1" else { continue }
            if let name = fields.dropFirst().first(where: { !$0.hasPrefix("#") && $0.lowercased() != "localhost" }) {
                return String(name)
            }
        }
        return nil
    }
}

/// The registration rules of the loops' epoll sets, with libcurl's part (its socket callback,
/// its socket open and close hooks) played by the test on socket pairs it controls.
@Suite struct SocketRegistrationTests {
    /// A multi handle and its events; freed by ``close()``.
    private struct Loop {
        let multi: UnsafeMutableRawPointer
        let events: OpaquePointer

        init() throws {
            multi = try #require(ccurl_multi_init())
            events = try #require(ccurl_events_new(multi))
        }

        var controls: Int { Int(ccurl_events_control_calls(events)) }

        /// Sockets ready within `milliseconds`; what was found is handed to curl (which knows none of
        /// these sockets and ignores them), so the next call waits again.
        func ready(within milliseconds: Int32) -> Int32 {
            let count = ccurl_events_wait(events, milliseconds)
            ccurl_events_drive(events)
            return count
        }

        func close() {
            ccurl_multi_cleanup(multi)
            ccurl_events_free(events)
        }
    }

    private static func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    /// Curl closes `socket` (its close hook) and the number goes to a new socket, made before the
    /// close so that neither of its ends takes the number itself. Returns the new socket's peer.
    private static func replace(_ socket: Int32, peer oldPeer: Int32) throws -> Int32 {
        let (other, peer) = try socketPair()
        #expect(ccurl_socket_close(nil, socket) == 0)
        Glibc.close(oldPeer)
        try #require(dup2(other, socket) == socket)
        Glibc.close(other)
        return peer
    }

    private static func send(_ fd: Int32) {
        var byte: UInt8 = 1
        #expect(write(fd, &byte, 1) == 1)
    }

    /// A socket curl opened and stops watching between transfers stays registered: watching it
    /// again for the same events costs no system call.
    @Test func aConnectionsSocketStaysRegisteredBetweenTransfers() throws {
        let loop = try Loop()
        defer { loop.close() }
        let (socket, peer) = try Self.socketPair()
        defer { Glibc.close(peer) }
        ccurl_socket_opened(socket)
        #expect(ccurl_events_socket_changed(loop.events, socket, CURL_POLL_IN) == 0)
        let afterFirst = loop.controls
        #expect(afterFirst == 1)
        for _ in 0..<10 {
            #expect(ccurl_events_socket_changed(loop.events, socket, CURL_POLL_REMOVE) == 0)
            #expect(ccurl_events_socket_changed(loop.events, socket, CURL_POLL_IN) == 0)
        }
        #expect(loop.controls == afterFirst)
        Self.send(peer)
        #expect(loop.ready(within: 5_000) == 1)
        #expect(ccurl_socket_close(nil, socket) == 0)
    }

    /// A kept socket that fires while no transfer wants it (the server closed the connection) is
    /// dropped from the set at once, so the loop does not wake for it again and again.
    @Test func aKeptSocketThatFiresUnwantedIsDropped() throws {
        let loop = try Loop()
        defer { loop.close() }
        let (socket, peer) = try Self.keptSocket(in: loop)
        Glibc.close(peer)  // end of file: readable from now on
        #expect(loop.ready(within: 5_000) == 1)
        #expect(loop.ready(within: 0) == 0, "dropped, not reported again")
        #expect(loop.controls == 2)
        // Wanted again (curl reuses the connection): registered again, and it fires.
        _ = ccurl_events_socket_changed(loop.events, socket, CURL_POLL_IN)
        #expect(loop.ready(within: 5_000) == 1)
        #expect(ccurl_socket_close(nil, socket) == 0)
    }

    /// Curl closes a kept socket; the number then goes to a new socket, which curl watches for
    /// the same events: one curl opened (its open hook runs) or a descriptor it made otherwise
    /// (as its resolver's socket pair, no hook). The kernel dropped the old socket's
    /// registration with it: the new one must be registered, not taken for the old one.
    @Test(arguments: [true, false])
    func aNumberTakenByANewSocketIsRegisteredAgain(openedByCurl: Bool) throws {
        let loop = try Loop()
        defer { loop.close() }
        let (socket, firstPeer) = try Self.keptSocket(in: loop)
        let peer = try Self.replace(socket, peer: firstPeer)
        defer { Glibc.close(peer) }
        if openedByCurl { ccurl_socket_opened(socket) }
        _ = ccurl_events_socket_changed(loop.events, socket, CURL_POLL_IN)
        Self.send(peer)
        #expect(loop.ready(within: 5_000) == 1, "the new socket is watched")
        _ = ccurl_events_socket_changed(loop.events, socket, CURL_POLL_REMOVE)
        #expect(ccurl_socket_close(nil, socket) == 0)
    }

    /// A socket curl opened, watched for one transfer and kept when it ended; and its peer.
    private static func keptSocket(in loop: Loop) throws -> (Int32, Int32) {
        let (socket, peer) = try socketPair()
        ccurl_socket_opened(socket)
        #expect(ccurl_events_socket_changed(loop.events, socket, CURL_POLL_IN) == 0)
        #expect(ccurl_events_socket_changed(loop.events, socket, CURL_POLL_REMOVE) == 0)
        return (socket, peer)
    }
}
