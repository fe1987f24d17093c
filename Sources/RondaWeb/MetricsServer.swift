public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle

/// `/metrics` of one process (`--metrics-port` on `ronda worker`, `ronda coordinator serve`,
/// `ronda serve`): what the process recorded through swift-metrics into `registry`, in the
/// Prometheus text format, and `/health`. With a token, `/metrics` needs
/// `Authorization: Bearer <token>`.
///
/// A plain SwiftNIO HTTP/1.1 server on the process's shared event loops, not a Hummingbird
/// application: a worker is deployed with it, and an idle worker's memory is mostly the code
/// pages its start touches. A Hummingbird application also starts a `Date` header cache that
/// formats the date with a Gregorian `Calendar` every second, which pulls ICU's calendar data
/// into the process (about 1.2 MB of it, and 0.2 MB of Foundation's internationalization code,
/// counted from `/proc/PID/pagemap`; docs/performance.md, *Worker memory*).
public struct MetricsServer: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let token: String?

    public init(registry: PrometheusCollectorRegistry, token: String? = nil) {
        self.registry = registry
        self.token = token
    }

    /// One answer: status, headers and body.
    struct Answer {
        var status: HTTPResponseStatus
        var headers: [(String, String)]
        var body: String
    }

    /// What the server answers to `method path` with the request's `Authorization` header.
    func answer(method: HTTPMethod, path: String, authorization: String?) -> Answer {
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard route == "/health" || route == "/metrics" else {
            return Answer(status: .notFound, headers: [("Content-Type", "text/plain")], body: "not found\n")
        }
        guard method == .GET || method == .HEAD else {
            return Answer(status: .methodNotAllowed, headers: [("Allow", "GET, HEAD")], body: "")
        }
        if route == "/health" {
            return Answer(status: .ok, headers: [("Content-Type", "application/json")], body: #"{"status":"ok"}"#)
        }
        if let token {
            guard Credentials.constantTimeEqual(authorization ?? "", "Bearer \(token)") else {
                return Answer(status: .unauthorized, headers: [("WWW-Authenticate", "Bearer")], body: "")
            }
        }
        return Answer(
            status: .ok,
            headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store")],
            body: registry.emitToString()
        )
    }

    /// The server as a service: it listens on `host:port` (0: any free port) once run, hands the
    /// bound port to `onListening`, and closes on graceful shutdown or cancellation.
    public func service(
        host: String,
        port: Int,
        logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some Service {
        MetricsService(server: self, host: host, port: port, logger: logger, onListening: onListening)
    }
}

/// ``MetricsServer/service(host:port:logger:onListening:)``.
struct MetricsService: Service {
    let server: MetricsServer
    let host: String
    let port: Int
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let server = self.server
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(server: server))
                }
            }
            .bind(host: host, port: port)
            .get()
        let bound = channel.localAddress?.port ?? port
        logger.info("metrics server listening", metadata: ["address": "\(host):\(bound)"])
        await onListening(bound)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// One connection: answers each request once its head and end have arrived (bodies are
/// ignored), keeping the connection open when the client asked to.
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: MetricsServer
    private var head: HTTPRequestHead?

    init(server: MetricsServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    /// A request NIO could not parse (it has already answered 400 and passes the error on), or
    /// a failed connection: the connection is closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let answer = server.answer(
            method: head.method,
            path: head.uri,
            authorization: head.headers.first(name: "Authorization")
        )
        var headers = HTTPHeaders(answer.headers)
        headers.add(name: "Content-Length", value: String(answer.body.utf8.count))
        let keepAlive = head.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(version: head.version, status: answer.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, !answer.body.isEmpty {
            let body = context.channel.allocator.buffer(string: answer.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
