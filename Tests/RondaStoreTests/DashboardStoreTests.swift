import Foundation
import RondaCore
import Testing

@testable import RondaStore

/// The dashboard's data in both stores: hourly rollups written at finalization (once per result),
/// the figures read from them, operators and sessions.
struct DashboardStoreTests {
    /// A result of `scenario` in `module` with a response time, completed at `time(completed)`.
    static func result(
        _ runID: String,
        _ scenario: String,
        _ status: ScenarioOutcome,
        response: Double,
        module: String = "billing",
        completed: Double = 9.75
    ) -> ScenarioResult {
        var result = makeResult(runID: runID, scenario: scenario, status: status, steps: [makeStep(0)])
        result.module = module
        result.responseTime = response
        result.completedAt = time(completed)
        return result
    }

    @Test(arguments: StoreKind.available)
    func finalizationRollsResultsUpOncePerHourAndScenario(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            for (id, statuses) in [("r1", [ScenarioOutcome.pass, .fail, .pass]), ("r2", [.pass, .error, .skip])] {
                #expect(try await store.createRun(makeRun(id: id, scenarios: 3)))
                for (index, status) in statuses.enumerated() {
                    let scenario = ["login", "checkout", "refund"][index]
                    let module = index == 0 ? "auth" : "billing"
                    let response = [0.05, 0.3, 7.0][index]
                    #expect(
                        try await store.recordResult(
                            Self.result(id, scenario, status, response: response, module: module)
                        )
                    )
                }
                #expect(try await store.finalizeRun(id: id, at: time(20)) != nil)
                // A second finalization finalizes nothing and adds nothing.
                #expect(try await store.finalizeRun(id: id, at: time(30)) == nil)
            }
            let now = time(3_600)
            let overview = try await store.dashboard(.overview(now: now))
            #expect(overview.totalRuns == 2)
            #expect(overview.runs24h == 2)
            #expect(overview.running == 0)
            #expect(overview.results == 5)  // six results, one skipped
            #expect(overview.errorsTotal == 2)
            #expect(overview.errors24h == 2)
            #expect(overview.successRate24h == 3.0 / 5.0)
            #expect(overview.averageExecutionTime == 20)

            let scenarios = try await store.dashboard(.scenarios(since: time(0)))
            #expect(scenarios.map(\.name) == ["checkout", "login", "refund"])
            let checkout = try #require(scenarios.first)
            #expect(checkout.results == 2 && checkout.passed == 0 && checkout.failures == 2)
            // Response times 0.3 s twice: the (0.25, 0.5] bucket.
            #expect(checkout.latencyBuckets == [0, 0, 2, 0, 0, 0, 0])
            #expect(checkout.responseQuantile(0.95) == 0.5)
            let refund = try #require(scenarios.last)
            #expect(refund.latencyBuckets.last == 2)  // 7 s: above the last bound
            #expect(refund.maxResponse == 7.0)
            #expect(refund.results == 1)  // the skip is not a result that counts

            let modules = try await store.dashboard(.modules(since: time(0)))
            #expect(modules.map(\.name) == ["billing", "auth"])
            #expect(modules.first?.failures == 2)

            let trend = try await store.dashboard(.trend(days: 7, now: now))
            #expect(trend.count == 7)
            #expect(trend.last?.day == String(Timestamp.text(now).prefix(10)))
            #expect(trend.last?.results == 5 && trend.last?.failures == 2)
            #expect(trend.dropLast().allSatisfy { $0.results == 0 })

            // `ronda migrate --rebuild-rollups`: the same rollups from the results (not added to
            // the old ones), leaving out a run still running; twice gives the same.
            #expect(try await store.createRun(makeRun(id: "open", scenarios: 1)))
            #expect(try await store.recordResult(Self.result("open", "login", .fail, response: 0.05, module: "auth")))
            let figures = { (list: [RollupFigure]) in
                list.map { "\($0.name) \($0.results) \($0.failures) \($0.latencyBuckets)" }
            }
            #expect(try await store.dashboard(.rebuildRollups) == 3)
            #expect(try await store.dashboard(.rebuildRollups) == 3)
            #expect(figures(try await store.dashboard(.scenarios(since: time(0)))) == figures(scenarios))
        }
    }

    /// The daily rollups hold the hours' sums per UTC day: written at finalization, by the
    /// migration's backfill and by a rebuild alike.
    @Test(arguments: StoreKind.available)
    func dailyRollupsAddUpTheHours(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            // Three runs over two UTC days: at 21:30, 10 s before midnight (time(9_600)) and 10 s after.
            let plan: [(String, Double, ScenarioOutcome, Double)] = [
                ("d1", 600, .pass, 0.2), ("d2", 9_590, .fail, 3.0), ("d3", 9_610, .error, 0.7),
            ]
            for (id, completed, status, response) in plan {
                #expect(try await store.createRun(makeRun(id: id, scenarios: 2)))
                #expect(
                    try await store.recordResult(
                        Self.result(id, "login", status, response: response, completed: completed)
                    )
                )
                #expect(
                    try await store.recordResult(Self.result(id, "refund", .pass, response: 0.05, completed: completed))
                )
                #expect(try await store.finalizeRun(id: id, at: time(completed + 5)) != nil)
            }
            let sums = { (table: String, key: String) in
                DashboardQuery<[String]>("comparing rollups") { s in
                    try await s.rows(
                        """
                        SELECT substr(\(key), 1, 10) AS day, scenario, SUM(results) AS results, SUM(passed) AS passed,
                            SUM(failed) AS failed, SUM(errored) AS errored, SUM(le_250ms) AS fast, SUM(le_5s) AS slow,
                            MAX(response_max) AS worst
                        FROM \(table) GROUP BY substr(\(key), 1, 10), scenario ORDER BY 1, 2
                        """,
                        [],
                        table: table
                    )
                    .map { row in
                        try [row.string("day"), row.string("scenario")]
                            .joined(separator: " ")
                            + " \(try row.int("results")) \(try row.int("passed")) \(try row.int("failed"))"
                            + " \(try row.int("errored")) \(try row.int("fast")) \(try row.int("slow"))"
                            + " \(try row.double("worst"))"
                    }
                }
            }
            let hours = try await store.dashboard(sums("scenario_hourly", "hour"))
            let days = try await store.dashboard(sums("scenario_daily", "day"))
            #expect(hours.count == 4)  // two scenarios on each of two days
            #expect(days == hours)
            let day1 = String(Timestamp.text(time(0)).prefix(10))
            #expect(days.first == "\(day1) login 2 1 1 0 1 1 3.0")

            let trend = try await store.dashboard(.trend(days: 2, now: time(9_610)))
            #expect(trend.map(\.results) == [4, 2])
            #expect(trend.map(\.failures) == [1, 1])
            #expect(try await store.dashboard(.overview(now: time(9_610))).errorsTotal == 2)
            let written = try await store.dashboard(.endpointCalls(since: time(0)))
            #expect(written.map { "\($0.method) \($0.path) \($0.calls)" } == ["POST /api/items/{} 6"])
            let status = try await store.dashboard(.moduleStatus(days: 2, now: time(9_610)))
            #expect(status.map(\.module) == ["billing"])
            #expect(status.first?.days.map(\.results) == [4, 2])
            #expect(status.first?.lastHour == DashboardSQL.hour(time(9_610)))
            #expect(status.first.map { [$0.lastResults, $0.lastPassed, $0.lastFailures] } == [2, 1, 1])

            // The migration's backfill (from the hours) and a rebuild (from the results) agree.
            try await store.dashboard(
                DashboardQuery("rebuilding the days from the hours", writes: true) { s in
                    try await s.execute("DELETE FROM scenario_daily", [])
                    try await s.execute(Migration.dailyRollups.sql[2], [])
                }
            )
            #expect(try await store.dashboard(sums("scenario_daily", "day")) == hours)
            #expect(try await store.dashboard(.rebuildRollups) == 6)  // hourly rows: three hours, two scenarios
            #expect(try await store.dashboard(sums("scenario_daily", "day")) == hours)
            // Endpoint coverage's rollup: each result's one step, POST /api/items/0, as a shape.
            let calls = try await store.dashboard(.endpointCalls(since: time(0)))
            #expect(
                calls == [
                    EndpointCall(
                        method: "POST",
                        path: "/api/items/{}",
                        calls: 6,
                        failures: 0,
                        lastCalled: Timestamp.text(time(9_610))
                    )
                ]
            )
            #expect(try await store.dashboard(.endpointCalls(since: time(9_610))).first?.calls == 2)
        }
    }

    @Test(arguments: StoreKind.available)
    func errorGroupTimelineAndReleasesComeFromItsResults(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            var run = makeRun(id: "r1", scenarios: 1)
            run.release = "v1.2.3"
            #expect(try await store.createRun(run))
            #expect(try await store.recordResult(Self.result("r1", "checkout", .fail, response: 0.2)))
            _ = try await store.finalizeRun(
                id: "r1",
                at: time(20),
                historyWindow: 5,
                analysis: AlertStoreTests.analysis
            )
            #expect(try await store.dashboard(.resultGroups(runID: "r1")) == ["checkout": "fp-checkout"])
            #expect(try await store.dashboard(.groupReleases("fp-checkout")) == ["v1.2.3"])
            let timeline = try await store.dashboard(.groupTimeline("fp-checkout", days: 3, now: time(60)))
            #expect(timeline.map(\.failures) == [0, 0, 1])
            let frequent = try await store.dashboard(.frequentGroups(limit: 5))
            #expect(frequent.map(\.fingerprint) == ["fp-checkout"])
            #expect(try await store.dashboard(.overview(now: time(60))).openErrorGroups == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func operatorsAndSessions(_ kind: StoreKind) async throws {
        try await withStore(kind) { store, _ in
            #expect(try await store.dashboard(.addOperator("ana", passwordHash: "h1", at: time(0))))
            #expect(try await store.dashboard(.addOperator("ana", passwordHash: "h2", at: time(1))) == false)
            #expect(try await store.dashboard(.passwordHash("ana")) == "h1")
            #expect(try await store.dashboard(.passwordHash("nobody")) == nil)

            let session = WebSession(operatorName: "ana", csrfToken: "csrf", expiresAt: time(100))
            try await store.dashboard(.createSession(tokenHash: "t1", session: session, at: time(10)))
            #expect(try await store.dashboard(.session(tokenHash: "t1", now: time(50))) == session)
            #expect(try await store.dashboard(.session(tokenHash: "t1", now: time(100))) == nil)  // expired
            #expect(try await store.dashboard(.session(tokenHash: "other", now: time(50))) == nil)
            #expect(try await store.dashboard(.operators).first?.lastLoginAt == time(10))

            // A new password ends the sessions.
            #expect(try await store.dashboard(.setPassword("ana", passwordHash: "h3")))
            #expect(try await store.dashboard(.session(tokenHash: "t1", now: time(50))) == nil)
            #expect(try await store.dashboard(.setPassword("nobody", passwordHash: "h")) == false)

            try await store.dashboard(.createSession(tokenHash: "t2", session: session, at: time(10)))
            try await store.dashboard(.deleteSession(tokenHash: "t2"))
            #expect(try await store.dashboard(.session(tokenHash: "t2", now: time(50))) == nil)

            try await store.dashboard(.createSession(tokenHash: "t3", session: session, at: time(10)))
            #expect(try await store.dashboard(.removeOperator("ana")))
            #expect(try await store.dashboard(.removeOperator("ana")) == false)
            #expect(try await store.dashboard(.session(tokenHash: "t3", now: time(50))) == nil)
            #expect(try await store.dashboard(.operators).isEmpty)
        }
    }

    /// The migration's backfill rolls up what finalized runs recorded before the upgrade, and
    /// leaves running runs to their finalization.
    @Test func migrationBackfillsFinalizedRunsOnly() async throws {
        try await withStore { store, _ in
            #expect(try await store.createRun(makeRun(id: "done", scenarios: 1)))
            #expect(try await store.recordResult(Self.result("done", "login", .pass, response: 0.05)))
            _ = try await store.finalizeRun(id: "done", at: time(20))
            #expect(try await store.createRun(makeRun(id: "open", scenarios: 1)))
            #expect(try await store.recordResult(Self.result("open", "login", .fail, response: 0.05)))
            let before = try await store.dashboard(.scenarios(since: time(0)))
            try await store.dashboard(
                DashboardQuery("resetting rollups", writes: true) { s in
                    try await s.execute("DELETE FROM scenario_hourly", [])
                    try await s.execute("DELETE FROM scenario_daily", [])
                    try await s.execute(Migration.dashboard.sql[3], [])
                    try await s.execute(Migration.dailyRollups.sql[2], [])
                }
            )
            #expect(try await store.dashboard(.scenarios(since: time(0))) == before)
            #expect(before.first?.results == 1 && before.first?.failures == 0)
            _ = try await store.finalizeRun(id: "open", at: time(30))
            #expect(try await store.dashboard(.scenarios(since: time(0))).first?.results == 2)
        }
    }
}
