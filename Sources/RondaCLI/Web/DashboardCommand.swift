import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore
import RondaWeb
import ServiceLifecycle
import UnixSignals

/// Where and how the dashboard listens: shared by `ronda dashboard` and `ronda serve`.
struct DashboardServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host")) var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port")) var port: Int = 8080

    @Option(
        help: ArgumentHelp(
            "The address people open, e.g. https://ronda.example.com: with https, cookies are Secure.",
            valueName: "url"
        )
    )
    var publicURL: String?

    @Flag(
        help: "Serve a public, read-only status page per module at /status (no sign-in; module names and figures only)."
    )
    var statusPage = false

    @Option(
        help: ArgumentHelp(
            "With --status-page: only these modules (comma-separated; default every module).",
            valueName: "names"
        )
    )
    var statusModules: String?

    @Option(
        help: ArgumentHelp(
            "The target's OpenAPI document (an http(s) URL or a file), for the Coverage page.",
            valueName: "url-or-file"
        )
    )
    var openapi: String?

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw CLIError(code: .usage, message: "--port \(port) is not 0–65535")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw CLIError(code: .usage, message: "--public-url '\(publicURL)' must start with http:// or https://")
        }
        if statusModules != nil, !statusPage {
            throw CLIError(code: .usage, message: "--status-modules needs --status-page")
        }
        if let statusModules, Self.modules(statusModules).isEmpty {
            throw CLIError(code: .usage, message: "--status-modules '\(statusModules)' names no module")
        }
    }

    /// RONDA_METRICS_TOKEN, when set, guards `/metrics` with a bearer token.
    func options(environment: [String: String] = ProcessInfo.processInfo.environment) -> DashboardOptions {
        DashboardOptions(
            publicURL: publicURL,
            metricsToken: environment["RONDA_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            statusPage: statusPage ? StatusPageOptions(modules: statusModules.map(Self.modules)) : nil,
            openAPI: openapi.map(OpenAPILoader.source)
        )
    }

    static func modules(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

/// `ronda dashboard`: the pages, JSON API and `/health` over the results store, until SIGTERM.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract:
            "Serve the dashboard over the results store (RONDA_DATABASE_URL, else the configuration's SQLite file).",
        discussion: """
            Every page and /api route needs a signed-in operator (add one with `ronda user add NAME`);
            /health does not. Listens on 127.0.0.1:8080 by default; put it behind a TLS proxy and pass
            --public-url https://… to serve it beyond this machine. With RONDA_REDIS_URL (or --redis-url)
            the Workers page shows the queue and the workers' heartbeats and its pause button reaches the
            fleet. Stops on SIGTERM or SIGINT.
            """
    )

    @OptionGroup var results: ResultsStoreOptions
    @OptionGroup var redis: RedisOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var server: DashboardServerOptions

    func run() async throws {
        let logger = try logging.makeLogger(label: "ronda.dashboard")
        let environment = ProcessInfo.processInfo.environment
        var cluster: Cluster?
        if redis.redisURL != nil || !(environment["RONDA_REDIS_URL"] ?? "").isEmpty {
            cluster = try await redis.connectRedis(logger: logger)
        }
        defer { cluster?.close() }
        let fleet = cluster.map { cluster in
            Fleet(
                queue: cluster.queue,
                control: cluster.control,
                location: "Redis at \(cluster.redis.host):\(cluster.redis.port)"
            )
        }
        let store = try await results.resolved().openStore(logger: logger, runsItself: false)
        let dashboard = Dashboard(store: store, options: server.options(), fleet: fleet)
        let app = dashboard.application(host: server.host, port: server.port, logger: logger) { port in
            FileHandle.standardOutput.write(Data("dashboard listening on http://\(server.host):\(port)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ResultStoreService(store: store), MigratedService(store: store, service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do { try await group.run() } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }
}

/// Migrates the store, then runs `service` (inside the group, where the store's pools run).
struct MigratedService<Wrapped: Service>: Service {
    let store: any ResultStore
    let service: Wrapped

    func run() async throws {
        do { try await store.migrate() } catch {
            throw CLIError(
                code: .storage,
                message: "cannot bring the results database up to date: \(error.operatorMessage)"
            )
        }
        try await service.run()
    }
}
