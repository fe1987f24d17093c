import Foundation

extension Migration {
    /// Version 6: what the dashboard reads and who may read it.
    ///
    /// - `scenario_hourly`: one row per (hour, scenario), added to when a run is finalized (in
    ///   the finalizing transaction), so the overview, trends and uptime never scan raw results.
    ///   Latency is kept as cumulative-free bucket counts of each result's response time
    ///   (`le_*`: at most that many seconds; `results` minus their sum is above 5 s).
    /// - `operators`: dashboard users (bcrypt hashes, never passwords).
    /// - `web_sessions`: signed-in browsers, by the SHA-256 of their cookie (the cookie itself is
    ///   never stored), with the CSRF token of their forms.
    static let dashboard = Migration(
        version: 6,
        name: "dashboard: hourly rollups, operators and sessions",
        sql: [
            rollupTable("scenario_hourly", key: "hour"),
            "CREATE INDEX scenario_hourly_scenario ON scenario_hourly (scenario, hour)",
            "CREATE INDEX scenario_hourly_module ON scenario_hourly (module, hour)",
            // Rollups of the results that exist already (an upgrade keeps its history).
            DashboardSQL.rollupFinalized,
            "CREATE INDEX error_groups_occurrences ON error_groups (occurrences)",
            "CREATE INDEX runs_status_started ON runs (status, started_at)",
            """
            CREATE TABLE operators (
                name            TEXT PRIMARY KEY,
                password_hash   TEXT NOT NULL,
                created_at      TEXT NOT NULL,
                last_login_at   TEXT
            )
            """,
            """
            CREATE TABLE web_sessions (
                token_hash      TEXT PRIMARY KEY,
                operator        TEXT NOT NULL,
                csrf_token      TEXT NOT NULL,
                created_at      TEXT NOT NULL,
                expires_at      TEXT NOT NULL
            )
            """,
            "CREATE INDEX web_sessions_operator ON web_sessions (operator)",
            "CREATE INDEX web_sessions_expires ON web_sessions (expires_at)",
        ]
    )

    /// Version 7: a partial index of the steps that needed a retry. A scenario's history (the
    /// flaky score of alerts and of the scenarios page) asks, for each of the last runs' results,
    /// whether a step passed only after a retry; without this index PostgreSQL answers that by
    /// scanning every step result (seconds at a million results). Retried steps are few, so the
    /// index is small.
    static let retriedSteps = Migration(
        version: 7,
        name: "index of retried steps",
        sql: ["CREATE INDEX step_results_retried ON step_results (scenario_result_id) WHERE attempts > 1"]
    )

    /// Version 8: daily rollups beside the hourly ones. The hourly table grows by a row per
    /// scenario and hour (half a million rows a year for 60 scenarios), which the overview's
    /// all-time totals and 30-day trends would read whole; `scenario_daily` holds the same sums per
    /// UTC day, added to in the finalizing transaction like the hours. Built from the hourly rows
    /// (so days whose raw results `ronda cleanup` already deleted are kept).
    static let dailyRollups = Migration(
        version: 8,
        name: "daily rollups",
        sql: [
            rollupTable("scenario_daily", key: "day"),
            "CREATE INDEX scenario_daily_module ON scenario_daily (module, day)",
            DashboardSQL.rollupDailyFromHourly,
        ]
    )

    /// Version 9: endpoint coverage's rollup, calls per (UTC day, method, path shape), written at
    /// finalization from the run's steps. Runs finalized before it are counted after
    /// `ronda migrate --rebuild-rollups` (a path shape is computed in Swift, not in SQL).
    static let endpointRollups = Migration(
        version: 9,
        name: "endpoint coverage rollups",
        sql: [
            """
            CREATE TABLE endpoint_daily (
                day             TEXT NOT NULL,
                method          TEXT NOT NULL,
                path            TEXT NOT NULL,
                calls           INTEGER NOT NULL,
                failures        INTEGER NOT NULL,
                last_called     TEXT NOT NULL,
                PRIMARY KEY (day, method, path)
            )
            """
        ]
    )
}

extension Migration {
    /// `CREATE TABLE` of a rollup table keyed by (`key`, scenario): the hourly and the daily one.
    static func rollupTable(_ name: String, key: String) -> String {
        let keyColumn = key.padding(toLength: 16, withPad: " ", startingAt: 0)
        return """
            CREATE TABLE \(name) (
                \(keyColumn)TEXT NOT NULL,
                scenario        TEXT NOT NULL,
                module          TEXT NOT NULL,
                priority        TEXT NOT NULL,
                results         INTEGER NOT NULL,
                passed          INTEGER NOT NULL,
                failed          INTEGER NOT NULL,
                errored         INTEGER NOT NULL,
                skipped         INTEGER NOT NULL,
                duration_sum    DOUBLE PRECISION NOT NULL,
                response_sum    DOUBLE PRECISION NOT NULL,
                response_max    DOUBLE PRECISION NOT NULL,
                le_100ms        INTEGER NOT NULL,
                le_250ms        INTEGER NOT NULL,
                le_500ms        INTEGER NOT NULL,
                le_1s           INTEGER NOT NULL,
                le_2500ms       INTEGER NOT NULL,
                le_5s           INTEGER NOT NULL,
                PRIMARY KEY (\(key), scenario)
            )
            """
    }
}
