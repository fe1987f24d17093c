import Foundation
import Logging
import PostgresNIO
import RondaRuntime
import Synchronization

/// Owns the `PostgresClient` (pool) behind a `PostgresStore` and the task that runs it, and
/// bounds every call in time.
///
/// The pool lives in a *generation*. When a call finds the server unreachable, the
/// generation is marked suspect; the next call probes the server with one direct connection
/// first. While the probe fails, calls fail fast with `.unavailable`; when it succeeds, a
/// fresh generation (new client, new `run()` task) replaces the old one, whose task is
/// cancelled once its last call has finished. A fresh pool connects at once instead of
/// waiting out the old pool's growing reconnect backoff (up to a minute in postgres-nio).
final class PostgresConnector: Sendable {
    let location: PostgresLocation
    let setting: String
    let options: PostgresStore.Options
    let logger: Logger
    /// One warning per outage, for this connector's failures and postgres-nio's.
    let outage: PostgresOutageLog
    private let clientConfiguration: PostgresClient.Configuration
    private let probeConfiguration: PostgresConnection.Configuration
    private let state = Mutex(State())

    private struct State {
        var current: Generation?
        var isSuspect = true
        var isClosed = false
        var nextID = 1
    }

    init(location: PostgresLocation, setting: String, options: PostgresStore.Options, logger: Logger) throws {
        self.location = location
        self.setting = setting
        self.options = options
        self.logger = logger
        self.outage = PostgresOutageLog(logger: logger)
        var client = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        var probeTLS = PostgresConnection.Configuration.TLS.disable
        do {
            switch location.tls {
            case .disable:
                break
            case .prefer, .require:
                var tls = TLSConfiguration.makeClientConfiguration()
                tls.certificateVerification = .none
                client.tls = location.tls == .prefer ? .prefer(tls) : .require(tls)
                let context = try NIOSSLContext(configuration: tls)
                probeTLS = location.tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                let tls = TLSConfiguration.makeClientConfiguration()
                client.tls = .require(tls)
                probeTLS = .require(try NIOSSLContext(configuration: tls))
            }
        } catch {
            throw StoreError(.cannotOpen, "cannot set up TLS for PostgreSQL at \(location.endpoint) (\(setting)): \(error)",
                             underlying: error)
        }
        client.options.connectTimeout = options.connectTimeout
        client.options.maximumConnections = max(1, options.maximumConnections)
        self.clientConfiguration = client
        var probe = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: probeTLS)
        probe.options.connectTimeout = .nanoseconds(Int64(Self.seconds(options.connectTimeout) * 1_000_000_000))
        self.probeConfiguration = probe
    }

    /// Checks the server answers and starts the first pool.
    func start() async throws {
        try await generation(for: "connecting").leave()
    }

    /// Runs `body` on a pooled connection within the operation timeout.
    func run<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let generation = try await generation(for: what)
        defer { generation.leave() }
        do {
            let value = try await Deadline.run(options.operationTimeout) {
                try await generation.client.withConnection { connection in try await body(connection) }
            }
            outage.succeeded(endpoint: location.endpoint)
            return value
        } catch {
            if state.withLock({ $0.isClosed }) {
                throw StoreError(.closed, "the result store at \(location.redacted) is closed (while \(what))")
            }
            if let storeError = error as? StoreError { throw storeError }
            if error is CancellationError { throw error } // the caller was cancelled: not the database's fault
            if let reason = Self.unavailability(error, timeout: options.operationTimeout) {
                state.withLock { state in
                    if state.current === generation { state.isSuspect = true }
                }
                outage.failed("PostgreSQL unavailable", metadata: [
                    "database": .string(location.endpoint), "while": .string(what), "reason": .string(reason),
                ])
                throw StoreError(
                    .unavailable,
                    "PostgreSQL at \(location.endpoint) (\(setting)) is unavailable while \(what): \(reason)",
                    underlying: error)
            }
            throw StoreError(.query, "PostgreSQL failed while \(what): \(Self.explain(error))", underlying: error)
        }
    }

    /// The generation to use, entered (its `leave()` must be called). Probes first when the
    /// previous call found the server away.
    private func generation(for what: String) async throws -> Generation {
        let ready: Generation? = try state.withLock { state in
            if state.isClosed {
                throw StoreError(.closed, "the result store at \(location.redacted) is closed (while \(what))")
            }
            guard !state.isSuspect, let current = state.current else { return nil }
            current.enter()
            return current
        }
        if let ready { return ready }
        try await probe()
        return try state.withLock { state in
            if state.isClosed {
                throw StoreError(.closed, "the result store at \(location.redacted) is closed (while \(what))")
            }
            if state.isSuspect || state.current == nil {
                state.current?.retire()
                let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: outage.backgroundLogger)
                state.current = Generation(id: state.nextID, client: client)
                state.nextID += 1
                state.isSuspect = false
            }
            let current = state.current!
            current.enter()
            return current
        }
    }

    /// One direct connection and `SELECT 1`, bounded by the connect timeout. postgres-nio's
    /// own connect timeout covers TCP, TLS and login; the deadline, a second later, is a backstop
    /// for a server that stops answering after the login.
    private func probe() async throws {
        let configuration = probeConfiguration
        do {
            try await Deadline.run(options.connectTimeout + .seconds(1)) {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration, id: 0, logger: PostgresStore.queryLogger)
                do {
                    _ = try await connection.query("SELECT 1", logger: PostgresStore.queryLogger).collect()
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch {
            if let reason = Self.unavailability(error, timeout: options.connectTimeout + .seconds(1)) {
                throw StoreError(
                    .unavailable, "cannot reach PostgreSQL at \(location.endpoint) (\(setting)): \(reason)",
                    underlying: error)
            }
            throw StoreError(
                .cannotOpen,
                "cannot open PostgreSQL database '\(location.database)' at \(location.endpoint) as '\(location.user)' "
                    + "(\(setting)): \(Self.explain(error))",
                underlying: error)
        }
    }

    /// Stops the pool and waits for its task to end.
    func close() async {
        let current = state.withLock { state -> Generation? in
            state.isClosed = true
            defer { state.current = nil }
            return state.current
        }
        guard let current else { return }
        current.runner.cancel()
        await current.runner.value
    }

    /// Cancels the pool's task without waiting (for `deinit`).
    func shutDown() {
        let current = state.withLock { state -> Generation? in
            state.isClosed = true
            defer { state.current = nil }
            return state.current
        }
        current?.runner.cancel()
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// One pool and the task running it. Retired generations cancel their task when their last
/// call has left.
final class Generation: Sendable {
    let id: Int
    let client: PostgresClient
    let runner: Task<Void, Never>
    private let usage = Mutex((inFlight: 0, retired: false))

    init(id: Int, client: PostgresClient) {
        self.id = id
        self.client = client
        self.runner = Task { await client.run() }
    }

    func enter() { usage.withLock { $0.inFlight += 1 } }

    func leave() {
        let stop = usage.withLock { usage in
            usage.inFlight -= 1
            return usage.retired && usage.inFlight == 0
        }
        if stop { runner.cancel() }
    }

    func retire() {
        let stop = usage.withLock { usage in
            usage.retired = true
            return usage.inFlight == 0
        }
        if stop { runner.cancel() }
    }
}
