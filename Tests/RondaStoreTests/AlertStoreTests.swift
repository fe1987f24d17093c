import Foundation
import RondaCore
import Testing

@testable import RondaStore

/// Error groups, quarantine and the outbox in both stores: what finalization writes in its
/// transaction, and how deliverers claim rows.
struct AlertStoreTests {
    static func alert(_ id: String, at date: Date) -> Alert {
        Alert(id: id, createdAt: date, title: "t \(id)", triggers: [.newError], priority: .p1, items: [])
    }

    /// An analysis that groups each failed result by scenario and decides one row per channel.
    static let analysis: RunAnalysis = { input in
        var writes = FinalizationWrites()
        for result in input.results where result.status != .pass {
            let step = input.failingSteps[result.scenario]
            let group = ErrorGroup(
                fingerprint: "fp-\(result.scenario)",
                scenario: result.scenario,
                module: result.module,
                priority: result.priority,
                step: result.failingStep,
                errorKind: result.errorKind?.rawValue ?? "?",
                message: result.errorMessage ?? "",
                normalizedMessage: "n",
                url: step?.url,
                httpStatus: step?.status,
                firstSeen: result.completedAt,
                lastSeen: result.completedAt,
                occurrences: (input.groups.first { $0.fingerprint == "fp-\(result.scenario)" }?.occurrences ?? 0) + 1,
                firstRunID: input.run.id,
                lastRunID: input.run.id,
                firstRelease: input.run.release
            )
            writes.groups.append(group)
            writes.resultGroups[result.scenario] = group.fingerprint
        }
        for channel in ["a", "b"] {
            writes.outbox.append(
                OutboxEntry(
                    decision: "run-\(input.run.id)",
                    channel: channel,
                    runID: input.run.id,
                    position: 0,
                    alert: alert("run-\(input.run.id)", at: input.run.completedAt ?? Date()),
                    createdAt: input.run.completedAt ?? Date()
                )
            )
        }
        // What was read, for the test to check.
        if input.quarantined.contains("quarantined") { writes.outbox.removeAll() }
        return writes
    }

    @Test(arguments: StoreKind.available)
    func finalizationWritesGroupsAndOutboxOnceInItsTransaction(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            var run = makeRun(id: "r1", scenarios: 2)
            run.release = "2.14.0"
            #expect(try await store.createRun(run))
            #expect(
                try await store.recordResult(
                    makeResult(
                        runID: "r1",
                        scenario: "pay",
                        status: .fail,
                        steps: [makeStep(0), makeStep(1, outcome: .failed)]
                    )
                )
            )
            #expect(try await store.recordResult(makeResult(runID: "r1", scenario: "book")))
            let finalized = try await store.finalizeRun(
                id: "r1",
                at: time(30),
                historyWindow: 5,
                analysis: Self.analysis
            )
            #expect(finalized?.release == "2.14.0")
            #expect(finalized?.status == .completed)
            // A second finalizer writes nothing more.
            #expect(
                try await store.finalizeRun(id: "r1", at: time(31), historyWindow: 5, analysis: Self.analysis) == nil
            )
            let groups = try await store.errorGroups(status: nil, limit: 10)
            #expect(groups.map(\.fingerprint) == ["fp-pay"])
            #expect(groups[0].url == "https://app.example/api/items/1?q=1&x=/y")
            #expect(groups[0].httpStatus == 201)
            #expect(groups[0].firstRelease == "2.14.0")
            #expect(try await store.errorGroups(prefix: "f").count == 1)
            let outbox = try await store.alertOutbox(limit: 10)
            #expect(outbox.map(\.id).sorted() == ["run-r1/a", "run-r1/b"])
            #expect(outbox.allSatisfy { $0.state == .pending && $0.alert.title == "t run-r1" })
        }
    }

    @Test(arguments: StoreKind.available)
    func anAnalysisThatThrowsLeavesTheRunRunningAndWritesNothing(_ kind: StoreKind) async throws {
        struct Boom: Error {}
        try await withStore(kind) { (store: any StoreUnderTest, _: StoreFixture) async throws in
            #expect(try await store.createRun(makeRun(id: "r1", scenarios: 1)))
            #expect(try await store.recordResult(makeResult(runID: "r1", scenario: "pay", status: .fail)))
            await #expect(throws: (any Error).self) {
                try await store.finalizeRun(id: "r1", at: time(30), historyWindow: 5, analysis: { _ in throw Boom() })
            }
            #expect(try await store.run(id: "r1")?.status == .running)
            #expect(try await store.alertOutbox(limit: 10).isEmpty)
            #expect(try await store.errorGroups(status: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func historyQuarantineAndGroupStatus(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            for n in 1...4 {
                #expect(try await store.createRun(makeRun(id: "r\(n)", scenarios: 1, startedAt: time(Double(n) * 100))))
                var result = makeResult(runID: "r\(n)", scenario: "pay", status: n.isMultiple(of: 2) ? .pass : .fail)
                result.completedAt = time(Double(n) * 100 + 10)
                #expect(try await store.recordResult(result))
                _ = try await store.finalizeRun(
                    id: "r\(n)",
                    at: time(Double(n) * 100 + 20),
                    historyWindow: 3,
                    analysis: Self.analysis
                )
            }
            let history = try await store.scenarioHistory(scenario: "pay", window: 3)
            #expect(history["pay"]?.map(\.runID) == ["r4", "r3", "r2"])
            #expect(history["pay"]?.first?.passedAfterRetry == true)  // makeStep's attempts are 2
            #expect(history["pay"]?[1].status == .fail)
            let all = try await store.scenarioHistory(scenario: nil, window: 10)
            #expect(all["pay"]?.count == 4)

            #expect(try await store.setQuarantined("quarantined", true, reason: "flaky", at: time(1)))
            #expect(try await !store.setQuarantined("quarantined", true, reason: nil, at: time(2)))
            #expect(try await store.quarantined().map(\.scenario) == ["quarantined"])
            #expect(try await store.quarantined().first?.reason == "flaky")
            #expect(try await store.setQuarantined("quarantined", false, reason: nil, at: time(3)))
            #expect(try await store.quarantined().isEmpty)

            let group = try #require(try await store.errorGroups(prefix: "").first)
            #expect(group.occurrences == 2)
            let ignored = try await store.setErrorGroupStatus(group, to: .ignored, at: time(900))
            #expect(ignored.status == .ignored)
            #expect(try await store.errorGroups(status: .ignored, limit: 5).count == 1)
            #expect(try await store.errorGroups(status: .open, limit: 5).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func deliverersClaimTheOldestRowOfEachChannelAndNeverTheSameRowAtOnce(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, fixture in
            for n in 1...3 {
                #expect(try await store.createRun(makeRun(id: "r\(n)", scenarios: 1)))
                _ = try await store.finalizeRun(
                    id: "r\(n)",
                    at: time(Double(n) * 10),
                    historyWindow: 1,
                    analysis: Self.analysis
                )
            }
            let other = try await fixture.openAnother()
            let first = try await store.claimAlerts(owner: "one", now: time(100), until: time(160))
            #expect(first.map(\.id) == ["run-r1/a", "run-r1/b"])
            // Another deliverer finds both heads claimed, and the rows behind them wait their turn.
            #expect(try await other.claimAlerts(owner: "two", now: time(101), until: time(161)).isEmpty)
            #expect(try await store.completeAlert(id: "run-r1/a", owner: "one", outcome: .delivered(at: time(102))))
            // Only the claimant records an outcome.
            #expect(try await !other.completeAlert(id: "run-r1/b", owner: "two", outcome: .delivered(at: time(102))))
            #expect(
                try await store.completeAlert(
                    id: "run-r1/b",
                    owner: "one",
                    outcome: .retry(error: "HTTP 503", next: time(200))
                )
            )
            let next = try await other.claimAlerts(owner: "two", now: time(103), until: time(163))
            // Channel a moves on; channel b's head waits for its backoff and blocks the rows behind it.
            #expect(next.map(\.id) == ["run-r2/a"])
            // An expired claim is taken over.
            let later = try await store.claimAlerts(owner: "one", now: time(200), until: time(260))
            #expect(later.map(\.id) == ["run-r1/b", "run-r2/a"])
            let rows = try await store.alertOutbox(limit: 10)
            let retried = try #require(rows.first { $0.id == "run-r1/b" })
            #expect(retried.attempts == 1 && retried.lastError == "HTTP 503" && retried.state == .pending)
            #expect(
                try await store.completeAlert(
                    id: "run-r1/b",
                    owner: "one",
                    outcome: .failed(error: "gone", at: time(201))
                )
            )
            #expect(try await store.alertOutbox(limit: 10).first { $0.id == "run-r1/b" }?.state == .failed)
            #expect(try await store.alertOutbox(limit: 10).first { $0.id == "run-r1/a" }?.deliveredAt == time(102))
            try await other.close()
        }
    }
}
