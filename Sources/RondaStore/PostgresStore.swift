import Foundation
public import Logging
import PostgresNIO

/// The distributed result store: PostgreSQL 15, with the same schema and migrations as
/// `SQLiteStore` (`Migration.all`) and the same statements (`StoreSQL`).
///
/// Connections come from a postgres-nio `PostgresClient` (a pool). A pool only works while
/// its `run()` method runs. A long-running command opens the store with `runsItself: false`
/// and adds a `ResultStoreService` to its `ServiceGroup`, which runs the pools as child tasks
/// (one-shot commands: `ResultStoreService.withRunning`). A store opened with `runsItself: true`
/// (tests, scripts) runs them from one task of its own until `close()` (or `deinit`).
///
/// Availability: every call is bounded by `Options.operationTimeout` (waiting for a pool
/// connection included, which postgres-nio would otherwise do indefinitely while the server
/// is down) and fails with `StoreError(.unavailable, …)` when the server cannot be reached.
/// After such a failure, or once the pool reports that it cannot connect, the next call
/// first checks with one direct connection (bounded by `Options.connectTimeout`) that the
/// server is back: it fails fast while the server is still down (and calls made during that
/// check fail at once), and once the server answers it replaces the pool with a fresh one, so
/// the same store works again without being reopened and without waiting out the old pool's
/// reconnect backoff (`PostgresConnectorState`). The store does not retry writes itself;
/// callers retry with backoff (every write is idempotent).
public final class PostgresStore: ResultStore {
    public struct Options: Sendable {
        /// How long opening a connection (TCP, TLS, login) may take.
        public var connectTimeout: Duration
        /// How long one store call may take, waiting for a connection included.
        public var operationTimeout: Duration
        /// The pool's size.
        public var maximumConnections: Int

        public init(
            connectTimeout: Duration = .seconds(5),
            operationTimeout: Duration = .seconds(10),
            maximumConnections: Int = 10
        ) {
            self.connectTimeout = connectTimeout
            self.operationTimeout = operationTimeout
            self.maximumConnections = maximumConnections
        }
    }

    public let location: PostgresLocation
    let connector: PostgresConnector
    let logger: Logger
    /// Concurrent writes of results without steps share one INSERT.
    let batcher = ResultBatcher()
    /// postgres-nio logs statements at debug level; results hold redacted but still private
    /// excerpts, so statements are not logged.
    static let queryLogger = Logger(label: "ronda.store.postgres.query", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(location: PostgresLocation, connector: PostgresConnector, logger: Logger) {
        self.location = location
        self.connector = connector
        self.logger = logger
    }

    deinit {
        connector.shutDown()
    }

    /// Connects to the database at `location` and checks that it answers, within
    /// `options.connectTimeout`. Fails with `.unavailable` ("cannot reach PostgreSQL at
    /// host:port (SETTING): connection refused") when the server cannot be reached, or
    /// `.cannotOpen` when it refuses the login or has no such database. Call `migrate()` before use.
    ///
    /// With `runsItself: false` the pools run only inside `ResultStoreService(store:).run()`
    /// (a `ServiceGroup`, or `ResultStoreService.withRunning`); calls made while it does not run
    /// wait for it up to the operation timeout.
    public static func open(
        _ location: PostgresLocation,
        setting: String = "RONDA_DATABASE_URL",
        options: Options = Options(),
        logger: Logger = Logger(label: "ronda.store.postgres"),
        runsItself: Bool = true
    ) async throws -> PostgresStore {
        let connector = try PostgresConnector(location: location, setting: setting, options: options, logger: logger)
        if runsItself { connector.runPoolsItself() }
        do {
            try await connector.start()
        } catch {
            connector.shutDown()
            throw error
        }
        logger.debug("opened result store", metadata: ["database": .string(location.redacted)])
        return PostgresStore(location: location, connector: connector, logger: logger)
    }

    /// Closes the store: stops its pools (a store that runs itself waits for them to end).
    /// Calls made afterwards fail with `.closed`. Closing twice is harmless.
    public func close() async throws {
        await connector.close()
    }

    /// Runs the store's pools until the store is closed or the calling task is cancelled (what
    /// `ResultStoreService` does). Returns `false` at once for a store that runs itself.
    func runPools() async -> Bool {
        await connector.runPools()
    }

    /// Closes the store without waiting (a `ResultStoreService`'s graceful shutdown).
    func shutDown() {
        connector.shutDown()
    }

    // MARK: - Statements

    /// Runs `body` with a pooled connection, bounded by the operation timeout. Errors become
    /// `StoreError`s that say what was being done (`.unavailable` when the server is away).
    func withConnection<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connector.run(what, body)
    }

    /// `withConnection` inside a transaction, rolled back if `body` throws.
    func inTransaction<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(what) { connection in
            try await Self.transaction(connection, body)
        }
    }

    /// Runs `body` between BEGIN and COMMIT; ROLLBACK if it throws. A connection whose
    /// transaction state is unknown (COMMIT or ROLLBACK failed) is closed, so the pool never
    /// hands out a connection inside a stale transaction.
    static func transaction<T: Sendable>(
        _ connection: PostgresConnection,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await execute(connection, "BEGIN")
        do {
            let value = try await body(connection)
            try await execute(connection, "COMMIT")
            return value
        } catch {
            do {
                try await execute(connection, "ROLLBACK")
            } catch {
                try? await connection.close()
            }
            throw error
        }
    }

    /// Runs one statement (written with `?N` placeholders, as in `StoreSQL`) and returns its rows.
    static func rows(
        _ connection: PostgresConnection,
        _ sql: String,
        _ binds: [StoreValue] = []
    ) async throws -> [PostgresRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { bind.append(to: &bindings) }
        let query = PostgresQuery(unsafeSQL: StoreSQL.postgres(sql), binds: bindings)
        return try await connection.query(query, logger: queryLogger).collect()
    }

    static func execute(_ connection: PostgresConnection, _ sql: String, _ binds: [StoreValue] = []) async throws {
        _ = try await rows(connection, sql, binds)
    }
}

extension StoreValue {
    /// Binds the value to the next `$N` parameter.
    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .string(let value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case .int(let value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case .double(let value): value.map { bindings.append($0) } ?? bindings.appendNull()
        case .date(let value): value.map { bindings.append(Timestamp.text($0)) } ?? bindings.appendNull()
        }
    }
}
