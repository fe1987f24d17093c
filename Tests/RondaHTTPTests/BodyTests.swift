import Foundation
import RondaHTTP
import RondaTestSupport
import Testing

@Suite struct BodyTests {
    @Test func hugeBodyIsCountedButOnlyTheCapIsKept() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let cap = 256 * 1024
        let before = residentBytes()
        var options = HTTPRequestOptions(bodyCap: cap)
        options.maxBody = 64 << 20  // past the 32 MiB default
        let response = try await session.send(ClientRequest(url: server.url("/big"), options: options))
        let grown = residentBytes() - before
        #expect(response.status == 200)
        #expect(response.body.count == cap)
        #expect(response.bodyBytesTotal == TestRoutes.bigBodySize)
        #expect(response.bodyTruncated)
        // Kept whole, the body alone would add its 50 MB. The bound leaves room for what the tests
        // running beside this one allocate meanwhile (the suite runs in parallel: up to ≈ 27 MB was
        // seen on a loaded 2-core machine), which one process-wide figure cannot tell apart.
        #expect(grown < 40 * 1024 * 1024, "resident size grew by \(grown) bytes for a 50 MB body")
        session.close()
        await server.stop()
    }

    @Test func smallBodyIsNotTruncated() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let response = try await session.send(ClientRequest(url: server.url("/ok")))
        #expect(response.body == Array("ok".utf8))
        #expect(response.bodyBytesTotal == 2)
        #expect(!response.bodyTruncated)
        session.close()
        await server.stop()
    }

    @Test func invalidUTF8BytesAreReturnedUnchanged() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let response = try await session.send(ClientRequest(url: server.url("/bytes")))
        #expect(response.body == TestRoutes.invalidUTF8)
        session.close()
        await server.stop()
    }

    @Test func gzipBodyIsDecoded() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let response = try await session.send(ClientRequest(url: server.url("/gzip")))
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(response.bodyText == TestRoutes.gzipText)
        #expect(response.bodyBytesTotal == TestRoutes.gzipText.utf8.count)
        session.close()
        await server.stop()
    }

    @Test func postSendsJSONBodyAndCustomHeaders() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let json = #"{"name":"Ana","modules":[1,2]}"#
        let request = ClientRequest(
            method: "POST",
            url: server.url("/echo"),
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Request-Id", "r-42")],
            body: Array(json.utf8)
        )
        let response = try await session.send(request)
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(TestRoutes.Echo.self, from: Data(response.body))
        #expect(echo.method == "POST")
        #expect(echo.body == json)
        #expect(echo.headers["content-type"] == "application/json")
        #expect(echo.headers["x-request-id"] == "r-42")
        #expect(echo.headers["user-agent"] == "Ronda/0.1")
        #expect(echo.headers["expect"] == nil)
        session.close()
        await server.stop()
    }

    @Test(arguments: ["PUT", "DELETE"])
    func otherMethodsAreSentAsWritten(method: String) async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let request = ClientRequest(
            method: method,
            url: server.url("/echo"),
            headers: [HTTPHeader("User-Agent", "custom-agent")],
            body: method == "PUT" ? Array("payload".utf8) : nil
        )
        let response = try await session.send(request)
        let echo = try JSONDecoder().decode(TestRoutes.Echo.self, from: Data(response.body))
        #expect(echo.method == method)
        #expect(echo.body == (method == "PUT" ? "payload" : ""))
        #expect(echo.headers["user-agent"] == "custom-agent")
        session.close()
        await server.stop()
    }

    @Test func headReturnsHeadersWithoutABody() async throws {
        let server = try await TestHTTPServer.start(TestRoutes.install)
        let session = HTTPSession()
        let response = try await session.send(ClientRequest(method: "HEAD", url: server.url("/head")))
        #expect(response.status == 200)
        #expect(response.header("x-head") == "yes")
        #expect(response.body.isEmpty)
        session.close()
        await server.stop()
    }
}
