import Foundation
import RondaTestSupport
import Testing

@testable import RondaHTTP

@Suite struct CookieTests {
    @Test func cookieSetByOneResponseIsSentOnTheNextRequestOfTheSameSessionOnly() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let alice = HTTPSession()
        let bob = HTTPSession()

        let set = try await alice.send(ClientRequest(url: server.url("/set-cookie")))
        #expect(set.header("set-cookie")?.hasPrefix("token=abc123") == true)

        let aliceSees = try await alice.send(ClientRequest(url: server.url("/show-cookie")))
        #expect(aliceSees.bodyText == "token=abc123")

        let bobSees = try await bob.send(ClientRequest(url: server.url("/show-cookie")))
        #expect(bobSees.bodyText == "")

        alice.close()
        bob.close()
        await server.stop()
    }

    @Test func jarListsTheCookie() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        #expect(await session.cookies().isEmpty)

        _ = try await session.send(ClientRequest(url: server.url("/set-cookie")))
        let cookies = await session.cookies()
        #expect(cookies.count == 1)
        let cookie = try #require(cookies.first)
        #expect(cookie.name == "token")
        #expect(cookie.value == "abc123")
        #expect(cookie.domain == "127.0.0.1")
        #expect(cookie.path == "/")
        #expect(cookie.httpOnly)
        #expect(!cookie.secure)
        #expect(cookie.expires == nil)

        session.close()
        #expect(await session.cookies().isEmpty)
        await server.stop()
    }

    @Test func parsesNetscapeCookieLines() throws {
        let line = "#HttpOnly_.example.com\tTRUE\t/app\tTRUE\t1893456000\tsid\ta=b"
        let cookie = try #require(HTTPCookie(netscapeLine: line))
        #expect(cookie.domain == "example.com")
        #expect(cookie.path == "/app")
        #expect(cookie.secure)
        #expect(cookie.httpOnly)
        #expect(cookie.name == "sid")
        #expect(cookie.value == "a=b")
        #expect(cookie.expires?.timeIntervalSince1970 == 1_893_456_000)
        #expect(HTTPCookie(netscapeLine: "garbage") == nil)
    }
}
