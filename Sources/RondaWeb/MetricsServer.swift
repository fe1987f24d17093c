public import Hummingbird
public import Logging
public import Prometheus

/// `/metrics` of one process (`--metrics-port` on `ronda worker`, `ronda coordinator serve`,
/// `ronda serve`): what the process recorded through swift-metrics into `registry`, in the
/// Prometheus text format, and `/health`. With a token, `/metrics` needs
/// `Authorization: Bearer <token>`.
public struct MetricsServer: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let token: String?

    public init(registry: PrometheusCollectorRegistry, token: String? = nil) {
        self.registry = registry
        self.token = token
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))
            )
        }
        router.get("/metrics") { request, _ in
            if let token {
                let given = request.headers[.authorization] ?? ""
                guard Credentials.constantTimeEqual(given, "Bearer \(token)") else {
                    return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
                }
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: registry.emitToString()))
            )
        }
        return router
    }

    /// A Hummingbird application serving `router()`; `onListening` gets the bound port.
    public func application(
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "ronda-metrics"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }
}
