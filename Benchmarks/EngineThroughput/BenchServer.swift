import Foundation
import Hummingbird
import Logging

/// A minimal Hummingbird server: `GET /ping` → `{"ok":true}` (application/json), keep-alive.
enum BenchServer {
    static func run(port: Int) async throws {
        let router = Router()
        let body = ByteBuffer(string: #"{"ok":true}"#)
        router.get("/ping") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        var logger = Logger(label: "ronda.bench.server")
        logger.logLevel = .error
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                // The script waits for this line to learn the port (port 0 = any free port).
                let line = "listening 127.0.0.1:\(channel.localAddress?.port ?? port)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            },
            logger: logger
        )
        // SIGTERM / SIGINT stop it gracefully.
        try await app.runService()
    }
}
