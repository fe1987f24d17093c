import Foundation
import Logging
import RondaCore
import RondaTestSupport
import ServiceLifecycle
import Testing

@testable import RondaStore

/// The store's pools inside the service lifecycle, and what the connector does once it knows
/// the server is away. Runs on throwaway PostgreSQL clusters (`TestPostgres`).
@Suite(
    .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)),
    .timeLimit(.minutes(2))
)
struct PostgresLifecycleTests {
    func openForService(
        _ url: String,
        options: PostgresStore.Options = testPostgresOptions
    ) async throws -> PostgresStore {
        guard case .postgres(let location) = try StoreLocation(parsing: url) else {
            throw StoreError(.invalidLocation, "not a PostgreSQL URL")
        }
        return try await PostgresStore.open(location, options: options, runsItself: false)
    }

    @Test func aStoreRunByItsServiceWorksUntilTheGroupShutsDown() async throws {
        let store = try await openForService(try await TestPostgres.freshDatabase())
        let group = ServiceGroup(services: [ResultStoreService(store: store)], logger: Logger(label: "test.group"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await store.migrate()
            #expect(try await store.createRun(makeRun(id: "r")))
            #expect(try await store.run(id: "r")?.id == "r")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // Graceful shutdown closed the store.
        let error = await #expect(throws: StoreError.self) { try await store.run(id: "r") }
        #expect(error?.code == .closed)
    }

    @Test func withRunningRunsTheBodyThenClosesTheStore() async throws {
        let store = try await openForService(try await TestPostgres.freshDatabase())
        let found = try await ResultStoreService.withRunning(store) { store in
            try await store.migrate()
            _ = try await store.createRun(makeRun(id: "r"))
            return try await store.run(id: "r")?.id
        }
        #expect(found == "r")
        let error = await #expect(throws: StoreError.self) { try await store.run(id: "r") }
        #expect(error?.code == .closed)
    }

    /// The pool keeps a connection open, so it notices when the server goes away and tells the
    /// connector: the next call then fails in about the time of one refused connection, not
    /// after the operation timeout. Once the server is back, the same store works.
    @Test func theFirstCallAfterTheServerWentAwayFailsFast() async throws {
        let server = try TestPostgres()
        let url = try await server.makeDatabase()
        let options = PostgresStore.Options(connectTimeout: .seconds(5), operationTimeout: .seconds(30))
        let store = try await openPostgres(url, options: options)
        try await store.migrate()
        _ = try await store.createRun(makeRun(id: "r"))

        try await server.stop()
        let end = ContinuousClock.now + .seconds(20)
        while !store.connector.knowsServerIsAway, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.connector.knowsServerIsAway, "the pool reported the lost server")
        let start = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) {
            try await store.recordResult(makeResult(runID: "r", scenario: "during"))
        }
        #expect(ContinuousClock.now - start < .seconds(5), "far less than the 30 s operation timeout")
        #expect(error?.code == .unavailable)
        #expect(
            error?.message.contains("cannot reach PostgreSQL at 127.0.0.1:\(server.port)") == true,
            "\(error?.message ?? "")"
        )

        try await server.start()
        #expect(try await store.recordResult(makeResult(runID: "r", scenario: "after")))
        #expect(!store.connector.knowsServerIsAway)
        try await store.close()
    }
}
