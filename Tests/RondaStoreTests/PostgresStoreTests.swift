import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

/// PostgreSQL-only behaviour: several coordinators and workers at once, migrations from
/// several processes, opening and outages. Runs on a throwaway cluster (`TestPostgres`).
@Suite(
    .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)),
    .timeLimit(.minutes(2))
)
struct PostgresStoreTests {
    @Test func concurrentCreateRunForOneSlotInsertsExactlyOnce() async throws {
        try await withStore(.postgres) { store, fixture async throws in
            let other = try await fixture.openAnother()
            let slot = time(3600)
            let winners = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<20 {
                    let target = index.isMultiple(of: 2) ? store : other
                    group.addTask {
                        let run = makeRun(id: "run-\(index)", trigger: .schedule, schedule: "hourly", slot: slot)
                        let planned = [PlannedScenario(scenario: "s", file: "s.yml", source: "by \(index)")]
                        return try await target.createRun(run, planned: planned) ? run.id : nil
                    }
                }
                return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
            }
            try await other.close()
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            #expect(try await store.rowCount(.runs) == 1)
            #expect(try await store.run(id: winner) != nil)
            // The planned scenarios are the winner's, written in its transaction.
            let index = winner.dropFirst("run-".count)
            #expect(
                try await store.plannedScenarios(runID: winner) == [
                    PlannedScenario(scenario: "s", file: "s.yml", source: "by \(index)")
                ]
            )
        }
    }

    @Test func concurrentFinalizersFromTwoStoresFinalizeOnce() async throws {
        try await withStore(.postgres) { store, fixture async throws in
            let other = try await fixture.openAnother()
            _ = try await store.createRun(makeRun(id: "r", scenarios: 2))
            _ = try await store.recordResult(makeResult(runID: "r", scenario: "a", status: .pass))
            _ = try await store.recordResult(makeResult(runID: "r", scenario: "b", status: .fail))
            let finalized = try await withThrowingTaskGroup(of: RunRecord?.self) { group in
                for index in 0..<20 {
                    let target = index.isMultiple(of: 2) ? store : other
                    group.addTask { try await target.finalizeRun(id: "r", at: time(Double(10 + index))) }
                }
                return try await group.reduce(into: [RunRecord]()) { if let run = $1 { $0.append(run) } }
            }
            try await other.close()
            #expect(finalized.count == 1)
            let run = try #require(finalized.first)
            #expect(run.totals == RunTotals(scenarios: 2, passed: 1, failed: 1))
            #expect(try await store.run(id: "r") == run)
        }
    }

    @Test func concurrentMigrationsFromSeveralStoresApplyEachOnce() async throws {
        let url = try await TestPostgres.freshDatabase()
        var stores: [PostgresStore] = []
        for _ in 0..<5 { stores.append(try await openPostgres(url)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores {
                group.addTask { try await store.migrate() }
            }
            try await group.waitForAll()
        }
        let applied = try await stores[0].appliedMigrations()
        #expect(applied.map(\.version) == Migration.all.map(\.version))
        #expect(try await stores[0].rowCount(.schemaMigrations) == Migration.all.count)
        for store in stores { try await store.close() }
    }

    @Test func duplicateResultsFromTwoWorkersAreAbsorbed() async throws {
        try await withStore(.postgres) { store, fixture async throws in
            let other = try await fixture.openAnother()
            _ = try await store.createRun(makeRun(id: "r"))
            let first = makeResult(runID: "r", scenario: "s", worker: "w1")
            #expect(try await store.recordResult(first))
            // The re-delivered job's result, from another worker, after the first was committed.
            #expect(
                try await other.recordResult(makeResult(runID: "r", scenario: "s", status: .fail, worker: "w2"))
                    == false
            )
            #expect(try await other.results(runID: "r") == [first])
            #expect(try await store.rowCount(.stepResults) == first.steps.count)
            try await other.close()
        }
    }

    @Test func openAgainstAClosedPortFailsFastNamingHostAndPort() async throws {
        let (fd, port) = try SilentServer.bindLoopback(listen: false)  // bound, not listening: refuses
        defer { close(fd) }
        let error = await #expect(throws: StoreError.self) {
            try await StoreLocation.open(url: "postgres://ronda:hunter2@127.0.0.1:\(port)/ronda?sslmode=disable")
        }
        #expect(error?.code == .unavailable)
        #expect(
            error?.message == "cannot reach PostgreSQL at 127.0.0.1:\(port) (RONDA_DATABASE_URL): connection refused"
        )
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func openAgainstAServerThatNeverAnswersGivesUpInTime() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let options = PostgresStore.Options(connectTimeout: .seconds(1), operationTimeout: .seconds(2))
        let error = await #expect(throws: StoreError.self) {
            try await StoreLocation.open(
                url: "postgres://ronda:hunter2@127.0.0.1:\(silent.port)/ronda?sslmode=disable",
                options: options
            )
        }
        #expect(error?.code == .unavailable)
        // postgres-nio's own connect timeout (1 s) normally wins; the store's deadline (1 s later)
        // wins when the cooperative pool is too busy to deliver that error in time — its timer
        // does not wait for the pool. Either way the open gives up, naming the setting.
        let message = error?.message ?? ""
        #expect(message.hasPrefix("cannot reach PostgreSQL at 127.0.0.1:\(silent.port) (RONDA_DATABASE_URL): "))
        #expect(
            message.hasSuffix("connection timed out after 1 s") || message.hasSuffix("no answer within 2 s"),
            "\(message)"
        )
        #expect(!message.contains("hunter2"))
    }

    @Test func wrongPasswordIsRefusedWithoutShowingAnyPassword() async throws {
        let server = try await TestPostgres.shared()
        let url = try await server.makeDatabase()
        let wrong = url.replacingOccurrences(of: "@127.0.0.1", with: "x@127.0.0.1")
        let error = await #expect(throws: StoreError.self) { try await StoreLocation.open(url: wrong) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.contains("password authentication failed") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("127.0.0.1:\(server.port)") == true)
        #expect(error?.message.contains(TestPostgres.password) == false)
        #expect(error?.message.contains("s3cr") == false)
    }

    @Test func openedStoreWorksThroughTheURLWithAnEncodedPassword() async throws {
        let url = try await TestPostgres.freshDatabase()
        #expect(url.contains("s3cr%3At%2Fp%40ss%25word"))
        let store = try await StoreLocation.open(url: url)
        try await store.migrate()
        #expect(try await store.createRun(makeRun(id: "r")))
        #expect(try await store.run(id: "r")?.id == "r")
        try await store.close()
    }

    /// The server stops under a running store: calls fail with `.unavailable` in bounded time;
    /// it starts again on the same port: the same store works, and no failed write left a trace.
    @Test func outageFailsInBoundedTimeAndTheSameStoreRecovers() async throws {
        let server = try TestPostgres()
        let url = try await server.makeDatabase()
        let options = PostgresStore.Options(connectTimeout: .seconds(2), operationTimeout: .seconds(4))
        let store = try await openPostgres(url, options: options)
        try await store.migrate()
        _ = try await store.createRun(makeRun(id: "r"))
        let kept = makeResult(runID: "r", scenario: "before")
        #expect(try await store.recordResult(kept))

        try await server.stop()
        var errors: [StoreError] = []
        for scenario in ["during-1", "during-2"] {
            // It fails (with the outage named) rather than hanging: the suite's time limit catches a hang.
            let error = await #expect(throws: StoreError.self) {
                try await store.recordResult(makeResult(runID: "r", scenario: scenario))
            }
            #expect(error?.code == .unavailable, "\(error?.message ?? "")")
            #expect(
                error?.message.contains("PostgreSQL at 127.0.0.1:\(server.port)") == true,
                "\(error?.message ?? "")"
            )
            if let error { errors.append(error) }
        }
        let readError = await #expect(throws: StoreError.self) { try await store.runningRuns() }
        #expect(readError?.code == .unavailable)

        try await server.start()
        let after = makeResult(runID: "r", scenario: "after")
        // The same store works again. A server just started on a loaded machine may not answer
        // the store's first check within its 2 s connect timeout; the store then reports it down
        // once more and checks again on the next call, so the write is retried until it lands.
        let recovered = await eventually(60) {
            _ = try? await store.recordResult(after)
            return (try? await store.scenariosWithResults(runID: "r"))?.contains("after") == true
        }
        #expect(recovered)
        // The writes that failed wrote nothing: no result, no steps.
        #expect(try await store.results(runID: "r") == [after, kept])
        #expect(try await store.rowCount(.stepResults) == kept.steps.count + after.steps.count)
        // A failed write retried after the outage goes in whole.
        let retried = makeResult(runID: "r", scenario: "during-1")
        #expect(try await store.recordResult(retried))
        #expect(try await store.results(runID: "r").count == 3)
        try await store.close()

        for error in errors + [readError].compactMap({ $0 }) {
            #expect(!error.message.contains(TestPostgres.password))
            #expect(!"\(error)".contains(TestPostgres.password))
        }
    }

    @Test func newerSchemaIsRefusedAcrossStores() async throws {
        try await withStore(.postgres) { store, fixture async throws in
            let future = Migration(version: 999, name: "from a newer Ronda", sql: ["CREATE TABLE future (id TEXT)"])
            try await store.migrate(using: Migration.all + [future])
            let older = try await fixture.openAnother()
            let error = await #expect(throws: StoreError.self) { try await older.migrate() }
            #expect(error?.code == .schemaTooNew)
            try await older.close()
        }
    }
}

/// Results without steps written concurrently share INSERTs (group commit); each caller still
/// learns its own outcome, and one result of a deleted run fails alone.
@Suite(
    .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)),
    .timeLimit(.minutes(2))
)
struct PostgresBatchTests {
    @Test func concurrentResultsAreEachInsertedOnceAndTheOrphanFailsAlone() async throws {
        let store = try await openPostgres(try await TestPostgres.freshDatabase())
        try await store.migrate()
        _ = try await store.createRun(makeRun(id: "batch"))
        // 200 distinct scenarios, 50 of them submitted twice, and one result for a run that does not exist.
        let outcomes = await withTaskGroup(of: (String, Result<Bool, StoreError>).self) { group in
            for index in 0..<250 {
                let scenario = "s\(index % 200)"
                group.addTask {
                    do {
                        return (
                            scenario,
                            .success(
                                try await store.recordResult(makeResult(runID: "batch", scenario: scenario, steps: []))
                            )
                        )
                    } catch let error as StoreError { return (scenario, .failure(error)) } catch {
                        return (scenario, .failure(StoreError(.query, "\(error)")))
                    }
                }
            }
            group.addTask {
                do {
                    return (
                        "orphan",
                        .success(try await store.recordResult(makeResult(runID: "gone", scenario: "orphan", steps: [])))
                    )
                } catch let error as StoreError { return ("orphan", .failure(error)) } catch {
                    return ("orphan", .failure(StoreError(.query, "\(error)")))
                }
            }
            var outcomes: [(String, Result<Bool, StoreError>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let inserted = outcomes.filter { (try? $0.1.get()) == true }.map(\.0)
        #expect(inserted.count == 200)
        #expect(Set(inserted).count == 200)
        #expect(outcomes.filter { (try? $0.1.get()) == false }.count == 50)
        let failures = outcomes.compactMap { outcome -> StoreError? in
            if case .failure(let error) = outcome.1 { return error } else { return nil }
        }
        #expect(failures.map(\.code) == [.unknownRun])
        #expect(try await store.scenariosWithResults(runID: "batch").count == 200)
        try await store.close()
    }
}
