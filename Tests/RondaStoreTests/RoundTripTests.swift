import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaStore

@Suite struct RoundTripTests {
    @Test(arguments: StoreKind.available)
    func runRoundTripsEveryField(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let run = RunRecord(
                id: "run-1",
                trigger: .schedule,
                schedule: "nightly",
                slot: time(-0.5),
                status: .running,
                totals: RunTotals(scenarios: 7, passed: 1, failed: 2, errored: 3, skipped: 4),
                errorsFound: 5,
                startedAt: time(0.125),
                completedAt: time(60.5),
                executionTime: 60.375,
                deadline: time(900)
            )
            #expect(try await store.createRun(run))
            #expect(try await store.run(id: "run-1") == run)
            #expect(try await store.run(id: "missing") == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func resultsRoundTripWithSteps(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let run = makeRun(id: "run-1")
            #expect(try await store.createRun(run))
            let failing = makeResult(runID: "run-1", scenario: "login", status: .error)
            var bare = makeResult(runID: "run-1", scenario: "anonymous", status: .skip, steps: [])
            bare.tags = []
            bare.worker = ""
            var noTimings = makeStep(5, outcome: .skipped)
            noTimings.timings = nil
            noTimings.status = nil
            noTimings.assertions = []
            noTimings.captures = [:]
            noTimings.requestExcerpt = nil
            noTimings.responseExcerpt = nil
            let mixed = makeResult(runID: "run-1", scenario: "checkout", steps: [makeStep(0), noTimings, makeStep(2)])
            for result in [failing, mixed, bare] {
                #expect(try await store.recordResult(result))
            }
            let loaded = try await store.results(runID: "run-1")
            // Ordered by scenario name, every field equal (dates included).
            #expect(loaded == [bare, mixed, failing])
            #expect(loaded.first { $0.scenario == "checkout" }?.steps[1].timings == nil)
            #expect(try await store.scenariosWithResults(runID: "run-1") == ["login", "checkout", "anonymous"])
            #expect(try await store.results(runID: "other").isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func datesKeepSubMillisecondPrecision(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let now = Date()
            var result = makeResult(runID: "r")
            result.startedAt = now
            result.completedAt = now.addingTimeInterval(0.0004)
            _ = try await store.createRun(makeRun(id: "r", startedAt: now))
            _ = try await store.recordResult(result)
            let stored = try #require(try await store.results(runID: "r").first)
            #expect(abs(stored.startedAt.timeIntervalSince(now)) < 0.000_001)
            #expect(abs(stored.completedAt.timeIntervalSince(result.completedAt)) < 0.000_001)
            let run = try #require(try await store.run(id: "r"))
            #expect(abs(run.startedAt.timeIntervalSince(now)) < 0.000_001)
        }
    }

    @Test(arguments: StoreKind.available)
    func recentRunsAreNewestFirstAndLimited(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ async throws in
            for index in 0..<5 {
                _ = try await store.createRun(makeRun(id: "run-\(index)", startedAt: time(Double(index) * 60)))
            }
            let recent = try await store.recentRuns(limit: 3)
            #expect(recent.map(\.id) == ["run-4", "run-3", "run-2"])
            #expect(try await store.recentRuns(limit: 0).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func reopenAfterCloseSeesTheData(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, fixture async throws in
            let run = makeRun(id: "kept")
            let result = makeResult(runID: "kept")
            _ = try await store.createRun(run)
            _ = try await store.recordResult(result)
            try await store.close()

            let second = try await fixture.openAnother()
            try await second.migrate()
            #expect(try await second.run(id: "kept") == run)
            #expect(try await second.results(runID: "kept") == [result])
            try await second.close()
        }
    }

    @Test(arguments: StoreKind.available)
    func usingAClosedStoreFailsClearly(_ kind: StoreKind) async throws {
        try await withStore(kind) { _, fixture async throws in
            let store = try await fixture.openAnother()
            try await store.close()
            try await store.close()  // closing twice is harmless
            let error = await #expect(throws: StoreError.self) { try await store.run(id: "x") }
            #expect(error?.code == .closed)
        }
    }
}
