/// Statements of error groups, quarantine and the outbox, for both databases (`?N` parameters).
enum AlertStatements {
    static let groupColumns = """
        fingerprint, scenario, module, priority, step, signature, error_kind, message, normalized_message, url,
        http_status, excerpt, status, first_seen, last_seen, occurrences, first_run_id, last_run_id, first_release,
        resolved_at, resolved_release, regressed_at, regressions, pass_streak, notified_at
        """

    /// 25 parameters, in `groupColumns` order.
    static let upsertGroup = """
        INSERT INTO error_groups (\(groupColumns))
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                ?21, ?22, ?23, ?24, ?25)
        ON CONFLICT (fingerprint) DO UPDATE SET
            module = excluded.module, priority = excluded.priority, step = excluded.step,
            signature = excluded.signature, error_kind = excluded.error_kind, message = excluded.message,
            normalized_message = excluded.normalized_message, url = excluded.url,
            http_status = excluded.http_status, excerpt = excluded.excerpt, status = excluded.status,
            first_seen = excluded.first_seen, last_seen = excluded.last_seen, occurrences = excluded.occurrences,
            first_run_id = excluded.first_run_id, last_run_id = excluded.last_run_id,
            first_release = excluded.first_release, resolved_at = excluded.resolved_at,
            resolved_release = excluded.resolved_release, regressed_at = excluded.regressed_at,
            regressions = excluded.regressions, pass_streak = excluded.pass_streak, notified_at = excluded.notified_at
        """

    static let runResults = "SELECT * FROM scenario_results WHERE run_id = ?1 ORDER BY scenario"

    /// Failed or errored steps of the run's failed or errored results, with the result's scenario.
    static let failingSteps = """
        SELECT s.*, r.scenario AS result_scenario FROM step_results s
        JOIN scenario_results r ON r.id = s.scenario_result_id
        WHERE r.run_id = ?1 AND r.status IN ('fail', 'error') AND s.outcome IN ('failed', 'errored')
        ORDER BY r.scenario, s.seq
        """

    static let groupsOfRun = """
        SELECT * FROM error_groups
        WHERE scenario IN (SELECT scenario FROM scenario_results WHERE run_id = ?1)
        """

    /// (run id to leave out or '', window, scenario filter, runs to look back over). The scenario
    /// filter is a name, `*` for every scenario, or NULL for the run's scenarios that need a
    /// history: those that failed, and those with an open group (a recovery). A healthy run of
    /// 2,000 scenarios reads nothing; the look-back bounds the rows read whatever the retention.
    static let history = """
        SELECT ranked.scenario, ranked.run_id, ranked.status, ranked.completed_at,
            CASE WHEN ranked.status = 'pass' AND EXISTS (
                SELECT 1 FROM step_results s WHERE s.scenario_result_id = ranked.id AND s.attempts > 1
            ) THEN 1 ELSE 0 END AS passed_after_retry
        FROM (
            SELECT r.id, r.scenario, r.run_id, r.status, r.completed_at,
                ROW_NUMBER() OVER (PARTITION BY r.scenario ORDER BY r.completed_at DESC, r.id DESC) AS rank
            FROM scenario_results r
            WHERE r.run_id <> ?1
              AND r.run_id IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?4)
              AND (
                (CAST(?3 AS TEXT) IS NULL AND r.scenario IN (
                    SELECT c.scenario FROM scenario_results c
                    WHERE c.run_id = ?1 AND (
                        c.status IN ('fail', 'error')
                        OR c.scenario IN (SELECT g.scenario FROM error_groups g WHERE g.status = 'open')
                    )
                ))
                OR r.scenario = ?3
                OR (CAST(?3 AS TEXT) = '*')
            )
        ) ranked
        WHERE ranked.rank <= ?2
        ORDER BY ranked.scenario, ranked.rank
        """

    static let setResultGroup = "UPDATE scenario_results SET error_group = ?3 WHERE run_id = ?1 AND scenario = ?2"

    /// 13 parameters.
    static let insertOutbox = """
        INSERT INTO alert_outbox (id, decision, channel, run_id, trigger, position, payload, state, attempts,
            next_attempt_at, created_at, delivered_at, note)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        ON CONFLICT (id) DO NOTHING
        """

    /// The oldest pending row of each channel (what may be sent next: delivery is in order).
    static let outboxHeads = """
        SELECT * FROM alert_outbox o
        WHERE o.state = 'pending' AND NOT EXISTS (
            SELECT 1 FROM alert_outbox p
            WHERE p.channel = o.channel AND p.state = 'pending' AND (
                p.created_at < o.created_at
                OR (p.created_at = o.created_at AND p.position < o.position)
                OR (p.created_at = o.created_at AND p.position = o.position AND p.id < o.id)
            )
        )
        ORDER BY o.created_at, o.position, o.id
        """

    /// (id, owner, claimed until, now): succeeds only when nobody holds a live claim.
    static let claimOutbox = """
        UPDATE alert_outbox SET claimed_by = ?2, claimed_until = ?3
        WHERE id = ?1 AND state = 'pending' AND next_attempt_at <= ?4
          AND (claimed_until IS NULL OR claimed_until < ?4)
        RETURNING id
        """

    /// (id, owner, state, delivered at, last error, next attempt).
    static let completeOutbox = """
        UPDATE alert_outbox SET state = ?3, attempts = attempts + 1, delivered_at = ?4, last_error = ?5,
            next_attempt_at = COALESCE(?6, next_attempt_at), claimed_by = NULL, claimed_until = NULL
        WHERE id = ?1 AND claimed_by = ?2 AND state = 'pending'
        RETURNING id
        """
}
