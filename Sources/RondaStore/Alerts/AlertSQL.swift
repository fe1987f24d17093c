import Foundation
import RondaCore

/// Error groups, quarantine and the outbox, written once over `StoreStatements` for both stores.
enum AlertSQL {
    /// Finalizes the run (as `StoreSQL.finalizeRun`) and, when `analysis` is given, applies what it
    /// decides from the run's results and the groups and history it reads — all in the caller's
    /// transaction, so a decision exists exactly when the run is finalized.
    static func finalize(
        _ s: some StoreStatements,
        id: String,
        at date: Date,
        historyWindow: Int,
        analysis: RunAnalysis?
    ) async throws -> RunRecord? {
        let running = try await s.rows(
            "SELECT started_at FROM runs WHERE id = ?1 AND status = 'running'",
            [.string(id)],
            table: "runs"
        )
        guard let row = running.first else { return nil }
        let executionTime = max(0, date.timeIntervalSince(try row.date("started_at")))
        let updated = try await s.rows(
            StoreSQL.finalizeRun,
            [.string(id), .date(date), .double(executionTime)],
            table: "runs"
        )
        guard let run = try updated.first.map(RunRecord.init) else { return nil }
        try await s.execute(DashboardSQL.rollupRun, [.string(id)])
        try await s.execute(DashboardSQL.rollupRunDaily, [.string(id)])
        try await EndpointSQL.rollupRun(s, runID: id)
        guard let analysis else { return run }
        try await s.lockErrorGroups()
        let input = try await readInput(s, run: run, historyWindow: historyWindow)
        let writes = try analysis(input)
        try await apply(s, writes, runID: id)
        return run
    }

    static func readInput(
        _ s: some StoreStatements,
        run: RunRecord,
        historyWindow: Int
    ) async throws
        -> FinalizationInput
    {
        let results = try await s.rows(AlertStatements.runResults, [.string(run.id)], table: "scenario_results")
            .map(ScenarioResult.init)
        var failingSteps: [String: StepResult] = [:]
        for row in try await s.rows(AlertStatements.failingSteps, [.string(run.id)], table: "step_results") {
            failingSteps[try row.string("result_scenario")] = try StepResult(row)
        }
        let groups = try await s.rows(AlertStatements.groupsOfRun, [.string(run.id)], table: "error_groups")
            .map(ErrorGroup.init)
        let history = try await history(s, excludingRun: run.id, scenario: nil, window: historyWindow)
        let quarantined = try await s.rows("SELECT scenario FROM quarantine", table: "quarantine")
            .map { try $0.string("scenario") }
        return FinalizationInput(
            run: run,
            results: results,
            failingSteps: failingSteps,
            groups: groups,
            history: history,
            quarantined: Set(quarantined)
        )
    }

    /// Recent results per scenario, newest first, from the last `10 × window` runs (at least 50):
    /// of the run's failed scenarios and those with an open group (`scenario` nil), of one
    /// scenario, or of every scenario (`"*"`).
    static func history(
        _ s: some StoreStatements,
        excludingRun: String,
        scenario: String?,
        window: Int
    ) async throws
        -> [String: [ScenarioHistoryEntry]]
    {
        let rows = try await s.rows(
            AlertStatements.history,
            [.string(excludingRun), .int(max(1, window)), .string(scenario), .int(max(50, window * 10))],
            table: "scenario_results"
        )
        var history: [String: [ScenarioHistoryEntry]] = [:]
        for row in rows { history[try row.string("scenario"), default: []].append(try ScenarioHistoryEntry(row)) }
        return history
    }

    static func apply(_ s: some StoreStatements, _ writes: FinalizationWrites, runID: String) async throws {
        for group in writes.groups { try await s.execute(AlertStatements.upsertGroup, group.values) }
        for (scenario, fingerprint) in writes.resultGroups.sorted(by: { $0.key < $1.key }) {
            try await s.execute(
                AlertStatements.setResultGroup,
                [.string(runID), .string(scenario), .string(fingerprint)]
            )
        }
        for entry in writes.outbox {
            try await s.execute(AlertStatements.insertOutbox, entry.values(payload: try JSONColumn.text(entry.alert)))
        }
    }

    // MARK: - Groups

    static func groups(_ s: some StoreStatements, status: ErrorGroupStatus?, limit: Int) async throws -> [ErrorGroup] {
        try await s.rows(
            """
            SELECT * FROM error_groups WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1)
            ORDER BY last_seen DESC, fingerprint LIMIT ?2
            """,
            [.string(status?.rawValue), .int(limit)],
            table: "error_groups"
        )
        .map(ErrorGroup.init)
    }

    /// The groups whose fingerprint starts with `prefix` (at most 2: enough to say it is ambiguous).
    static func groups(_ s: some StoreStatements, prefix: String) async throws -> [ErrorGroup] {
        try await s.rows(
            "SELECT * FROM error_groups WHERE fingerprint LIKE ?1 ORDER BY fingerprint LIMIT 2",
            [.string(prefix.filter(\.isHexDigit).lowercased() + "%")],
            table: "error_groups"
        )
        .map(ErrorGroup.init)
    }

    static func setStatus(
        _ s: some StoreStatements,
        _ group: ErrorGroup,
        to status: ErrorGroupStatus,
        at date: Date
    )
        async throws -> ErrorGroup
    {
        var changed = group
        changed.status = status
        changed.passStreak = 0
        if status == .resolved {
            changed.resolvedAt = date
        } else if status == .open {
            changed.resolvedAt = nil
        }
        try await s.execute(AlertStatements.upsertGroup, changed.values)
        return changed
    }

    static func errorStats(_ s: some StoreStatements, since date: Date) async throws -> ErrorStats {
        let failing = "r.status IN ('fail', 'error')"
        let total =
            try await s.rows(
                "SELECT COUNT(*) AS n FROM scenario_results r WHERE \(failing)",
                table: "scenario_results"
            ).first?.int("n") ?? 0
        let recent =
            try await s.rows(
                "SELECT COUNT(*) AS n FROM scenario_results r JOIN runs ON runs.id = r.run_id WHERE \(failing) AND runs.started_at >= ?1",
                [.date(date)],
                table: "scenario_results"
            ).first?.int("n") ?? 0
        let open =
            try await s.rows("SELECT COUNT(*) AS n FROM error_groups WHERE status = 'open'", table: "error_groups")
            .first?.int("n") ?? 0
        let average = try await s.rows(
            "SELECT AVG(execution_time) AS t FROM runs WHERE status = 'completed' AND started_at >= ?1",
            [.date(date)],
            table: "runs"
        ).first?.optionalDouble("t")
        let modules = try await s.rows(
            """
            SELECT r.module AS module, COUNT(*) AS n FROM scenario_results r JOIN runs ON runs.id = r.run_id
            WHERE \(failing) AND runs.started_at >= ?1
            GROUP BY r.module ORDER BY n DESC, r.module LIMIT 10
            """,
            [.date(date)],
            table: "scenario_results"
        ).map { ErrorStats.ModuleCount(module: try $0.string("module"), errors: try $0.int("n")) }
        let resolved = try await s.rows(
            "SELECT module, first_seen, resolved_at FROM error_groups WHERE resolved_at IS NOT NULL",
            table: "error_groups"
        ).map {
            (
                module: try $0.string("module"),
                seconds: try $0.date("resolved_at").timeIntervalSince(try $0.date("first_seen"))
            )
        }
        var perModule: [String: Double] = [:]
        for (module, rows) in Dictionary(grouping: resolved, by: \.module) {
            perModule[module] = ErrorStats.median(rows.map(\.seconds))
        }
        return ErrorStats(
            errorsTotal: total,
            errorsSince: recent,
            openGroups: open,
            averageExecutionTime: average,
            errorsPerModule: modules,
            medianTimeToResolution: ErrorStats.median(resolved.map(\.seconds)),
            medianTimeToResolutionPerModule: perModule
        )
    }

    // MARK: - Outbox

    static func claim(_ s: some StoreStatements, owner: String, now: Date, until: Date) async throws -> [OutboxEntry] {
        var claimed: [OutboxEntry] = []
        for head in try await s.rows(AlertStatements.outboxHeads, table: "alert_outbox").map(OutboxEntry.init) {
            let won = try await s.rows(
                AlertStatements.claimOutbox,
                [.string(head.id), .string(owner), .date(until), .date(now)],
                table: "alert_outbox"
            )
            if !won.isEmpty { claimed.append(head) }
        }
        return claimed
    }

    static func complete(
        _ s: some StoreStatements,
        id: String,
        owner: String,
        outcome: OutboxOutcome
    ) async throws
        -> Bool
    {
        let binds: [StoreValue]
        switch outcome {
        case .delivered(let at):
            binds = [.string(id), .string(owner), .string("delivered"), .date(at), .string(nil), .date(nil)]
        case .retry(let error, let next):
            binds = [.string(id), .string(owner), .string("pending"), .date(nil), .string(error), .date(next)]
        case .failed(let error, _):
            binds = [.string(id), .string(owner), .string("failed"), .date(nil), .string(error), .date(nil)]
        }
        return try await !s.rows(AlertStatements.completeOutbox, binds, table: "alert_outbox").isEmpty
    }

    static func outbox(_ s: some StoreStatements, limit: Int) async throws -> [OutboxEntry] {
        try await s.rows(
            "SELECT * FROM alert_outbox ORDER BY created_at DESC, position DESC, id DESC LIMIT ?1",
            [.int(limit)],
            table: "alert_outbox"
        )
        .map(OutboxEntry.init)
    }

    // MARK: - Quarantine

    static func quarantine(_ s: some StoreStatements) async throws -> [QuarantineEntry] {
        try await s.rows("SELECT * FROM quarantine ORDER BY scenario", table: "quarantine").map {
            QuarantineEntry(
                scenario: try $0.string("scenario"),
                reason: try $0.optionalString("reason"),
                addedAt: try $0.date("added_at")
            )
        }
    }

    static func setQuarantined(
        _ s: some StoreStatements,
        _ scenario: String,
        _ on: Bool,
        reason: String?,
        at date: Date
    )
        async throws -> Bool
    {
        if on {
            return try await !s.rows(
                "INSERT INTO quarantine (scenario, reason, added_at) VALUES (?1, ?2, ?3) ON CONFLICT (scenario) DO NOTHING RETURNING scenario",
                [.string(scenario), .string(reason), .date(date)],
                table: "quarantine"
            ).isEmpty
        }
        return try await !s.rows(
            "DELETE FROM quarantine WHERE scenario = ?1 RETURNING scenario",
            [.string(scenario)],
            table: "quarantine"
        ).isEmpty
    }
}
