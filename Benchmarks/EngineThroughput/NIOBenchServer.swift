import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The same endpoint as ``BenchServer`` on SwiftNIO alone: `GET /ping` → `{"ok":true}`, answered
/// in the channel handler on the connection's event loop (no task hop per request).
enum NIOBenchServer {
    /// Serves on `port`; with a delay above zero each answer leaves that long after its request
    /// (a remote application's latency, without a thread per waiting request).
    static func run(port: Int, delayMilliseconds: Int = 0) async throws {
        let delay = TimeAmount.milliseconds(Int64(delayMilliseconds))
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(PingHandler(delay: delay))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        let line = "listening 127.0.0.1:\(channel.localAddress?.port ?? port)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        try await channel.closeFuture.get()
    }
}

private final class PingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var keepAlive = true
    private var found = false
    private let body = ByteBuffer(string: #"{"ok":true}"#)
    private let delay: TimeAmount

    init(delay: TimeAmount) {
        self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            found = head.method == .GET && head.uri == "/ping"
        case .body:
            break
        case .end:
            guard delay > .zero else { return respond(context: context) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) { bound.value.0.respond(context: bound.value.1) }
        }
    }

    private func respond(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus = found ? .ok : .notFound
        let payload = found ? body : ByteBuffer()
        if found { headers.add(name: "Content-Type", value: "application/json") }
        headers.add(name: "Content-Length", value: String(payload.readableBytes))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
        let close = !keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { context.close(promise: nil) }
        }
    }
}
