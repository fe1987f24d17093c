import Foundation
import HTTPTypes
import Hummingbird
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@Suite struct BodyDecodingTests {
    /// "price ok " + bytes that are not UTF-8 (lone continuation, overlong, truncated sequence, NUL) + " end".
    static let invalidUTF8: [UInt8] =
        Array("price ok ".utf8) + [0xff, 0xfe, 0x80, 0xc0, 0xaf, 0x00, 0xe2, 0x82] + Array(" end".utf8)
    static let gzipped = LockedBox<[UInt8]>([])

    static func routes(_ router: Router<BasicRequestContext>, _ log: RequestLog) {
        router.get("/bytes") { _, _ in
            bytesResponse(invalidUTF8, headers: [.contentType: "application/json"])
        }
        router.get("/broken-json") { _, _ in
            jsonResponse(#"{"total": 12, "items": [1, 2"#)
        }
        router.get("/gzip") { _, _ in
            bytesResponse(gzipped.value, headers: [.contentType: "application/json", .contentEncoding: "gzip"])
        }
    }

    @Test func invalidUTF8BodyFailsJSONChecksButBodyContainsStillWorks() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Invalid UTF-8
                steps:
                  - name: Text checks
                    get: /bytes
                    expect: { status: 200, body: { contains: "price ok", not_contains: "missing" } }
                  - name: JSON checks
                    get: /bytes
                    expect: { json: { $.total: 12 } }
                """,
                baseURL: server.baseURL
            )
            #expect(result.step("Text checks")?.outcome == .passed)
            #expect(result.status == .fail)
            #expect(result.failingStep == "JSON checks")
            let failed = try #require(result.step("JSON checks")?.assertions.first { !$0.passed })
            #expect(failed.subject == "json $.total")
            #expect(failed.actual.contains("not JSON"), "\(failed.actual)")
            #expect(result.errorMessage?.contains("not JSON") == true, "\(result.errorMessage ?? "")")
            // The excerpt is lossy text, not a crash and not raw bytes.
            #expect(result.step("Text checks")?.responseExcerpt?.contains("price ok") == true)
        }
    }

    @Test func invalidJSONBodyFailsJSONAndSchemaChecksWithAMessage() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Broken JSON
                steps:
                  - name: Read total
                    get: /broken-json
                    expect:
                      body: { contains: '"total": 12' }
                      json: { $.total: 12 }
                      schema: { type: object }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .fail)
            let step = try #require(result.step("Read total"))
            let body = try #require(step.assertions.first { $0.subject == "body" && $0.op == "contains" })
            #expect(body.passed)
            let json = try #require(step.assertions.first { $0.subject == "json $.total" })
            #expect(!json.passed)
            #expect(json.actual.contains("not JSON"))
            let schema = try #require(step.assertions.first { $0.op == "schema" })
            #expect(!schema.passed)
            #expect(schema.actual.contains("not JSON"))
            #expect(result.errorMessage?.contains("not JSON") == true, "\(result.errorMessage ?? "")")
        }
    }

    @Test func aCaptureFromABodyThatIsNotJSONIsACaptureError() async throws {
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Capture from broken JSON
                steps:
                  - name: Read total
                    get: /broken-json
                    capture: { total: "$.total" }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .error)
            #expect(result.errorKind == .capture)
            #expect(result.errorMessage?.contains("total") == true)
        }
    }

    @Test func gzipBodyIsDecodedBeforeChecks() async throws {
        let json = #"{"greeting":"hola","items":[1,2,3],"padding":"\#(String(repeating: "abc", count: 200))"}"#
        let (status, compressed) = try runProgram("/bin/gzip", ["-c", "-n"], input: Array(json.utf8))
        try #require(status == 0)
        try #require(compressed.starts(with: [0x1f, 0x8b]), "gzip output")
        try #require(compressed.count < json.utf8.count)
        Self.gzipped.value = compressed
        try await withServer(Self.routes) { server, _ in
            let result = try await runScenario(
                """
                scenario: Gzip
                steps:
                  - name: Compressed
                    get: /gzip
                    expect:
                      status: 200
                      headers: { Content-Encoding: gzip }
                      json: { $.greeting: hola, $.items: { length: 3 } }
                      body: { contains: abcabc }
                    capture: { greeting: "$.greeting" }
                """,
                baseURL: server.baseURL
            )
            #expect(result.status == .pass, "\(result.errorMessage ?? "")")
            #expect(result.step("Compressed")?.captures["greeting"] == "hola")
            #expect(result.step("Compressed")?.responseExcerpt?.contains(#""greeting":"hola""#) == true)
        }
    }
}

/// A value shared between a test and its server routes.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    // Safe: every access to `stored` holds `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
