import Foundation
import RondaCore

/// The dashboard's statements, written once for both stores over `StoreStatements`.
enum DashboardSQL {
    /// The columns a rollup row adds up (both tables).
    static let rollupCounters = [
        "results", "passed", "failed", "errored", "skipped", "duration_sum", "response_sum",
        "le_100ms", "le_250ms", "le_500ms", "le_1s", "le_2500ms", "le_5s",
    ]

    /// The grain of a rollup table: its name, its key column and how a result's `completed_at`
    /// maps to that key (and is grouped by).
    struct Grain {
        var table: String
        var key: String
        var value: String
        var group: String

        static let hour = Grain(
            table: "scenario_hourly",
            key: "hour",
            value: "substr(completed_at, 1, 13) || ':00:00.000000Z'",
            group: "substr(completed_at, 1, 13)"
        )
        static let day = Grain(
            table: "scenario_daily",
            key: "day",
            value: "substr(completed_at, 1, 10)",
            group: "substr(completed_at, 1, 10)"
        )
    }

    /// Adds the results selected by `whereClause` (a condition on `scenario_results`) to the
    /// rollups of `grain`: one row per (hour or UTC day of completion, scenario). Run when a run is
    /// finalized, with `run_id = ?1`, in the finalizing transaction, so each result is counted
    /// exactly once.
    static func rollup(_ grain: Grain = .hour, whereClause: String) -> String {
        let buckets = ["0.1", "0.25", "0.5", "1", "2.5", "5"]
        let lower = ["-1"] + buckets.dropLast()
        let bucketSums = zip(lower, buckets).map { low, high in
            "SUM(CASE WHEN response_time > \(low) AND response_time <= \(high) THEN 1 ELSE 0 END)"
        }
        let table = grain.table
        return """
            INSERT INTO \(table) (\(grain.key), scenario, module, priority, results, passed, failed, errored,
                skipped, duration_sum, response_sum, response_max, le_100ms, le_250ms, le_500ms, le_1s,
                le_2500ms, le_5s)
            SELECT \(grain.value), scenario, MAX(module), MAX(priority), COUNT(*),
                SUM(CASE WHEN status = 'pass' THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END),
                SUM(CASE WHEN status = 'skip' THEN 1 ELSE 0 END),
                SUM(duration), SUM(response_time), MAX(response_time),
                \(bucketSums.joined(separator: ",\n    "))
            FROM scenario_results WHERE \(whereClause)
            GROUP BY \(grain.group), scenario
            ON CONFLICT (\(grain.key), scenario) DO UPDATE SET
                module = excluded.module, priority = excluded.priority,
                response_max = CASE WHEN excluded.response_max > \(table).response_max
                    THEN excluded.response_max ELSE \(table).response_max END,
                \(rollupCounters.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ",\n    "))
            """
    }

    static let rollupRun = rollup(whereClause: "run_id = ?1")

    /// A run's results added to the daily rollups (the same sums as through the hours).
    static let rollupRunDaily = rollup(.day, whereClause: "run_id = ?1")

    /// Adds the hourly rollups selected by `whereClause` (a condition on `scenario_hourly`) to the
    /// daily ones: one row per (UTC day, scenario), so that windows of days and all-time totals
    /// read a row per scenario and day instead of one per hour.
    static func rollupDaily(whereClause: String) -> String {
        """
        INSERT INTO scenario_daily (day, scenario, module, priority, \(rollupCounters.joined(separator: ", ")),
            response_max)
        SELECT substr(hour, 1, 10), scenario, MAX(module), MAX(priority),
            \(rollupCounters.map { "SUM(\($0))" }.joined(separator: ", ")), MAX(response_max)
        FROM scenario_hourly WHERE \(whereClause)
        GROUP BY substr(hour, 1, 10), scenario
        """
    }

    /// Every day's rollups from the hourly ones (migration 8's backfill, and a rebuild).
    static let rollupDailyFromHourly = rollupDaily(whereClause: "1 = 1")

    /// The rollups of every finalized run's results.
    static let rollupFinalized = rollup(whereClause: "run_id IN (SELECT id FROM runs WHERE status <> 'running')")

    static func hour(_ date: Date) -> String { String(Timestamp.text(date).prefix(13)) + ":00:00.000000Z" }

    // MARK: - Overview

    static func overview(_ s: some StoreStatements, now: Date) async throws -> DashboardOverview {
        let dayAgo = now.addingTimeInterval(-86_400)
        let runs = try await s.rows(
            """
            SELECT COUNT(*) AS total,
                SUM(CASE WHEN started_at >= ?1 THEN 1 ELSE 0 END) AS recent,
                SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running
            FROM runs
            """,
            [.date(dayAgo)],
            table: "runs"
        )
        let execution = try await s.rows(
            """
            SELECT AVG(execution_time) AS mean FROM runs
            WHERE status = 'completed' AND started_at >= ?1 AND execution_time IS NOT NULL
            """,
            [.date(now.addingTimeInterval(-7 * 86_400))],
            table: "runs"
        )
        // All time from the days; the last 24 hours from the hours (an index range).
        let total = try await s.rows(
            "SELECT SUM(results - skipped) AS results, SUM(failed + errored) AS failures FROM scenario_daily",
            table: "scenario_daily"
        )
        let all = try await s.rows(
            """
            SELECT SUM(results - skipped) AS recent, SUM(passed) AS recent_passed,
                SUM(failed + errored) AS recent_failures
            FROM scenario_hourly WHERE hour >= ?1
            """,
            [.string(hour(dayAgo))],
            table: "scenario_hourly"
        )
        let open = try await s.rows(
            "SELECT COUNT(*) AS open FROM error_groups WHERE status = 'open'",
            table: "error_groups"
        )
        let recent = try all.first?.optionalInt("recent") ?? 0
        let recentPassed = try all.first?.optionalInt("recent_passed") ?? 0
        return DashboardOverview(
            totalRuns: try runs.first?.optionalInt("total") ?? 0,
            runs24h: try runs.first?.optionalInt("recent") ?? 0,
            running: try runs.first?.optionalInt("running") ?? 0,
            results: try total.first?.optionalInt("results") ?? 0,
            errorsTotal: try total.first?.optionalInt("failures") ?? 0,
            errors24h: try all.first?.optionalInt("recent_failures") ?? 0,
            averageExecutionTime: try execution.first?.optionalDouble("mean"),
            successRate24h: recent == 0 ? nil : Double(recentPassed) / Double(recent),
            openErrorGroups: try open.first?.optionalInt("open") ?? 0
        )
    }

    /// Results and failures per UTC day for the last `days` days up to `now`, oldest first, every
    /// day present (zeros where nothing ran).
    static func trend(_ s: some StoreStatements, days: Int, now: Date) async throws -> [DayFigure] {
        let first = now.addingTimeInterval(-Double(max(1, days) - 1) * 86_400)
        let firstDay = String(Timestamp.text(first).prefix(10))
        let rows = try await s.rows(
            """
            SELECT day, SUM(results - skipped) AS results, SUM(failed + errored) AS failures
            FROM scenario_daily WHERE day >= ?1 GROUP BY day
            """,
            [.string(firstDay)],
            table: "scenario_daily"
        )
        var byDay: [String: DayFigure] = [:]
        for row in rows {
            let day = try row.string("day")
            byDay[day] = DayFigure(day: day, results: try row.int("results"), failures: try row.int("failures"))
        }
        return (0..<max(1, days)).map { offset in
            let day = String(Timestamp.text(first.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
            return byDay[day] ?? DayFigure(day: day, results: 0, failures: 0)
        }
    }

    /// Per module (`byScenario` false) or per scenario from the UTC day of `since` on (whole days,
    /// from the daily rollups), most failures first.
    static func figures(_ s: some StoreStatements, byScenario: Bool, since: Date) async throws -> [RollupFigure] {
        let key = byScenario ? "scenario" : "module"
        let rows = try await s.rows(
            """
            SELECT \(key) AS name, MAX(module) AS module, SUM(results - skipped) AS results, SUM(passed) AS passed,
                SUM(failed + errored) AS failures, SUM(response_sum) AS response_sum, MAX(response_max) AS response_max,
                SUM(le_100ms) AS b0, SUM(le_250ms) AS b1, SUM(le_500ms) AS b2, SUM(le_1s) AS b3,
                SUM(le_2500ms) AS b4, SUM(le_5s) AS b5, SUM(results) AS total
            FROM scenario_daily WHERE day >= ?1 GROUP BY \(key)
            ORDER BY SUM(failed + errored) DESC, \(key)
            """,
            [.string(String(Timestamp.text(since).prefix(10)))],
            table: "scenario_daily"
        )
        return try rows.map { row in
            let results = try row.int("results")
            let total = try row.int("total")
            var buckets = try (0..<6).map { try row.int("b\($0)") }
            buckets.append(max(0, total - buckets.reduce(0, +)))
            return RollupFigure(
                name: try row.string("name"),
                module: try row.string("module"),
                results: results,
                passed: try row.int("passed"),
                failures: try row.int("failures"),
                averageResponse: total == 0 ? nil : try row.double("response_sum") / Double(total),
                maxResponse: try row.optionalDouble("response_max"),
                latencyBuckets: buckets
            )
        }
    }

    /// The groups seen most often, open ones first.
    static func frequentGroups(_ s: some StoreStatements, limit: Int) async throws -> [ErrorGroup] {
        try await s.rows(
            """
            SELECT * FROM error_groups
            ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, occurrences DESC, fingerprint
            LIMIT ?1
            """,
            [.int(limit)],
            table: "error_groups"
        )
        .map(ErrorGroup.init)
    }

    /// Occurrences of one group per UTC day over the last `days` days, every day present.
    static func groupTimeline(
        _ s: some StoreStatements,
        fingerprint: String,
        days: Int,
        now: Date
    ) async throws
        -> [DayFigure]
    {
        let first = now.addingTimeInterval(-Double(max(1, days) - 1) * 86_400)
        let rows = try await s.rows(
            """
            SELECT substr(completed_at, 1, 10) AS day, COUNT(*) AS failures FROM scenario_results
            WHERE error_group = ?1 AND completed_at >= ?2 GROUP BY substr(completed_at, 1, 10)
            """,
            [.string(fingerprint), .string(String(Timestamp.text(first).prefix(10)))],
            table: "scenario_results"
        )
        var byDay: [String: Int] = [:]
        for row in rows { byDay[try row.string("day")] = try row.int("failures") }
        return (0..<max(1, days)).map { offset in
            let day = String(Timestamp.text(first.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
            return DayFigure(day: day, results: byDay[day] ?? 0, failures: byDay[day] ?? 0)
        }
    }

    /// The releases a group was seen in (from its runs), newest first.
    static func groupReleases(_ s: some StoreStatements, fingerprint: String) async throws -> [String] {
        try await s.rows(
            """
            SELECT r.release AS release, MAX(r.started_at) AS seen FROM scenario_results s
            JOIN runs r ON r.id = s.run_id
            WHERE s.error_group = ?1 AND r.release IS NOT NULL
            GROUP BY r.release ORDER BY MAX(r.started_at) DESC LIMIT 20
            """,
            [.string(fingerprint)],
            table: "runs"
        )
        .map { try $0.string("release") }
    }

    /// Each failed result's group in a run: scenario → fingerprint.
    static func resultGroups(_ s: some StoreStatements, runID: String) async throws -> [String: String] {
        var groups: [String: String] = [:]
        for row in try await s.rows(
            "SELECT scenario, error_group FROM scenario_results WHERE run_id = ?1 AND error_group IS NOT NULL",
            [.string(runID)],
            table: "scenario_results"
        ) {
            groups[try row.string("scenario")] = try row.string("error_group")
        }
        return groups
    }
}

extension DashboardSQL {
    static func metrics(_ s: some StoreStatements) async throws -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        for row in try await s.rows("SELECT status, COUNT(*) AS n FROM runs GROUP BY status", table: "runs") {
            snapshot.runs[try row.string("status")] = try row.int("n")
        }
        let rollups = try await s.rows(
            """
            SELECT module, SUM(passed) AS pass, SUM(failed) AS fail, SUM(errored) AS error, SUM(skipped) AS skip,
                SUM(le_100ms) AS b0, SUM(le_250ms) AS b1, SUM(le_500ms) AS b2, SUM(le_1s) AS b3,
                SUM(le_2500ms) AS b4, SUM(le_5s) AS b5
            FROM scenario_daily GROUP BY module
            """,
            table: "scenario_daily"
        )
        for row in rollups {
            let module = try row.string("module")
            var outcomes: [String: Int] = [:]
            for outcome in ["pass", "fail", "error", "skip"] { outcomes[outcome] = try row.int(outcome) }
            snapshot.results[module] = outcomes
            var total = 0
            snapshot.responseAtMost[module] = try (0..<6).map { index in
                total += try row.int("b\(index)")
                return total
            }
        }
        for row in try await s.rows(
            "SELECT status, COUNT(*) AS n FROM error_groups GROUP BY status",
            table: "error_groups"
        ) {
            snapshot.errorGroups[try row.string("status")] = try row.int("n")
        }
        for row in try await s.rows(
            "SELECT channel, state, COUNT(*) AS n FROM alert_outbox GROUP BY channel, state",
            table: "alert_outbox"
        ) {
            snapshot.outbox[try row.string("channel"), default: [:]][try row.string("state")] = try row.int("n")
        }
        return snapshot
    }
}

extension DashboardSQL {
    /// Every module with results in the last `days` days: per day from the daily rollups, and its
    /// latest hour (within 7 days) from the hourly ones. Sorted by module.
    static func moduleStatus(_ s: some StoreStatements, days: Int, now: Date) async throws -> [ModuleStatus] {
        let first = now.addingTimeInterval(-Double(max(1, days) - 1) * 86_400)
        var byModule: [String: [String: DayFigure]] = [:]
        for row in try await s.rows(
            """
            SELECT module, day, SUM(results - skipped) AS results, SUM(failed + errored) AS failures
            FROM scenario_daily WHERE day >= ?1 GROUP BY module, day
            """,
            [.string(String(Timestamp.text(first).prefix(10)))],
            table: "scenario_daily"
        ) {
            let day = try row.string("day")
            byModule[try row.string("module"), default: [:]][day] = DayFigure(
                day: day,
                results: try row.int("results"),
                failures: try row.int("failures")
            )
        }
        var latest: [String: (hour: String, results: Int, passed: Int, failures: Int)] = [:]
        for row in try await s.rows(
            """
            SELECT h.module AS module, h.hour AS hour, SUM(h.results - h.skipped) AS results, SUM(h.passed) AS passed,
                SUM(h.failed + h.errored) AS failures
            FROM scenario_hourly h
            JOIN (SELECT module, MAX(hour) AS hour FROM scenario_hourly WHERE hour >= ?1 GROUP BY module) last
                ON last.module = h.module AND last.hour = h.hour
            GROUP BY h.module, h.hour
            """,
            [.string(hour(now.addingTimeInterval(-7 * 86_400)))],
            table: "scenario_hourly"
        ) {
            latest[try row.string("module")] = (
                try row.string("hour"), try row.int("results"), try row.int("passed"), try row.int("failures")
            )
        }
        return Set(byModule.keys).union(latest.keys).sorted().map { module in
            let figures = byModule[module] ?? [:]
            let last = latest[module]
            return ModuleStatus(
                module: module,
                lastHour: last?.hour,
                lastResults: last?.results ?? 0,
                lastPassed: last?.passed ?? 0,
                lastFailures: last?.failures ?? 0,
                days: (0..<max(1, days)).map { offset in
                    let day = String(Timestamp.text(first.addingTimeInterval(Double(offset) * 86_400)).prefix(10))
                    return figures[day] ?? DayFigure(day: day, results: 0, failures: 0)
                }
            )
        }
    }
}
