import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore

/// Where the distributed mode's servers are: `--redis-url` / `--database-url`, or
/// RONDA_REDIS_URL / RONDA_DATABASE_URL; and the lease time of its jobs. Commands that need only
/// one server take `RedisOptions` or `StoreOptions` alone, so their `--help` lists only that.
struct ClusterOptions: ParsableArguments {
    @OptionGroup var redis: RedisOptions
    @OptionGroup var store: StoreOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long a leased job may go without renewal before another worker takes it over, e.g. 60s.",
            valueName: "duration"
        )
    )
    var leaseTime: String = "60s"

    func leaseDuration() throws -> Duration {
        guard let duration = DurationText.parse(leaseTime), duration >= .seconds(1) else {
            throw CLIError(
                code: .usage,
                message: "--lease-time '\(leaseTime)' is not a duration of at least 1s (like 60s or 2m)"
            )
        }
        return duration
    }

    func redisConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RedisConfiguration {
        try redis.redisConfiguration(environment: environment)
    }

    func databaseURLText(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        try store.databaseURLText(environment: environment)
    }

    func openStore(logger: Logger, connections: Int = 10, runsItself: Bool = true) async throws -> any ResultStore {
        try await store.openStore(logger: logger, connections: connections, runsItself: runsItself)
    }

    /// Opens the store, runs `body` with its connections running, then closes it.
    func withStore<T: Sendable>(logger: Logger, _ body: (any ResultStore) async throws -> T) async throws -> T {
        try await store.withStore(logger: logger, body)
    }

    /// Connects to Redis with `--lease-time` and checks it answers PING.
    func connectRedis(logger: Logger) async throws -> Cluster {
        try await redis.connectRedis(logger: logger, leaseTime: try leaseDuration())
    }
}

/// `--redis-url`, or RONDA_REDIS_URL.
struct RedisOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Redis URL, redis://[user:password@]host[:port][/db]; default RONDA_REDIS_URL. Prefer the variable: a password in arguments shows in ps.",
            valueName: "url"
        )
    )
    var redisURL: String?

    func redisConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RedisConfiguration {
        guard let text = redisURL ?? environment["RONDA_REDIS_URL"], !text.isEmpty else {
            throw CLIError(
                code: .configuration,
                message:
                    "RONDA_REDIS_URL is not set: the distributed mode needs Redis, e.g. RONDA_REDIS_URL=redis://127.0.0.1:6379 (or --redis-url)"
            )
        }
        do { return try RedisConfiguration(url: text) } catch {
            throw CLIError(
                code: .configuration,
                message: error.message + (redisURL != nil ? " (from --redis-url)" : "")
            )
        }
    }

    /// Connects to Redis and checks it answers PING (retrying for a few seconds). `leaseTime`
    /// matters only to commands that lease or reclaim jobs.
    func connectRedis(logger: Logger, leaseTime: Duration = .seconds(60)) async throws -> Cluster {
        let configuration = try redisConfiguration()
        let options = RedisJobQueue.Options(leaseTime: leaseTime)
        let queue = RedisJobQueue(configuration: configuration, options: options)
        do {
            try await queue.ping()
        } catch {
            queue.close()
            throw CLIError(
                code: .configuration,
                message:
                    "cannot reach Redis at \(configuration.host):\(configuration.port) (RONDA_REDIS_URL): \(error.message)"
            )
        }
        let control = RedisControlPlane(configuration: configuration)
        return Cluster(redis: configuration, queue: queue, control: control)
    }
}

/// `--database-url`, or RONDA_DATABASE_URL.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Database URL, postgres://user:password@host[:port]/db or sqlite:PATH; default RONDA_DATABASE_URL.",
            valueName: "url"
        )
    )
    var databaseURL: String?

    func databaseURLText(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let text = databaseURL ?? environment["RONDA_DATABASE_URL"], !text.isEmpty else {
            throw CLIError(
                code: .configuration,
                message:
                    "RONDA_DATABASE_URL is not set: the distributed mode needs PostgreSQL, e.g. RONDA_DATABASE_URL=postgres://ronda:PASSWORD@127.0.0.1:5432/ronda (or --database-url)"
            )
        }
        return text
    }

    /// Opens the store and checks it answers; a clear error names the setting otherwise.
    /// PostgreSQL gets a pool of `connections` (a worker: one per slot, so no slot waits to commit).
    /// A long-running command passes `runsItself: false` and runs a `ResultStoreService` in its
    /// `ServiceGroup`; a one-shot command uses `withStore`.
    func openStore(
        logger: Logger,
        connections: Int = 10,
        runsItself: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> any ResultStore {
        let text = try databaseURLText(environment: environment)
        let setting = databaseURL != nil ? "--database-url" : "RONDA_DATABASE_URL"
        let location: StoreLocation
        do { location = try StoreLocation(parsing: text, setting: setting) } catch let error as StoreError {
            throw CLIError(code: .configuration, message: error.message)
        }
        do {
            return try await StoreLocation.open(
                location,
                setting: setting,
                options: PostgresStore.Options(maximumConnections: max(10, connections)),
                logger: logger,
                runsItself: runsItself
            )
        } catch let error as StoreError {
            throw CLIError(code: .storage, message: error.message)
        }
    }

    /// Opens the store, runs `body` with its connections running beside it
    /// (`ResultStoreService.withRunning`), then closes it, also when `body` throws.
    func withStore<T: Sendable>(logger: Logger, _ body: (any ResultStore) async throws -> T) async throws -> T {
        let store = try await openStore(logger: logger, runsItself: false)
        return try await ResultStoreService.withRunning(store, body)
    }
}

/// The distributed mode's Redis side, connected.
struct Cluster: Sendable {
    let redis: RedisConfiguration
    let queue: RedisJobQueue
    let control: RedisControlPlane

    func close() {
        queue.close()
        control.close()
    }
}
