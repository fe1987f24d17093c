import Foundation
import Logging
import PostgresNIO
import RondaRuntime
import Synchronization

/// Owns the `PostgresClient`s (pools) behind a `PostgresStore`, runs them, and bounds every
/// call in time.
///
/// What the connector knows about the server is `PostgresConnectorState`, a pure state
/// machine: healthy (calls use the current pool), suspect (something found the server away:
/// a call, or the pool failing to connect), probing (one call checks the server with one
/// direct connection; the others fail at once with `.unavailable` instead of each waiting out
/// the operation timeout), closed. A successful probe starts a fresh pool and retires the old
/// one once its last call has left: a fresh pool connects at once instead of waiting out the
/// old pool's growing reconnect backoff (up to a minute in postgres-nio).
///
/// The pools run inside `runPools()`, a structured loop: each pool's `PostgresClient.run()` is
/// a child task of it. `ResultStoreService` calls it in the `ServiceGroup` of a long-running
/// command; a store opened to run itself calls it from one task of its own.
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
    /// New pools, for `runPools()` to run.
    private let pools: AsyncStream<PostgresPool>
    private let newPools: AsyncStream<PostgresPool>.Continuation

    private struct State {
        var machine = PostgresConnectorState()
        /// The pools calls may still be using, by number (the current one and retiring ones).
        var pools: [Int: PostgresPool] = [:]
        var running = false
        /// The task of a store that runs its pools itself.
        var ownRunner: Task<Void, Never>?
    }

    init(location: PostgresLocation, setting: String, options: PostgresStore.Options, logger: Logger) throws {
        self.location = location
        self.setting = setting
        self.options = options
        self.logger = logger
        self.outage = PostgresOutageLog(logger: logger)
        var client = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: .disable
        )
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
            throw StoreError(
                .cannotOpen,
                "cannot set up TLS for PostgreSQL at \(location.endpoint) (\(setting)): \(error)",
                underlying: error
            )
        }
        client.options.connectTimeout = options.connectTimeout
        client.options.maximumConnections = max(1, options.maximumConnections)
        // One connection kept open: when the server goes away the pool notices (the connection
        // closes, reconnecting fails) and tells the connector, so the next call fails fast.
        client.options.minimumConnections = 1
        self.clientConfiguration = client
        var probe = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: probeTLS
        )
        probe.options.connectTimeout = .nanoseconds(Int64(options.connectTimeout / .nanoseconds(1)))
        self.probeConfiguration = probe
        (pools, newPools) = AsyncStream.makeStream(of: PostgresPool.self)
    }

    /// Checks the server answers and starts the first pool.
    func start() async throws {
        try await enter(for: "connecting").leave()
    }

    /// The connector's phase now (for tests and diagnostics).
    var phase: PostgresConnectorState.Phase {
        state.withLock { $0.machine.phase }
    }

    /// Whether the connector knows the server is away (calls then probe or fail fast).
    var knowsServerIsAway: Bool {
        state.withLock { $0.machine.knowsServerIsAway }
    }

    /// Runs `body` on a pooled connection within the operation timeout.
    func run<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let pool = try await enter(for: what)
        defer { pool.leave() }
        do {
            let value = try await Deadline.run(options.operationTimeout) {
                try await pool.client.withConnection { connection in try await body(connection) }
            }
            outage.succeeded(endpoint: location.endpoint)
            return value
        } catch {
            if state.withLock({ $0.machine.phase == .closed }) { throw closedError(while: what) }
            if let storeError = error as? StoreError { throw storeError }
            if error is CancellationError { throw error }  // the caller was cancelled: not the database's fault
            if let reason = Self.unavailability(error, timeout: options.operationTimeout) {
                state.withLock { _ = $0.machine.unreachable(pool: pool.id, reason: reason) }
                outage.failed(
                    "PostgreSQL unavailable",
                    metadata: [
                        "database": .string(location.endpoint), "while": .string(what), "reason": .string(reason),
                    ]
                )
                throw StoreError(
                    .unavailable,
                    "PostgreSQL at \(location.endpoint) (\(setting)) is unavailable while \(what): \(reason)",
                    underlying: error
                )
            }
            throw StoreError(.query, "PostgreSQL failed while \(what): \(Self.explain(error))", underlying: error)
        }
    }

    /// The pool to use, entered (its `leave()` must be called). Probes first when something
    /// found the server away; fails fast while another call is probing.
    private func enter(for what: String) async throws -> PostgresPool {
        let (action, ready) = state.withLock { state -> (PostgresConnectorState.CallAction, PostgresPool?) in
            let action = state.machine.call()
            guard case .use(let number) = action, let pool = state.pools[number] else { return (action, nil) }
            pool.enter()
            return (action, pool)
        }
        switch action {
        case .use:
            if let ready { return ready }
            throw closedError(while: what)  // not reachable: a used pool is always in `pools`
        case .failClosed:
            throw closedError(while: what)
        case .failUnavailable(let reason):
            throw StoreError(
                .unavailable,
                "PostgreSQL at \(location.endpoint) (\(setting)) is unavailable while \(what): "
                    + "\(reason ?? "not checked yet") (another call is checking whether it is back)"
            )
        case .probe:
            break
        }
        do {
            try await probe()
        } catch let failure as ProbeFailure {
            state.withLock { $0.machine.probeFailed(reason: failure.reason) }
            throw failure.error
        } catch {
            state.withLock { $0.machine.probeCancelled() }
            throw error
        }
        let (pool, isNew, retired) = try state.withLock { state -> (PostgresPool, Bool, PostgresPool?) in
            switch state.machine.probeSucceeded() {
            case .closed:
                throw closedError(while: what)
            case .replacePool(let number, let retire):
                let existing = state.pools[number]
                let pool = existing ?? makePool(number)
                state.pools[number] = pool
                pool.enter()
                return (pool, existing == nil, retire.flatMap { state.pools.removeValue(forKey: $0) })
            }
        }
        if isNew { newPools.yield(pool) }  // a client's `run()` may be called only once
        retired?.retire()
        return pool
    }

    private func makePool(_ number: Int) -> PostgresPool {
        let logger = outage.backgroundLogger { [weak self] in self?.poolCannotConnect(number) ?? false }
        return PostgresPool(
            id: number,
            client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        )
    }

    /// postgres-nio's pool `number` failed to open a connection: the server is away (or refuses
    /// us). Returns whether that counts towards an outage: not for a retired pool's late attempts
    /// nor after close.
    private func poolCannotConnect(_ number: Int) -> Bool {
        state.withLock { state in
            _ = state.machine.unreachable(pool: number, reason: "the pool cannot open a connection")
            return state.machine.pool == number
        }
    }

    private func closedError(while what: String) -> StoreError {
        StoreError(.closed, "the result store at \(location.redacted) is closed (while \(what))")
    }

    /// Why a probe failed: the reason the state machine keeps, and the error the call throws.
    private struct ProbeFailure: Error {
        var reason: String
        var error: StoreError
    }

    /// One direct connection and `SELECT 1`, bounded by the connect timeout. postgres-nio's
    /// own connect timeout covers TCP, TLS and login; the deadline, a second later, is a backstop
    /// for a server that stops answering after the login.
    /// Throws `CancellationError` when the calling task is cancelled, otherwise a `ProbeFailure`.
    private func probe() async throws {
        let configuration = probeConfiguration
        do {
            try await Deadline.run(options.connectTimeout + .seconds(1)) {
                let connection = try await PostgresConnection.connect(
                    configuration: configuration,
                    id: 0,
                    logger: PostgresStore.queryLogger
                )
                do {
                    _ = try await connection.query("SELECT 1", logger: PostgresStore.queryLogger).collect()
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch {
            if error is CancellationError { throw error }
            if let reason = Self.unavailability(error, timeout: options.connectTimeout + .seconds(1)) {
                throw ProbeFailure(
                    reason: reason,
                    error: StoreError(
                        .unavailable,
                        "cannot reach PostgreSQL at \(location.endpoint) (\(setting)): \(reason)",
                        underlying: error
                    )
                )
            }
            let explanation = Self.explain(error)
            throw ProbeFailure(
                reason: explanation,
                error: StoreError(
                    .cannotOpen,
                    "cannot open PostgreSQL database '\(location.database)' at \(location.endpoint) as '\(location.user)' "
                        + "(\(setting)): \(explanation)",
                    underlying: error
                )
            )
        }
    }

    // MARK: - Running the pools

    /// Runs every pool this connector starts, each pool's `PostgresClient.run()` a child task,
    /// until the connector is closed (then each pool stops once its last call has left) or the
    /// calling task is cancelled. Returns `false` at once when the pools already run elsewhere
    /// (a second call, or a store that runs itself).
    @discardableResult
    func runPools() async -> Bool {
        let first = state.withLock { state in
            defer { state.running = true }
            return !state.running
        }
        guard first else { return false }
        await withDiscardingTaskGroup { group in
            for await pool in pools {
                group.addTask { await pool.run() }
            }
        }
        return true
    }

    /// Runs the pools from a task of the connector's own, for a store not run by a
    /// `ResultStoreService` (tests, scripts); `close()` ends it.
    func runPoolsItself() {
        let task = Task { _ = await self.runPools() }
        state.withLock { $0.ownRunner = task }
    }

    /// Closes the connector: calls fail with `.closed`, the pools stop (in-flight calls are
    /// cancelled), and, for a connector that runs its pools itself, waits for them to end.
    func close() async {
        let runner = shutDown()
        await runner?.value
    }

    /// Closes without waiting (for `deinit` and graceful shutdown). Returns the connector's own
    /// runner task, if it has one.
    @discardableResult
    func shutDown() -> Task<Void, Never>? {
        let (pools, runner) = state.withLock { state -> ([PostgresPool], Task<Void, Never>?) in
            _ = state.machine.close()
            defer { state.pools = [:] }
            return (Array(state.pools.values), state.ownRunner)
        }
        newPools.finish()
        for pool in pools { pool.stop() }
        return runner
    }
}
