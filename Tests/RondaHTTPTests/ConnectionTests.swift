import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func secondRequestReusesTheKeptAliveConnection() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let first = try await session.send(ClientRequest(url: server.url("/ok")))
        let second = try await session.send(ClientRequest(url: server.url("/ok")))
        #expect(first.newConnections == 1)
        #expect(second.newConnections == 0)
        session.close()
        await server.stop()
    }

    @Test func timingsAreNonNegativeAndOrdered() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let t = try await session.send(ClientRequest(url: server.url("/ok"))).timings
        #expect(t.dns >= 0)
        #expect(t.dns <= t.connect)
        #expect(t.connect <= t.tls)
        #expect(t.tls <= t.firstByte)
        #expect(t.firstByte <= t.total)
        #expect(t.total > 0)
        session.close()
        await server.stop()
    }

    @Test func twentySessionsSendingAtOnceAllSucceed() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let session = HTTPSession()
                    defer { session.close() }
                    return try await session.send(ClientRequest(url: server.url("/ok"))).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 20))
        await server.stop()
    }

    @Test func concurrentSendsOnOneSessionWaitForEachOther() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try await session.send(ClientRequest(url: server.url("/ok"))).bodyText }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies == Array(repeating: "ok", count: 8))
        session.close()
        await server.stop()
    }

    @Test func dedicatedExecutorRunsRequests() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(threads: 1)
        let sessions = (0..<3).map { _ in HTTPSession(executor: executor) }
        for session in sessions {
            #expect(try await session.send(ClientRequest(url: server.url("/ok"))).status == 200)
            session.close()
        }
        await server.stop()
    }
}
