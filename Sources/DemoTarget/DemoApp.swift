public import Foundation
public import Hummingbird
public import Logging

/// The sample application `ronda demo` tests: a small optica (form login with a session cookie,
/// patients, appointments) and a cafeteria API (bearer tokens, products, orders), in one
/// Hummingbird server with in-memory state.
///
/// It stands in for someone else's application, so it imports no Ronda module.
///
/// Faults (`DemoFaults.all`) make it misbehave on purpose, so that a suite can show it catches
/// them; they are chosen at start and can be switched while it runs through the admin endpoint
/// (`AdminRoutes`, guarded by the admin token).
///
/// ```swift
/// let demo = try await DemoApp.start()          // 127.0.0.1, a free port, no faults
/// print(demo.baseURL)                           // http://127.0.0.1:54321
/// demo.faults.set(["order-total-off-by-one"])   // or PUT /__admin/faults with demo.adminToken
/// await demo.stop()
/// ```
public enum DemoApp {
    /// Starts the app on `host:port` (port 0: any free port) and returns once it is listening.
    /// - Parameters:
    ///   - faults: names from `DemoFaults.all` to switch on from the start.
    ///   - adminToken: the `X-Admin-Token` the admin endpoint wants; `nil`: `DEMO_ADMIN_TOKEN`, or a random one.
    /// - Throws: `UnknownFaultError` for a fault name not in the catalogue (before listening);
    ///   `DemoStartError` when the address cannot be bound.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        users: DemoUsers = .fromEnvironment(),
        faults: Set<String> = [],
        adminToken: String? = nil,
        logger: Logger? = nil
    ) async throws -> RunningDemo {
        let switchboard = FaultSwitchboard(active: try DemoFaults.validate(faults))
        let token = adminToken ?? AdminRoutes.token()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        // Stopping cancels the server, which Hummingbird reports at error level: by default log nothing less than critical.
        let app = makeApplication(
            host: host,
            port: port,
            users: users,
            faults: switchboard,
            adminToken: token,
            logger: logger ?? quietLogger(.critical)
        ) { bound in
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
            do {
                try await task.value
                failure = nil
            } catch { failure = error }
            throw DemoStartError(host: host, port: port, underlying: failure)
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return RunningDemo(
            baseURL: "http://\(shownHost):\(bound)",
            port: bound,
            users: users,
            faults: switchboard,
            adminToken: token,
            task: task
        )
    }

    /// Runs the app in the foreground until SIGINT or SIGTERM.
    /// - Parameters:
    ///   - faults: names from `DemoFaults.all` to switch on from the start.
    ///   - adminToken: the `X-Admin-Token` the admin endpoint wants (see `adminToken(environment:)`).
    ///   - onListening: called with the base URL once the server accepts connections.
    /// - Throws: `UnknownFaultError` for a fault name not in the catalogue (before listening).
    public static func run(
        host: String = "127.0.0.1",
        port: Int,
        users: DemoUsers = .fromEnvironment(),
        faults: Set<String> = [],
        adminToken: String,
        logger: Logger? = nil,
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        let switchboard = FaultSwitchboard(active: try DemoFaults.validate(faults))
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let app = makeApplication(
            host: host,
            port: port,
            users: users,
            faults: switchboard,
            adminToken: adminToken,
            logger: logger ?? quietLogger()
        ) { bound in
            onListening("http://\(shownHost):\(bound)")
        }
        try await app.runService()  // stops gracefully on SIGTERM and SIGINT
    }

    /// The admin token to use: `DEMO_ADMIN_TOKEN` when set and not empty, otherwise 32 random hex characters.
    public static func adminToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AdminRoutes.token(environment: environment)
    }

    /// The routes, for in-process tests with HummingbirdTesting or a custom server.
    /// - Parameters:
    ///   - faults: the switchboard every route consults.
    ///   - adminToken: when set, the admin endpoint `/__admin/faults` is served, guarded by it.
    public static func makeRouter(
        users: DemoUsers = .fromEnvironment(),
        faults: FaultSwitchboard = FaultSwitchboard(),
        adminToken: String? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let optica = OpticaRoutes(store: OpticaStore(users: users), faults: faults)
        var cafeteria = CafeteriaRoutes(
            store: CafeteriaStore(customers: users.customers),
            tokens: AccessTokens(),
            faults: faults
        )
        cafeteria.webhookSecret = users.mercadoPagoWebhookSecret
        router.get("/") { _, _ in Response.redirect(to: "/login/") }
        // The storage check: counts consistent, stock never negative (503 otherwise).
        router.get("/health") { [cafeteria] _, _ in cafeteria.health() }
        optica.register(on: router)
        cafeteria.register(on: router)
        if let adminToken {
            AdminRoutes(faults: faults, token: adminToken).register(on: router)
        }
        return router
    }

    static func makeApplication(
        host: String,
        port: Int,
        users: DemoUsers,
        faults: FaultSwitchboard,
        adminToken: String,
        logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) -> Void
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: makeRouter(users: users, faults: faults, adminToken: adminToken),
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
    /// The faults switched on; every route consults it, so changes apply to the next request.
    public let faults: FaultSwitchboard
    /// The `X-Admin-Token` value `/__admin/faults` wants.
    public let adminToken: String
    private let task: Task<Void, any Error>

    init(
        baseURL: String,
        port: Int,
        users: DemoUsers,
        faults: FaultSwitchboard,
        adminToken: String,
        task: Task<Void, any Error>
    ) {
        self.baseURL = baseURL
        self.port = port
        self.users = users
        self.faults = faults
        self.adminToken = adminToken
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
    /// The address it tried.
    public internal(set) var host: String
    public internal(set) var port: Int
    /// Why binding failed (address in use, permission denied).
    public internal(set) var underlying: (any Error)?

    public var description: String {
        let reason = underlying.map { ": \($0)" } ?? ""
        return "the demo target could not listen on \(host):\(port)\(reason)"
    }
}
