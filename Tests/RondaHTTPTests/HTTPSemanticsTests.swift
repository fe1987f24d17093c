import Foundation
import HTTPTypes
import Hummingbird
import RondaTestSupport
import Testing

@testable import RondaHTTP

/// Issue 9 §3: redirects after PUT/PATCH/DELETE, the one Cookie line, body limits.
@Suite struct HTTPSemanticsTests {
    static func routes(_ router: Router<BasicRequestContext>) {
        TestRoutes.install(router)
        for method in [HTTPTypes.HTTPRequest.Method.put, .patch, .delete, .post] {
            for code in [301, 302, 303, 307, 308] {
                router.on("/to-echo/\(code)", method: method) { _, _ in
                    Response(status: .init(code: code), headers: [.location: "/echo-any"])
                }
            }
        }
        for method in [HTTPTypes.HTTPRequest.Method.get, .put, .patch, .delete, .post, .head] {
            router.on("/echo-any", method: method) { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let type = request.headers[.contentType] ?? "-"
                let text = "\(request.method.rawValue) type=\(type) body=\(String(buffer: body))"
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        router.get("/cookie-lines") { request, _ in
            let lines = request.headers[values: .cookie]
            return "\(lines.count):" + lines.joined(separator: "|")
        }
    }

    func send(_ method: String, _ path: String, on server: TestHTTPServer) async throws -> String {
        let session = HTTPSession()
        defer { session.close() }
        let request = ClientRequest(
            method: method,
            url: server.url(path),
            headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array("{\"a\":1}".utf8)
        )
        return try await session.send(request).bodyText
    }

    @Test func seeOtherAfterPutPatchDeleteIsFollowedWithABodylessGet() async throws {
        try await TestHTTPServer.with(Self.routes) { server in
            for method in ["PUT", "PATCH", "DELETE", "POST"] {
                let text = try await send(method, "/to-echo/303", on: server)
                #expect(text == "GET type=- body=", "\(method) then 303")
            }
        }
    }

    @Test func temporaryAndPermanentRedirectsKeepMethodAndBody() async throws {
        try await TestHTTPServer.with(Self.routes) { server in
            for method in ["PUT", "PATCH", "DELETE"] {
                for code in [301, 302, 307, 308] {
                    let text = try await send(method, "/to-echo/\(code)", on: server)
                    #expect(text == "\(method) type=application/json body={\"a\":1}", "\(method) then \(code)")
                }
            }
            for code in [307, 308] {
                #expect(
                    try await send("POST", "/to-echo/\(code)", on: server)
                        == "POST type=application/json body={\"a\":1}"
                )
            }
            for code in [301, 302] {
                #expect(try await send("POST", "/to-echo/\(code)", on: server) == "GET type=- body=")
            }
        }
    }

    @Test func redirectToAnotherOriginDropsAuthorizationAndHandWrittenCookies() async throws {
        try await TestHTTPServer.with(Self.routes) { server in
            try await TestHTTPServer.with { router in
                router.get("/away") { _, _ in
                    Response(
                        status: .found,
                        headers: [
                            .location: server.url("/echo").replacingOccurrences(of: "127.0.0.1", with: "localhost")
                        ]
                    )
                }
            } run: { other in
                let session = HTTPSession()
                defer { session.close() }
                let request = ClientRequest(
                    url: other.url("/away"),
                    headers: [HTTPHeader("Authorization", "Bearer s3cret"), HTTPHeader("Cookie", "sid=1")]
                )
                let echo = try JSONDecoder().decode(
                    TestRoutes.Echo.self,
                    from: Data(try await session.send(request).body)
                )
                #expect(echo.headers["authorization"] == nil)
                #expect(echo.headers["cookie"] == nil)
            }
        }
    }

    @Test func handWrittenCookieAndJarCookiesGoOutAsOneLine() async throws {
        try await TestHTTPServer.with(Self.routes) { server in
            let session = HTTPSession()
            defer { session.close() }
            _ = try await session.send(ClientRequest(url: server.url("/set-cookie")))
            let request = ClientRequest(
                url: server.url("/cookie-lines"),
                headers: [HTTPHeader("Cookie", "theme=dark"), HTTPHeader("Cookie", "lang=es")]
            )
            let text = try await session.send(request).bodyText
            #expect(text.hasPrefix("1:"), "\(text)")
            #expect(text.contains("token=abc123"))
            #expect(text.contains("theme=dark; lang=es"))
        }
    }

    @Test func anEndlessBodyStopsAtMaxBodyKeepingTheResponse() async throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Kind: endless\r\n\r\n".utf8)
        let server = try HTTPHostileServer(
            reply: .endless(head: head, chunk: [UInt8](repeating: UInt8(ascii: "x"), count: 65536))
        )
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        var options = HTTPRequestOptions(totalTimeout: .seconds(60), bodyCap: 1024)
        options.maxBody = 1 << 20
        let error = await #expect(throws: HTTPClientError.self) {
            try await session.send(ClientRequest(url: server.baseURL + "/stream", options: options))
        }
        #expect(error?.code == .bodyTooLarge)
        #expect(error?.message.contains("exceeded the limit of 1048576 bytes") == true, "\(error?.message ?? "")")
        let partial = try #require(error?.response)
        #expect(partial.status == 200)
        #expect(partial.header("X-Kind") == "endless")
        #expect(partial.body == [UInt8](repeating: UInt8(ascii: "x"), count: 1024))
        #expect(partial.bodyBytesTotal > 1 << 20)
        #expect(partial.timings.total > 0)
    }

    @Test func aGzipBombIsStoppedWithItsOwnMessage() async throws {
        // 64 MiB of zeros compress to about 64 KB.
        let (status, gzip) = try runShell("head -c 67108864 /dev/zero | gzip -c")
        #expect(status == 0)
        let head = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: \(gzip.count)\r\n\r\n"
                .utf8
        )
        let server = try HTTPHostileServer(reply: .bytes(head + gzip))
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        var options = HTTPRequestOptions(bodyCap: 100)
        options.maxBody = 1 << 20
        let error = await #expect(throws: HTTPClientError.self) {
            try await session.send(ClientRequest(url: server.baseURL + "/bomb", options: options))
        }
        #expect(error?.code == .bodyTooLarge)
        #expect(
            error?.message.contains("decompressed past 1048576 bytes (Content-Encoding: gzip)") == true,
            "\(error?.message ?? "")"
        )
        #expect(error?.response?.body.count == 100)
    }

    @Test func originsCompareSchemeHostAndPort() {
        #expect(Hop.origin(of: "http://User@Example.com/a") == Hop.origin(of: "http://example.com:80/b?c"))
        #expect(Hop.origin(of: "https://example.com/") == "https://example.com:443")
        #expect(Hop.origin(of: "http://[::1]/x") == "http://[::1]:80")
        #expect(Hop.origin(of: "http://[::1]:8080/x") == "http://[::1]:8080")
        #expect(Hop.origin(of: "http://example.com/") != Hop.origin(of: "https://example.com/"))
        #expect(Hop.origin(of: "http://a.example/") != Hop.origin(of: "http://b.example/"))
    }

    @Test func theDefaultBodyLimitIs32MiB() {
        #expect(HTTPRequestOptions().maxBody == 32 << 20)
    }

    func runShell(_ command: String) throws -> (Int32, [UInt8]) {
        try runProgram("/bin/sh", ["-c", command])
    }
}

/// Issue 9 §3: transport errors that say what happened.
@Suite struct HTTPHostileReplyTests {
    func failure(_ reply: HTTPHostileServer.Reply, scheme: String = "http") async throws -> HTTPClientError? {
        let server = try HTTPHostileServer(reply: reply)
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        return await #expect(throws: HTTPClientError.self) {
            try await session.send(ClientRequest(url: "\(scheme)://127.0.0.1:\(server.port)/x"))
        }
    }

    @Test func aReplyThatIsNotHTTPIsNamed() async throws {
        let error = try await failure(.bytes(Array("SSH-2.0-OpenSSH_9.0\r\nnot http\r\n".utf8)))
        #expect(error?.code == .notHTTP)
        #expect(error?.message.contains("answered with something that is not HTTP") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("valid http(s) URL") == false)
    }

    @Test func aRedirectToAnotherSchemeIsRefusedAndNamed() async throws {
        for target in ["ftp://example.com/x", "file:///etc/passwd"] {
            let error = try await failure(
                .bytes(Array("HTTP/1.1 302 Found\r\nLocation: \(target)\r\nContent-Length: 0\r\n\r\n".utf8))
            )
            #expect(error?.code == .redirectRefused)
            #expect(error?.message.contains(target) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("not an http or https URL") == true)
        }
    }

    @Test func aHeaderBlockOverTheLimitSaysSo() async throws {
        let reply =
            "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\nContent-Length: 2\r\n\r\nok"
        let error = try await failure(.bytes(Array(reply.utf8)))
        #expect(error?.code == .headerTooLarge)
        #expect(error?.message.contains("header block larger than") == true, "\(error?.message ?? "")")
    }

    @Test func tlsAgainstAPlainHTTPPortSaysSo() async throws {
        let error = try await failure(
            .bytes(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)),
            scheme: "https"
        )
        #expect(error?.code == .tls)
        #expect(error?.message.contains("plain HTTP") == true, "\(error?.message ?? "")")
    }

    @Test func tlsHintsNameTheConfigurationKeys() {
        let request = ClientRequest(url: "https://127.0.0.1:1/")
        let error = HTTPClientError.fromCurl(
            60,
            detail: "SSL certificate problem: self-signed certificate",
            request: request
        )
        #expect(error.message.contains("target.ca_bundle"))
        #expect(error.message.contains("target.verify_tls"))
        #expect(!error.message.contains("caBundlePath"))
        #expect(!error.message.contains("verifyTLS"))
    }
}

/// Issue 9 §3: the server certificate, for `expect: { tls: … }`.
@Suite struct HTTPCertificateTests {
    @Test func theLeafCertificateIsReadOnEveryRequestThatAsks() async throws {
        let server = try await TLSServer.started()
        defer { server.stop() }
        let session = HTTPSession()
        defer { session.close() }
        var options = HTTPRequestOptions(caBundlePath: server.certificatePath)
        options.certificateInfo = true
        for _ in 0..<2 {
            let response = try await session.send(ClientRequest(url: server.baseURL + "/", options: options))
            let certificate = try #require(response.certificate)
            #expect(certificate.subject.contains("localhost"), "\(certificate.subject)")
            #expect(certificate.issuer.contains("localhost"), "\(certificate.issuer)")
            let now = Date().timeIntervalSince1970
            let notAfter = try #require(certificate.notAfter)
            #expect(notAfter > now && notAfter < now + 2 * 86400, "-days 1: expires within two days")
            #expect(try #require(certificate.notBefore) <= now + 60)
        }
        let plain = try await session.send(
            ClientRequest(url: server.baseURL + "/", options: .init(caBundlePath: server.certificatePath))
        )
        #expect(plain.certificate == nil)
    }

    @Test func headerNamesMatchIgnoringASCIICase() {
        let header = HTTPHeader("Content-Type", "text/plain")
        #expect(header.matches("content-type"))
        #expect(header.matches("CONTENT-TYPE"))
        #expect(!header.matches("Content-Typ"))
        #expect(!header.matches("Content-Types"))
        #expect(!header.matches("Content_Type"))
        #expect(HTTPHeader("X-1", "").matches("x-1"))
        #expect(!HTTPHeader("[", "").matches("{"), "only letters fold: [ and { differ by the same bit")
    }

    @Test func curlDatesParse() {
        #expect(HTTPCertificate.parseDate("Dec  5 08:00:00 2027 GMT") == 1_827_993_600)
        #expect(HTTPCertificate.parseDate("2027-12-05 08:00:00 GMT") == 1_827_993_600)
        #expect(HTTPCertificate.parseDate("soon") == nil)
    }
}
