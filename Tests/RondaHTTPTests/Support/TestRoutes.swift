import Foundation
import HTTPTypes
import Hummingbird
import RondaTestSupport

/// The routes most tests need, installed on a ``TestHTTPServer``.
enum TestRoutes {
    /// `hello from gzip, …\n` compressed once with Python's `gzip.compress(…, mtime=0)`.
    static let gzipBody: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57,
        0x48, 0x2b, 0xca, 0xcf, 0x55, 0x48, 0xaf, 0xca, 0x2c, 0xd0, 0x51, 0xc8, 0x20, 0x20, 0xc0, 0x05,
        0x00, 0xc0, 0x90, 0x11, 0xe9, 0x32, 0x00, 0x00, 0x00,
    ]
    static let gzipText = "hello from gzip, hello from gzip, hello from gzip\n"
    /// Not valid UTF-8: a lone continuation byte, an overlong form, a truncated sequence, NUL.
    static let invalidUTF8: [UInt8] = [0x61, 0xff, 0xfe, 0x80, 0xc0, 0xaf, 0x00, 0xe2, 0x82, 0x62]
    static let bigBodySize = 50 * 1024 * 1024

    /// The JSON `/echo` answers with; header names are lowercased.
    struct Echo: Decodable {
        var method: String
        var body: String
        var headers: [String: String]
    }

    static func install(_ router: Router<BasicRequestContext>) {
        router.get("/ok") { _, _ in "ok" }

        router.get("/set-cookie") { _, _ -> Response in
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "set")))
            response.setCookie(Cookie(name: "token", value: "abc123", path: "/", httpOnly: true))
            return response
        }
        router.get("/show-cookie") { request, _ in
            request.headers[.cookie] ?? ""
        }

        router.get("/redirect/start") { _, _ in
            Response(status: .found, headers: [.location: "/redirect/middle", hop: "start"])
        }
        router.get("/redirect/middle") { _, _ in
            Response(status: .movedPermanently, headers: [.location: "/redirect/final", hop: "middle"])
        }
        router.get("/redirect/final") { _, _ in
            Response(status: .ok, headers: [hop: "final"], body: .init(byteBuffer: ByteBuffer(string: "final")))
        }
        router.get("/loop") { _, _ in
            Response(status: .found, headers: [.location: "/loop"])
        }
        router.post("/redirect/post") { _, _ in
            Response(status: .seeOther, headers: [.location: "/echo"])
        }

        router.on("/echo", method: .get, use: echo)
        router.on("/echo", method: .post, use: echo)
        router.on("/echo", method: .put, use: echo)
        router.on("/echo", method: .delete, use: echo)
        router.head("/head") { _, _ in
            Response(status: .ok, headers: [HTTPField.Name("X-Head")!: "yes"])
        }

        router.get("/bytes") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: invalidUTF8))
            )
        }
        router.get("/gzip") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain", .contentEncoding: "gzip"],
                body: .init(byteBuffer: ByteBuffer(bytes: gzipBody))
            )
        }
        router.get("/big") { _, _ in
            let chunkSize = 1024 * 1024
            let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: chunkSize)
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(contentLength: bigBodySize) { writer in
                    for _ in 0..<(bigBodySize / chunkSize) {
                        try await writer.write(chunk)
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    private static let hop = HTTPField.Name("X-Hop")!

    @Sendable private static func echo(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName, default: ""] += field.value
        }
        let json: [String: Any] = [
            "method": request.method.rawValue,
            "body": String(decoding: body.readableBytesView, as: UTF8.self),
            "headers": headers,
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
