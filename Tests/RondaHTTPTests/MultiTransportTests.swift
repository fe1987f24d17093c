import Foundation
import Hummingbird
import RondaHTTP
import RondaTestSupport
import Testing

/// The multi transport (curl's multi interface on event-loop threads) under what a busy worker
/// meets: cancellation, connect timeouts, servers that drop kept-alive connections (the load
/// tests, 1,000 at once and 100,000 in a row, are `TransportLoadTests`, in the integration
/// phase). Every other HTTP test runs on it too: it is the default transport.
@Suite struct MultiTransportTests {
    @Test func theDefaultTransportIsMulti() {
        #expect(CurlExecutor.shared.transport == .multi)
        #expect(CurlExecutor.forConcurrency(32) === CurlExecutor.shared)
        #expect(CurlExecutor(threads: 1).transport == .threads)
    }

    @Test(arguments: [CurlExecutor.Transport.multi, .threads])
    func cancellingMidBodyEndsTheRequest(transport: CurlExecutor.Transport) async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".utf8)
        let server = try HTTPHostileServer(
            reply: .trickle(
                head: head,
                chunk: Array(repeating: UInt8(ascii: "x"), count: 512),
                pause: .milliseconds(20)
            )
        )
        defer { server.stop() }
        let executor = transport == .multi ? CurlExecutor(loops: 1) : CurlExecutor(threads: 1)
        let session = HTTPSession(executor: executor)
        defer { session.close() }
        let request = ClientRequest(url: server.baseURL + "/endless", options: .init(totalTimeout: .seconds(120)))
        let task = Task { () async -> HTTPClientError? in
            do throws(HTTPClientError) {
                _ = try await session.send(request)
                return nil
            } catch {
                return error
            }
        }
        // The head and body have begun to arrive: the transfer is mid-body.
        #expect(await eventually(30) { server.repliesStarted == 1 })
        task.cancel()
        let error = await task.value
        #expect(error?.code == .cancelled)
        #expect(executor.transfersInFlight == 0)
        // The session is usable again after a cancelled transfer.
        let ok = try await TestHTTPServer.start { router in router.get("/ok") { _, _ in "ok" } }
        #expect(try await session.send(ClientRequest(url: ok.url("/ok"))).bodyText == "ok")
        await ok.stop()
    }

    @Test(arguments: [CurlExecutor.Transport.multi, .threads])
    func aConnectThatHangsTimesOutAsAConnectTimeout(transport: CurlExecutor.Transport) async throws {
        let listener = try FullBacklogListener()
        defer { listener.stop() }
        let executor = transport == .multi ? CurlExecutor(loops: 1) : CurlExecutor(threads: 1)
        let session = HTTPSession(executor: executor)
        defer { session.close() }
        let url = listener.baseURL + "/never"
        let request = ClientRequest(
            url: url,
            options: .init(connectTimeout: .milliseconds(300), totalTimeout: .seconds(60))
        )
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(request) }
        #expect(error?.code == .timeout)
        #expect(
            error?.message
                == "timed out after 0.3 s connecting to \(url) (the connect timeout, defaults.connect_timeout)"
        )
    }

    /// The server answers without `Connection: close` and then closes: every pooled
    /// connection is dead when the next request wants it, and curl must notice and reconnect.
    @Test(arguments: [true, false])
    func aServerClosingKeptAliveConnectionsUnderThePoolCostsNoRequest(shared: Bool) async throws {
        let server = try HTTPHostileServer(
            reply: .bytes(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok".utf8))
        )
        defer { server.stop() }
        let executor = CurlExecutor(loops: 1)
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let session = HTTPSession(executor: executor)
                    defer { session.close() }
                    var statuses: [Int] = []
                    for _ in 0..<25 {
                        var request = ClientRequest(
                            url: server.baseURL + "/drop",
                            options: .init(totalTimeout: .seconds(30))
                        )
                        request.options.shareConnections = shared
                        statuses.append(try await session.send(request).status)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(statuses == Array(repeating: 200, count: 100))
        #expect(server.repliesStarted == 100)
    }

    /// A session that does not pool connections keeps its own, on the multi transport too:
    /// a second session to the same server opens a connection of its own.
    @Test func unpooledSessionsDoNotShareTheLoopsConnections() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(loops: 1)
        let first = HTTPSession(executor: executor)
        let second = HTTPSession(executor: executor)
        var request = ClientRequest(url: server.url("/ok"))
        request.options.shareConnections = false
        #expect(try await first.send(request).newConnections == 1)
        #expect(try await first.send(request).newConnections == 0)
        #expect(try await second.send(request).newConnections == 1)
        first.close()
        second.close()
        #expect(executor.openHandles == 0)
        await server.stop()
    }

    /// Pooled connections live in each loop's own cache (no lock between loops): a later
    /// session on the same loop reuses them, an unpooled session never takes one, and a session
    /// on the other loop opens its own.
    @Test func pooledConnectionsAreKeptPerLoop() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(loops: 2, fill: 1)
        var pooled = ClientRequest(url: server.url("/ok"))
        pooled.options.shareConnections = true
        var unpooled = pooled
        unpooled.options.shareConnections = false
        /// The connections one new session opened for `request`; -1 if it failed.
        @Sendable func connections(_ request: ClientRequest) async -> Int {
            let session = HTTPSession(executor: executor)
            defer { session.close() }
            return (try? await session.send(request).newConnections) ?? -1
        }
        let (first, second) = await Self.onTwoLoops(
            executor,
            first: { [pooled, unpooled] in
                [await connections(pooled), await connections(pooled), await connections(unpooled)]
            },
            second: { [pooled] in [await connections(pooled), await connections(pooled)] }
        )
        #expect(first == [1, 0, 1])
        #expect(second == [1, 0], "the other loop keeps its own connections")
        #expect(executor.tasksPerLoop == [0, 0])
        await server.stop()
    }

    /// Runs `first` in a task `onLoop` placed, then, while that task still holds its loop (full
    /// at one task), `second` in another task placed then: on the next loop.
    private static func onTwoLoops(
        _ executor: CurlExecutor,
        first: @escaping @Sendable () async -> [Int],
        second: @escaping @Sendable () async -> [Int]
    ) async -> ([Int], [Int]) {
        await executor.onLoop {
            let one = await first()
            // Detached, so not already on a loop.
            let two = await Task.detached { await executor.onLoop { await second() } }.value
            return (one, two)
        }
    }

    @Test func transportSettingComesFromTheEnvironment() throws {
        #expect(
            try TransportSetting.fromEnvironment([:])
                == TransportSetting(transport: .multi, loops: ProcessInfo.processInfo.activeProcessorCount)
        )
        #expect(
            try TransportSetting.fromEnvironment(["RONDA_HTTP_TRANSPORT": "threads", "RONDA_HTTP_LOOPS": "4"])
                == TransportSetting(transport: .threads, loops: 4)
        )
        #expect(try TransportSetting.fromEnvironment(["RONDA_HTTP_TRANSPORT": "MULTI"]).transport == .multi)
        let badName = #expect(throws: TransportSetting.Invalid.self) {
            try TransportSetting.fromEnvironment(["RONDA_HTTP_TRANSPORT": "epoll"])
        }
        #expect(badName?.code == .unknownTransport)
        #expect(badName?.message.contains("use multi (the default) or threads") == true)
        for loops in ["0", "65", "two"] {
            let badLoops = #expect(throws: TransportSetting.Invalid.self) {
                try TransportSetting.fromEnvironment(["RONDA_HTTP_LOOPS": loops])
            }
            #expect(badLoops?.code == .loopsOutOfRange)
            #expect(badLoops?.message.contains("from 1 to 64") == true)
        }
        #expect(try TransportSetting.fromEnvironment([:]).loopFill == 16)
        #expect(try TransportSetting.fromEnvironment(["RONDA_HTTP_LOOP_FILL": "1"]).loopFill == 1)
        #expect(try TransportSetting.fromEnvironment(["RONDA_HTTP_LOOP_FILL": "4096"]).loopFill == 4096)
        for fill in ["0", "4097", "-3", "many"] {
            let badFill = #expect(throws: TransportSetting.Invalid.self) {
                try TransportSetting.fromEnvironment(["RONDA_HTTP_LOOP_FILL": fill])
            }
            #expect(badFill?.code == .loopFillOutOfRange)
            #expect(
                badFill?.message.contains("RONDA_HTTP_LOOP_FILL=\"\(fill)\" must be a whole number from 1 to 4096")
                    == true
            )
        }
    }

    /// libcurl opens sockets without close-on-exec; Ronda marks them, so a process it (or a test)
    /// starts never inherits its connections.
    @Test(arguments: [CurlExecutor.Transport.multi, .threads])
    func connectionsAreClosedOnExec(transport: CurlExecutor.Transport) async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession(executor: transport == .multi ? CurlExecutor(loops: 1) : CurlExecutor(threads: 1))
        _ = try await session.send(ClientRequest(url: server.url("/ok")))
        let descriptors = tcpSocketDescriptors(connectedToPort: server.port)
        #expect(!descriptors.isEmpty, "the kept-alive connection is open")
        for fd in descriptors {
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "descriptor \(fd) is inherited by child processes")
        }
        session.close()
        await server.stop()
    }
}
