import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

@Suite struct RedirectTests {
    @Test func followsRedirectsAndReportsOnlyTheFinalHeaders() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let response = try await session.send(ClientRequest(url: server.url("/redirect/start")))
        #expect(response.status == 200)
        #expect(response.bodyText == "final")
        #expect(response.effectiveURL == server.url("/redirect/final"))
        #expect(response.redirectCount == 2)
        #expect(response.headers(named: "x-hop") == ["final"])
        #expect(response.header("Location") == nil)
        session.close()
        await server.stop()
    }

    @Test func returnsTheRedirectWhenFollowingIsOff() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let request = ClientRequest(url: server.url("/redirect/start"), options: .init(followRedirects: false))
        let response = try await session.send(request)
        #expect(response.status == 302)
        #expect(response.header("location") == "/redirect/middle")
        #expect(response.redirectCount == 0)
        #expect(response.effectiveURL == server.url("/redirect/start"))
        session.close()
        await server.stop()
    }

    @Test func redirectLoopFailsWithTooManyRedirects() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let request = ClientRequest(url: server.url("/loop"), options: .init(maxRedirects: 5))
        let error = await #expect(throws: HTTPClientError.self) { try await session.send(request) }
        #expect(error?.code == .tooManyRedirects)
        #expect(error?.curlCode == 47)
        #expect(error?.message.contains("5 redirects") == true)
        #expect(error?.message.contains(server.url("/loop")) == true)
        session.close()
        await server.stop()
    }

    @Test func postRedirectedWith303IsResentAsGet() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let request = ClientRequest(method: "POST", url: server.url("/redirect/post"), body: Array("x=1".utf8))
        let response = try await session.send(request)
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(TestRoutes.Echo.self, from: Data(response.body))
        #expect(echo.method == "GET")
        #expect(echo.body == "")
        session.close()
        await server.stop()
    }
}
