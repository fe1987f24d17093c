/// The statements both stores run, written once. Parameters are numbered `?1`, `?2`, …
/// (SQLite's numbered form); `postgres(_:)` rewrites them to PostgreSQL's `$1`, `$2`, ….
/// The text is otherwise identical in both databases, like the migrations.
enum StoreSQL {
    /// Rewrites `?N` placeholders to `$N`. The statements here hold no `?` inside literals.
    static func postgres(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count)
        var iterator = sql.makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if character == "?", let next = pending, next.isASCII, next.isNumber {
                output.append("$")
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// 18 parameters; no conflict target: a repeated id or (schedule, slot) both leave the first row alone.
    static let insertRun = """
        INSERT INTO runs (id, trigger, schedule, slot, status, scenarios, passed, failed, errored, skipped,
                          errors_found, started_at, completed_at, execution_time, deadline,
                          variables, enqueued_at, release)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
        ON CONFLICT DO NOTHING
        RETURNING id
        """

    /// `count` planned scenarios in one INSERT: 6 parameters a row (run id, scenario, file,
    /// source, module, priority).
    static func insertPlanned(count: Int) -> String {
        let rows = (0..<count).map { row in "(" + (1...6).map { "?\(row * 6 + $0)" }.joined(separator: ", ") + ")" }
        return "INSERT INTO run_scenarios (run_id, scenario, file, source, module, priority) VALUES "
            + rows.joined(separator: ", ") + " ON CONFLICT DO NOTHING"
    }

    /// Rows a multi-row INSERT of planned scenarios carries at most (SQLite allows 32,766 parameters).
    static let plannedChunk = 500

    static let markEnqueued = "UPDATE runs SET enqueued_at = ?2 WHERE id = ?1 AND enqueued_at IS NULL"

    /// 19 parameters.
    static let insertResult = """
        INSERT INTO scenario_results (id, run_id, scenario, module, priority, tags, status, attempt, worker,
            steps_executed, steps_passed, failing_step, error_kind, error_message, trace,
            started_at, completed_at, duration, response_time)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
        ON CONFLICT (run_id, scenario) DO NOTHING
        RETURNING id
        """

    /// 22 parameters.
    static let insertStep = """
        INSERT INTO step_results (scenario_result_id, seq, idx, name, phase, case_label, outcome, method, url,
            status, dns, connect, tls, first_byte, total, attempts, assertions, captures,
            request_excerpt, response_excerpt, error, started_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
        """

    /// `count` steps in one INSERT: 22 parameters a row, numbered on from `?1`.
    static func insertSteps(count: Int) -> String {
        let rows = (0..<count).map { row in
            "(" + (1...22).map { "?\(row * 22 + $0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO step_results (scenario_result_id, seq, idx, name, phase, case_label, outcome, method, url,
                status, dns, connect, tls, first_byte, total, attempts, assertions, captures,
                request_excerpt, response_excerpt, error, started_at)
            VALUES
            """ + rows.joined(separator: ",\n")
    }

    /// (id, completed_at, execution_time). Totals are computed from the results in the same
    /// statement; the guard on status makes a second finalizer (in this process or another) a no-op.
    static let finalizeRun = """
        UPDATE runs SET
            status = 'completed',
            passed = (SELECT COUNT(*) FROM scenario_results r WHERE r.run_id = runs.id AND r.status = 'pass'),
            failed = (SELECT COUNT(*) FROM scenario_results r WHERE r.run_id = runs.id AND r.status = 'fail'),
            errored = (SELECT COUNT(*) FROM scenario_results r WHERE r.run_id = runs.id AND r.status = 'error'),
            skipped = (SELECT COUNT(*) FROM scenario_results r WHERE r.run_id = runs.id AND r.status = 'skip'),
            errors_found = (SELECT COUNT(*) FROM scenario_results r
                            WHERE r.run_id = runs.id AND r.status IN ('fail', 'error')),
            scenarios = (SELECT CASE WHEN COUNT(*) > runs.scenarios THEN COUNT(*) ELSE runs.scenarios END
                         FROM scenario_results r WHERE r.run_id = runs.id),
            completed_at = ?2,
            execution_time = ?3
        WHERE id = ?1 AND status = 'running'
        RETURNING *
        """

    static let readSetting = "SELECT value FROM settings WHERE name = ?1"

    static let writeSetting = """
        INSERT INTO settings (name, value, updated_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
        """

    static let runningRuns = "SELECT * FROM runs WHERE status = 'running' ORDER BY started_at, id"

    static let plannedScenarios =
        "SELECT scenario, file, source, module, priority FROM run_scenarios WHERE run_id = ?1 ORDER BY scenario"

    static let summaryRuns = """
        SELECT COUNT(*) AS runs, COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) AS running
        FROM runs WHERE started_at >= ?1
        """

    static let summaryResults = """
        SELECT COUNT(*) AS results, COALESCE(SUM(CASE WHEN r.status = 'pass' THEN 1 ELSE 0 END), 0) AS passed
        FROM scenario_results r JOIN runs ON runs.id = r.run_id WHERE runs.started_at >= ?1
        """

    static let resultSteps = """
        SELECT s.* FROM step_results s
        JOIN scenario_results r ON r.id = s.scenario_result_id
        WHERE r.run_id = ?1
        ORDER BY s.scenario_result_id, s.seq
        """

    static let appliedMigrations = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"

    static let newestMigration = "SELECT MAX(version) AS version FROM schema_migrations"

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        )
        """
}
