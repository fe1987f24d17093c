import Foundation
import Hummingbird
import Logging

/// The sample application `ronda demo` tests: a small optica (form login with a session cookie,
/// patients, appointments) and a cafeteria API (bearer tokens, products, orders), in one
/// Hummingbird server with in-memory state.
///
/// It stands in for someone else's application, so it imports no Ronda module.
///
/// ```swift
/// let demo = try await DemoApp.start()          // 127.0.0.1, a free port
/// print(demo.baseURL)                           // http://127.0.0.1:54321
/// await demo.stop()
/// ```
public enum DemoApp {
    /// Starts the app on `host:port` (port 0: any free port) and returns once it is listening.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, users: DemoUsers = .fromEnvironment(), logger: Logger? = nil
    ) async throws -> RunningDemo {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Stopping cancels the server, which Hummingbird reports at error level: by default log nothing less than critical.
        let app = makeApplication(host: host, port: port, users: users, logger: logger ?? quietLogger(.critical)) { bound in
            portContinuation.yield(bound)
            portContinuation.finish()
        }
        let task = Task {
            defer { portContinuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            let failure: (any Error)?
            do { try await task.value; failure = nil } catch { failure = error }
            throw DemoStartError(host: host, port: port, underlying: failure)
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return RunningDemo(baseURL: "http://\(shownHost):\(bound)", port: bound, users: users, task: task)
    }

    /// Runs the app in the foreground until SIGINT or SIGTERM.
    /// - Parameter onListening: called with the base URL once the server accepts connections.
    public static func run(
        host: String = "127.0.0.1", port: Int, users: DemoUsers = .fromEnvironment(), logger: Logger? = nil,
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let app = makeApplication(host: host, port: port, users: users, logger: logger ?? quietLogger()) { bound in
            onListening("http://\(shownHost):\(bound)")
        }
        try await app.runService()  // stops gracefully on SIGTERM and SIGINT
    }

    /// The routes, for in-process tests with HummingbirdTesting or a custom server.
    public static func makeRouter(users: DemoUsers = .fromEnvironment(), faults: FaultSwitchboard = FaultSwitchboard()) -> Router<BasicRequestContext> {
        let router = Router()
        let optica = OpticaRoutes(store: OpticaStore(users: users), faults: faults)
        let cafeteria = CafeteriaRoutes(store: CafeteriaStore(customers: users.customers), tokens: AccessTokens(), faults: faults)
        router.get("/") { _, _ in Response.redirect(to: "/login/") }
        router.get("/health") { _, _ in HTTPReply.json(.ok, ["status": "ok"]) }
        optica.register(on: router)
        cafeteria.register(on: router)
        return router
    }

    static func makeApplication(
        host: String, port: Int, users: DemoUsers, logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) -> Void
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: makeRouter(users: users),
            configuration: .init(address: .hostname(host, port: port), serverName: "ronda-demo-target"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func quietLogger(_ level: Logger.Level = .error) -> Logger {
        var logger = Logger(label: "ronda.demo-target")
        logger.logLevel = level
        return logger
    }
}

/// A demo app running in this process.
public struct RunningDemo: Sendable {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let baseURL: String
    /// The bound port.
    public let port: Int
    /// The accounts the app accepts.
    public let users: DemoUsers
    private let task: Task<Void, any Error>

    init(baseURL: String, port: Int, users: DemoUsers, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.port = port
        self.users = users
        self.task = task
    }

    /// Shuts the server down and waits until it has stopped.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// The demo app could not start listening.
public struct DemoStartError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var underlying: (any Error)?

    public var description: String {
        let reason = underlying.map { ": \($0)" } ?? ""
        return "the demo target could not listen on \(host):\(port)\(reason)"
    }
}
