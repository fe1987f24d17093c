import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@Suite struct RequestBodyTests {
    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        for path in ["/json", "/form", "/upload", "/raw"] {
            router.post(RouterPath(stringLiteral: path)) { request, _ -> Response in
                let seen = try await log.record(request)
                return bytesResponse(seen.body, headers: [.contentType: seen.header("content-type") ?? "text/plain"])
            }
        }
        router.put("/raw") { request, _ -> Response in
            let seen = try await log.record(request)
            return textResponse(seen.bodyText)
        }
    }

    @Test func jsonBodyArrivesAsSent() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: JSON body
                vars: { qty: 3 }
                steps:
                  - name: Send JSON
                    post: /json
                    headers: { X-Client: ronda-tests }
                    json:
                      name: "Ana María"
                      qty: "{{ qty }}"
                      price: 19.5
                      tags: [a, b]
                      nested: { ok: true, none: null }
                    expect: { json: { $.qty: 3, $.nested.ok: true } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let seen = try #require(log.to("/json").first)
            #expect(seen.header("content-type") == "application/json")
            #expect(seen.header("x-client") == "ronda-tests")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(seen.body)) as? NSDictionary)
            let expected: NSDictionary = [
                "name": "Ana María", "qty": 3, "price": 19.5, "tags": ["a", "b"],
                "nested": ["ok": true, "none": NSNull()],
            ]
            #expect(object == expected, "\(seen.bodyText)")
            // A template that is exactly one {{ }} keeps its type: qty is a number, not "3".
            #expect(seen.bodyText.contains(#""qty":3"#), "\(seen.bodyText)")
        }
    }

    @Test func formBodyIsURLEncodedInTheOrderWritten() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Form body
                steps:
                  - name: Send form
                    post: /form
                    form:
                      zeta: "last? no, first"
                      alpha: "a&b=c"
                      middle: "ñandú 100%"
                      list: [1, 2]
                      empty: ""
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let seen = try #require(log.to("/form").first)
            #expect(seen.header("content-type") == "application/x-www-form-urlencoded")
            let items = try #require(URLComponents(string: "http://x/?" + seen.bodyText)?.queryItems)
            #expect(items.map(\.name) == ["zeta", "alpha", "middle", "list", "list", "empty"], "\(seen.bodyText)")
            #expect(
                items.map { $0.value ?? "" } == ["last? no, first", "a&b=c", "ñandú 100%", "1", "2", ""],
                "\(seen.bodyText)"
            )
            #expect(!seen.bodyText.contains(" "), "spaces are encoded: \(seen.bodyText)")
        }
    }

    @Test func multipartBodyCarriesFieldsAndFiles() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Multipart body
                vars: { who: Ana }
                steps:
                  - name: Upload
                    post: /upload
                    multipart:
                      title: "Lab results for {{ who }}"
                      report:
                        content: "line 1\\nline 2"
                        filename: "report-{{ who }}.txt"
                        content_type: text/plain
                      blob:
                        content: "raw-bytes"
                        filename: data.bin
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let seen = try #require(log.to("/upload").first)
            let contentType = try #require(seen.header("content-type"))
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
            let parts = seen.bodyText.components(separatedBy: "--\(boundary)")
            // preamble "", three parts, and the closing "--\r\n".
            #expect(parts.count == 5, "\(seen.bodyText)")
            #expect(parts.first == "")
            #expect(parts.last == "--\r\n")
            #expect(parts[1] == "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLab results for Ana\r\n")
            #expect(
                parts[2]
                    == "\r\nContent-Disposition: form-data; name=\"report\"; filename=\"report-Ana.txt\"\r\nContent-Type: text/plain\r\n\r\nline 1\nline 2\r\n"
            )
            #expect(
                parts[3]
                    == "\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"data.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nraw-bytes\r\n"
            )
        }
    }

    @Test func rawBodyIsSentAsIsWithItsContentType() async throws {
        try await withServer(Self.routes) { server, log in
            let csv = "id;name\\n1;Ana\\n2;Luis"
            let result = try await runScenario(
                """
                scenario: Raw body
                steps:
                  - name: Send CSV
                    post: /raw
                    body: "\(csv)"
                    content_type: text/csv
                    expect: { body: "id;name\\n1;Ana\\n2;Luis" }
                  - name: Plain text by default
                    put: /raw
                    body: "  keep   spacing  "
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let posts = log.all.filter { $0.method == "POST" }
            #expect(posts.first?.bodyText == "id;name\n1;Ana\n2;Luis")
            #expect(posts.first?.header("content-type") == "text/csv")
            let put = try #require(log.all.first { $0.method == "PUT" })
            #expect(put.bodyText == "  keep   spacing  ")
            #expect(put.header("content-type") == "text/plain")
        }
    }

    @Test func anExplicitContentTypeHeaderWins() async throws {
        try await withServer(Self.routes) { server, log in
            let result = try await runScenario(
                """
                scenario: Header wins
                steps:
                  - name: Send JSON as vendor type
                    post: /json
                    headers: { Content-Type: application/vnd.api+json }
                    json: { a: 1 }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            let seen = try #require(log.to("/json").first)
            #expect(seen.header("content-type") == "application/vnd.api+json")
            #expect(seen.bodyText == #"{"a":1}"#)
        }
    }
}
