import Hummingbird

/// A target for tests that drive the `ronda` command line: a real HTTP server answering each path
/// with a fixed reply, recording every request it serves (so a test can show that none was sent).
///
/// ```swift
/// let (server, log) = try await CLICannedTarget.start([
///     "/health": .init(status: 500, contentType: "application/json", body: #"{"status":"down"}"#),
/// ])
/// ```
public enum CLICannedTarget {
    /// What one path answers, to any method.
    public struct Reply: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String

        public init(status: Int = 200, contentType: String = "text/plain", body: String = "") {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    /// Starts the server; other paths answer Hummingbird's 404 (and are not recorded).
    public static func start(_ replies: [String: Reply]) async throws -> (server: TestHTTPServer, log: RequestLog) {
        let log = RequestLog()
        let server = try await TestHTTPServer.start { router in
            for (path, reply) in replies {
                router.get(RouterPath(path)) { request, _ in try await answer(request, reply, log) }
                router.post(RouterPath(path)) { request, _ in try await answer(request, reply, log) }
            }
        }
        return (server, log)
    }

    private static func answer(_ request: Request, _ reply: Reply, _ log: RequestLog) async throws -> Response {
        try await log.record(request)
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: [.contentType: reply.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
        )
    }
}
