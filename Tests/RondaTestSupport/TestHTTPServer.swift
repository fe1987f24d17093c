public import Hummingbird
import Logging

/// A real Hummingbird 2 server on 127.0.0.1 with an ephemeral port, serving the
/// routes a test gives it. Stop it with ``stop()`` when the test ends.
///
/// ```swift
/// let server = try await TestHTTPServer.start { router in
///     router.get("/hello") { _, _ in "hi" }
/// }
/// // … requests to server.url("/hello") …
/// await server.stop()
/// ```
public struct TestHTTPServer: Sendable {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let baseURL: String
    /// The bound port.
    public let port: Int
    private let task: Task<Void, any Error>

    public struct StartFailed: Error, CustomStringConvertible {
        public var description: String { "the Hummingbird test server stopped before it was listening" }
    }

    /// Starts a server with the routes `configure` adds and returns once it is listening
    /// (the port comes from `onServerRunning`, so there is no polling and no fixed port).
    public static func start(
        _ configure: @Sendable (Router<BasicRequestContext>) -> Void
    ) async throws -> TestHTTPServer {
        let router = Router()
        configure(router)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "ronda.test-http-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let task = Task {
            defer { portContinuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            _ = try? await task.value
            throw StartFailed()
        }
        return TestHTTPServer(baseURL: "http://127.0.0.1:\(port)", port: port, task: task)
    }

    private init(baseURL: String, port: Int, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.task = task
    }

    /// `baseURL + path`.
    public func url(_ path: String) -> String { baseURL + path }

    /// Shuts the server down and waits until it has stopped.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension TestHTTPServer {
    /// Starts a server, runs `body` with it, and stops it afterwards, also when `body` throws.
    public static func with<T: Sendable>(
        _ configure: @Sendable (Router<BasicRequestContext>) -> Void,
        run body: (TestHTTPServer) async throws -> T
    ) async throws -> T {
        let server = try await start(configure)
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }
}
