import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

/// A handle keeps its options between requests (only what changed is set again) and, on the
/// multi transport, goes back to a pool when its session closes. Nothing of one request may
/// leak into the next: not the method, body, headers or cookies, nor a session's jar into the
/// next session that gets the handle.
@Suite struct HandleReuseTests {
    func echo(_ response: ClientResponse) throws -> TestRoutes.Echo {
        try JSONDecoder().decode(TestRoutes.Echo.self, from: Data(response.body))
    }

    @Test func requestsInARowOnOneHandleEachSendOnlyTheirOwnMethodBodyAndHeaders() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession(executor: CurlExecutor(loops: 1))
        defer { session.close() }
        let url = server.url("/echo")
        let post = try echo(
            try await session.send(
                ClientRequest(
                    method: "POST",
                    url: url,
                    headers: [
                        HTTPHeader("X-One", "1"), HTTPHeader("Cookie", "manual=1"), HTTPHeader("User-Agent", "Mine"),
                    ],
                    body: Array("first".utf8)
                )
            )
        )
        #expect(post.method == "POST")
        #expect(post.body == "first")
        #expect(post.headers["x-one"] == "1")
        #expect(post.headers["cookie"] == "manual=1")
        #expect(post.headers["user-agent"] == "Mine")

        let get = try echo(try await session.send(ClientRequest(url: url)))
        #expect(get.method == "GET")
        #expect(get.body == "")
        #expect(get.headers["x-one"] == nil)
        #expect(get.headers["cookie"] == nil)
        #expect(get.headers["user-agent"] == "Ronda/0.1")

        let head = try await session.send(ClientRequest(method: "HEAD", url: server.url("/head")))
        #expect(head.status == 200)
        #expect(head.headers.contains { $0.matches("X-Head") && $0.value == "yes" })

        let put = try echo(try await session.send(ClientRequest(method: "PUT", url: url, body: Array("second".utf8))))
        #expect(put.method == "PUT")
        #expect(put.body == "second")

        let delete = try echo(try await session.send(ClientRequest(method: "DELETE", url: url)))
        #expect(delete.method == "DELETE")
        #expect(delete.body == "")

        let again = try echo(try await session.send(ClientRequest(url: url)))
        #expect(again.method == "GET")
        #expect(again.body == "")
    }

    /// A request with a CA bundle (set on a freshly reset handle) between two ordinary ones.
    @Test func aRequestThatNeedsAResetHandleLeavesTheNextOneUnchanged() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession(executor: CurlExecutor(loops: 1))
        defer { session.close() }
        let url = server.url("/echo")
        #expect(try echo(try await session.send(ClientRequest(method: "POST", url: url, body: [0x61]))).body == "a")
        var special = ClientRequest(url: url, headers: [HTTPHeader("X-Special", "yes")])
        special.options.caBundlePath = "/etc/ssl/certs/ca-certificates.crt"
        #expect(try echo(try await session.send(special)).headers["x-special"] == "yes")
        let plain = try echo(try await session.send(ClientRequest(url: url)))
        #expect(plain.method == "GET")
        #expect(plain.headers["x-special"] == nil)
        #expect(plain.headers["user-agent"] == "Ronda/0.1")
    }

    @Test func aPooledHandleComesBackWithAnEmptyCookieJar() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(loops: 1)
        let first = HTTPSession(executor: executor)
        _ = try await first.send(ClientRequest(url: server.url("/set-cookie")))
        #expect(await first.cookies().map(\.name) == ["token"])
        first.close()
        #expect(executor.pooledHandles == 1)
        #expect(executor.openHandles == 0)

        let second = HTTPSession(executor: executor)
        #expect(executor.pooledHandles == 0, "the second session took the pooled handle")
        #expect(await second.cookies().isEmpty)
        #expect(try await second.send(ClientRequest(url: server.url("/show-cookie"))).bodyText == "")
        second.close()
    }

    @Test func theThreadsTransportFreesHandlesInsteadOfPoolingThem() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let executor = CurlExecutor(threads: 1)
        let session = HTTPSession(executor: executor)
        #expect(try await session.send(ClientRequest(url: server.url("/ok"))).status == 200)
        session.close()
        #expect(executor.pooledHandles == 0)
        #expect(executor.openHandles == 0)
    }
}
