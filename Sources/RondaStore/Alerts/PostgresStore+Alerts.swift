public import Foundation
public import RondaCore

extension PostgresStore {
    public func finalizeRun(
        id: String,
        at date: Date,
        historyWindow: Int,
        analysis: RunAnalysis?
    ) async throws
        -> RunRecord?
    {
        // A concurrent finalizer of the same run blocks on the row lock; when the first commits,
        // PostgreSQL re-checks `status = 'running'` and the second finalizes nothing.
        try await inTransaction("finalizing run \(id)") { connection in
            try await AlertSQL.finalize(
                PostgresStatements(connection: connection),
                id: id,
                at: date,
                historyWindow: historyWindow,
                analysis: analysis
            )
        }
    }

    public func errorGroups(status: ErrorGroupStatus?, limit: Int) async throws -> [ErrorGroup] {
        try await withConnection("reading error groups") { connection in
            try await AlertSQL.groups(PostgresStatements(connection: connection), status: status, limit: limit)
        }
    }

    public func errorGroups(prefix: String) async throws -> [ErrorGroup] {
        try await withConnection("reading error group \(prefix)") { connection in
            try await AlertSQL.groups(PostgresStatements(connection: connection), prefix: prefix)
        }
    }

    public func setErrorGroupStatus(
        _ group: ErrorGroup,
        to status: ErrorGroupStatus,
        at date: Date
    ) async throws
        -> ErrorGroup
    {
        try await inTransaction("marking error group \(group.fingerprint.prefix(12)) \(status.rawValue)") {
            connection in
            let s = PostgresStatements(connection: connection)
            try await s.lockErrorGroups()
            return try await AlertSQL.setStatus(s, group, to: status, at: date)
        }
    }

    public func scenarioHistory(scenario: String?, window: Int) async throws -> [String: [ScenarioHistoryEntry]] {
        try await withConnection("reading scenario history") { connection in
            try await AlertSQL.history(
                PostgresStatements(connection: connection),
                excludingRun: "",
                scenario: scenario ?? "*",
                window: window
            )
        }
    }

    public func claimAlerts(owner: String, now: Date, until: Date) async throws -> [OutboxEntry] {
        try await withConnection("claiming alerts to deliver") { connection in
            try await AlertSQL.claim(PostgresStatements(connection: connection), owner: owner, now: now, until: until)
        }
    }

    public func completeAlert(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await withConnection("recording the delivery of alert \(id)") { connection in
            try await AlertSQL.complete(
                PostgresStatements(connection: connection),
                id: id,
                owner: owner,
                outcome: outcome
            )
        }
    }

    public func alertOutbox(limit: Int) async throws -> [OutboxEntry] {
        try await withConnection("reading the alert outbox") { connection in
            try await AlertSQL.outbox(PostgresStatements(connection: connection), limit: limit)
        }
    }

    public func errorStats(since date: Date) async throws -> ErrorStats {
        try await withConnection("reading error figures") { connection in
            try await Self.transaction(connection) { connection in
                try await Self.execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return try await AlertSQL.errorStats(PostgresStatements(connection: connection), since: date)
            }
        }
    }

    public func quarantined() async throws -> [QuarantineEntry] {
        try await withConnection("reading the quarantine") { connection in
            try await AlertSQL.quarantine(PostgresStatements(connection: connection))
        }
    }

    public func setQuarantined(_ scenario: String, _ on: Bool, reason: String?, at date: Date) async throws -> Bool {
        try await withConnection("changing the quarantine of \(scenario)") { connection in
            try await AlertSQL.setQuarantined(
                PostgresStatements(connection: connection),
                scenario,
                on,
                reason: reason,
                at: date
            )
        }
    }
}
