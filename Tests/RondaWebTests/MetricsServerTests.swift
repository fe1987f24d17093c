import Foundation
import Hummingbird
import Logging
import Prometheus
import RondaHTTP
import RondaTestSupport
import RondaWeb
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `--metrics-port`'s server: the process registry in the Prometheus text format, optionally
/// behind a bearer token.
struct MetricsServerTests {
    static func withServer(
        token: String?,
        _ body: @Sendable (String, PrometheusCollectorRegistry) async throws -> Void
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        var logger = Logger(label: "test.metrics")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let service = MetricsServer(registry: registry, token: token).service(
            host: "127.0.0.1",
            port: 0,
            logger: logger
        ) {
            continuation.yield($0)
            continuation.finish()
        }
        let server = Task { try await service.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)", registry)
    }

    static func get(_ url: String, headers: [HTTPHeader] = []) async throws -> RondaHTTP.HTTPResponse {
        let session = HTTPSession()
        defer { session.close() }
        return try await session.send(RondaHTTP.HTTPRequest(method: "GET", url: url, headers: headers))
    }

    @Test func theRegistryIsServedAsPrometheusText() async throws {
        try await Self.withServer(token: nil) { base, registry in
            registry.makeCounter(name: "ronda_scenarios_total", labels: [("outcome", "pass")]).increment(by: Int64(3))
            let answer = try await Self.get(base + "/metrics")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(answer.bodyText.contains("ronda_scenarios_total{outcome=\"pass\"} 3"))
            #expect(try await Self.get(base + "/health").status == 200)
        }
    }

    @Test func aTokenGuardsTheMetrics() async throws {
        try await Self.withServer(token: "scrape-me") { base, _ in
            let refused = try await Self.get(base + "/metrics")
            #expect(refused.status == 401)
            #expect(refused.header("WWW-Authenticate") == "Bearer")
            #expect(
                try await Self.get(base + "/metrics", headers: [HTTPHeader("Authorization", "Bearer wrong")]).status
                    == 401
            )
            #expect(
                try await Self.get(base + "/metrics", headers: [HTTPHeader("Authorization", "Bearer scrape-me")]).status
                    == 200
            )
            #expect(try await Self.get(base + "/health").status == 200)
        }
    }

    @Test func otherPathsAndMethodsAreRefused() async throws {
        try await Self.withServer(token: nil) { base, _ in
            #expect(try await Self.get(base + "/").status == 404)
            #expect(try await Self.get(base + "/metricsx").status == 404)
            let session = HTTPSession()
            defer { session.close() }
            let posted = try await session.send(
                RondaHTTP.HTTPRequest(method: "POST", url: base + "/metrics", body: Array("x".utf8))
            )
            #expect(posted.status == 405)
            #expect(posted.header("Allow") == "GET, HEAD")
            let head = try await session.send(RondaHTTP.HTTPRequest(method: "HEAD", url: base + "/health"))
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "15")
            #expect(head.body.isEmpty)
            // A query string does not change the route (Prometheus may add one).
            #expect(try await Self.get(base + "/metrics?name=x").status == 200)
        }
    }

    @Test func oneConnectionServesManyScrapesAndClosesWhenAsked() async throws {
        try await Self.withServer(token: nil) { base, _ in
            let session = HTTPSession()
            defer { session.close() }
            var opened = 0
            for _ in 0..<5 {
                let answer = try await session.send(RondaHTTP.HTTPRequest(method: "GET", url: base + "/health"))
                #expect(answer.status == 200)
                opened += answer.newConnections
            }
            #expect(opened == 1)
            let closing = try await session.send(
                RondaHTTP.HTTPRequest(
                    method: "GET",
                    url: base + "/health",
                    headers: [HTTPHeader("Connection", "close")]
                )
            )
            #expect(closing.header("Connection") == "close")
            #expect(
                try await session.send(RondaHTTP.HTTPRequest(method: "GET", url: base + "/health")).newConnections == 1
            )
        }
    }

    @Test func gracefulShutdownStopsTheServer() async throws {
        var logger = Logger(label: "test.metrics")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let service = MetricsServer(registry: PrometheusCollectorRegistry()).service(
            host: "127.0.0.1",
            port: 0,
            logger: logger
        ) {
            continuation.yield($0)
            continuation.finish()
        }
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(try await Self.get("http://127.0.0.1:\(port)/health").status == 200)
        await group.triggerGracefulShutdown()
        try await running.value
        await #expect(throws: HTTPClientError.self) { try await Self.get("http://127.0.0.1:\(port)/health") }
    }

    @Test func aMalformedRequestGetsA400AndTheConnectionIsClosed() async throws {
        try await Self.withServer(token: nil) { base, _ in
            let port = try #require(Int(base.split(separator: ":").last ?? ""))
            let answer = try Self.exchange(port: port, Array("NOT HTTP AT ALL\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"))
        }
    }

    /// Writes `bytes` to 127.0.0.1:`port` and reads until the server closes (10 s at most).
    static func exchange(port: Int, _ bytes: [UInt8]) throws -> String {
        let fd = try #require(connectLoopback(port: port))
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try #require(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            // 0: the server closed the connection; < 0: 10 s passed without it.
            try #require(count >= 0, "the server did not close the connection within 10 s")
            if count == 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
