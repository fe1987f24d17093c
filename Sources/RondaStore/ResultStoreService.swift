public import ServiceLifecycle

/// The `Service` that keeps a result store's connections running inside a `ServiceGroup`.
///
/// A `PostgresStore` opened with `runsItself: false` has no task of its own: its pools
/// (`PostgresClient.run()`) run as child tasks of this service's `run()`. Put the service first
/// in the group's list: a `ServiceGroup` shuts its services down in reverse order, so the store
/// stays open until the services that use it (the worker, the coordinator) have drained. On
/// graceful shutdown it closes the store; on cancellation the pools stop at once.
///
/// Other stores (SQLite, or a `PostgresStore` opened with `runsItself: true`) need nothing
/// running: the service then only waits for shutdown.
public struct ResultStoreService: Service {
    /// The store this service runs.
    public let store: any ResultStore

    /// A service for `store` (opened with `runsItself: false` when it is a `PostgresStore`).
    public init(store: any ResultStore) {
        self.store = store
    }

    /// Runs the store's pools until graceful shutdown (then closes the store) or cancellation.
    public func run() async throws {
        guard let postgres = store as? PostgresStore else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            // A store opened to run itself has nothing to run here: wait, as for SQLite, so
            // the group does not take the service's end for a failure.
            if await postgres.runPools() { return }
            try? await gracefulShutdown()
        } onGracefulShutdown: {
            postgres.shutDown()
        }
    }

    /// Runs `body` with the store's service running beside it (for one-shot commands, which
    /// have no `ServiceGroup`), then closes the store, also when `body` throws.
    public static func withRunning<T: Sendable>(
        _ store: any ResultStore,
        _ body: (any ResultStore) async throws -> T
    ) async throws -> T {
        let service = ResultStoreService(store: store)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            do {
                let value = try await body(store)
                try? await store.close()
                group.cancelAll()
                return value
            } catch {
                try? await store.close()
                group.cancelAll()
                throw error
            }
        }
    }
}
