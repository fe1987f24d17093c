import Foundation
import Hummingbird
import Logging
import Prometheus
import RondaHTTP
import RondaWeb
import Testing

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
        let app = MetricsServer(registry: registry, token: token).application(
            host: "127.0.0.1",
            port: 0,
            logger: logger
        ) {
            continuation.yield($0)
            continuation.finish()
        }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
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
}
