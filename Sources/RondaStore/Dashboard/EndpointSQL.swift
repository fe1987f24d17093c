import Foundation
import RondaCore

/// Endpoint coverage's rollup: calls per (UTC day, method, path shape), written when a run is
/// finalized from its steps' requests (`EndpointShape` turns `/orders/17` into `/orders/{}`), so
/// that coverage over days reads a few hundred rows rather than every step result.
enum EndpointSQL {
    /// One row of `endpoint_daily`.
    struct Key: Hashable {
        var day: String
        var method: String
        var path: String
    }

    static let upsert = """
        INSERT INTO endpoint_daily (day, method, path, calls, failures, last_called) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (day, method, path) DO UPDATE SET
            calls = endpoint_daily.calls + excluded.calls,
            failures = endpoint_daily.failures + excluded.failures,
            last_called = CASE WHEN excluded.last_called > endpoint_daily.last_called
                THEN excluded.last_called ELSE endpoint_daily.last_called END
        """

    /// Adds the requests of run `runID`'s steps to `endpoint_daily`.
    static func rollupRun(_ s: some StoreStatements, runID: String) async throws {
        let rows = try await s.rows(
            """
            SELECT s.method AS method, s.url AS url, s.outcome AS outcome, r.completed_at AS completed_at
            FROM step_results s JOIN scenario_results r ON r.id = s.scenario_result_id
            WHERE r.run_id = ?1 AND s.outcome <> 'skipped'
            """,
            [.string(runID)],
            table: "step_results"
        )
        var sums: [Key: (calls: Int, failures: Int, last: String)] = [:]
        for row in rows {
            let method = try row.string("method").uppercased()
            let url = try row.string("url")
            guard !method.isEmpty, !url.isEmpty else { continue }
            let completed = try row.string("completed_at")
            let key = Key(day: String(completed.prefix(10)), method: method, path: EndpointShape.path(ofURL: url))
            let failed = try row.string("outcome") == StepOutcome.passed.rawValue ? 0 : 1
            let previous = sums[key] ?? (0, 0, "")
            sums[key] = (previous.calls + 1, previous.failures + failed, max(previous.last, completed))
        }
        for (key, sum) in sums.sorted(by: {
            ($0.key.day, $0.key.method, $0.key.path) < ($1.key.day, $1.key.method, $1.key.path)
        }) {
            try await s.execute(
                upsert,
                [
                    .string(key.day), .string(key.method), .string(key.path), .int(sum.calls), .int(sum.failures),
                    .string(sum.last),
                ]
            )
        }
    }

    /// Calls per method and path shape from the UTC day of `since` on.
    static func calls(_ s: some StoreStatements, since: Date) async throws -> [EndpointCall] {
        try await s.rows(
            """
            SELECT method, path, SUM(calls) AS calls, SUM(failures) AS failures, MAX(last_called) AS last_called
            FROM endpoint_daily WHERE day >= ?1 GROUP BY method, path ORDER BY path, method
            """,
            [.string(String(Timestamp.text(since).prefix(10)))],
            table: "endpoint_daily"
        )
        .map { row in
            EndpointCall(
                method: try row.string("method"),
                path: try row.string("path"),
                calls: try row.int("calls"),
                failures: try row.int("failures"),
                lastCalled: try row.optionalString("last_called")
            )
        }
    }

    /// Rebuilds `endpoint_daily` from the steps of every finalized run.
    static func rebuild(_ s: some StoreStatements) async throws {
        try await s.execute("DELETE FROM endpoint_daily", [])
        let runs = try await s.rows("SELECT id FROM runs WHERE status <> 'running' ORDER BY started_at", table: "runs")
        for run in runs { try await rollupRun(s, runID: try run.string("id")) }
    }
}
