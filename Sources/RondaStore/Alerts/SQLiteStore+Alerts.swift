public import Foundation
public import RondaCore

extension SQLiteStore {
    var statements: SQLiteStatements { SQLiteStatements(connection: connection) }

    public func finalizeRun(
        id: String,
        at date: Date,
        historyWindow: Int,
        analysis: RunAnalysis?
    ) async throws
        -> RunRecord?
    {
        try await exclusive("finalizing run \(id)") {
            try await transaction {
                try await AlertSQL.finalize(
                    statements,
                    id: id,
                    at: date,
                    historyWindow: historyWindow,
                    analysis: analysis
                )
            }
        }
    }

    public func errorGroups(status: ErrorGroupStatus?, limit: Int) async throws -> [ErrorGroup] {
        try await exclusive("reading error groups") {
            try await AlertSQL.groups(statements, status: status, limit: limit)
        }
    }

    public func errorGroups(prefix: String) async throws -> [ErrorGroup] {
        try await exclusive("reading error group \(prefix)") { try await AlertSQL.groups(statements, prefix: prefix) }
    }

    public func setErrorGroupStatus(
        _ group: ErrorGroup,
        to status: ErrorGroupStatus,
        at date: Date
    ) async throws
        -> ErrorGroup
    {
        try await exclusive("marking error group \(group.fingerprint.prefix(12)) \(status.rawValue)") {
            try await transaction { try await AlertSQL.setStatus(statements, group, to: status, at: date) }
        }
    }

    public func scenarioHistory(scenario: String?, window: Int) async throws -> [String: [ScenarioHistoryEntry]] {
        try await exclusive("reading scenario history") {
            try await AlertSQL.history(statements, excludingRun: "", scenario: scenario ?? "*", window: window)
        }
    }

    public func claimAlerts(owner: String, now: Date, until: Date) async throws -> [OutboxEntry] {
        try await exclusive("claiming alerts to deliver") {
            try await transaction { try await AlertSQL.claim(statements, owner: owner, now: now, until: until) }
        }
    }

    public func completeAlert(id: String, owner: String, outcome: OutboxOutcome) async throws -> Bool {
        try await exclusive("recording the delivery of alert \(id)") {
            try await AlertSQL.complete(statements, id: id, owner: owner, outcome: outcome)
        }
    }

    public func alertOutbox(limit: Int) async throws -> [OutboxEntry] {
        try await exclusive("reading the alert outbox") { try await AlertSQL.outbox(statements, limit: limit) }
    }

    public func errorStats(since date: Date) async throws -> ErrorStats {
        try await exclusive("reading error figures") {
            try await transaction(readOnly: true) { try await AlertSQL.errorStats(statements, since: date) }
        }
    }

    public func quarantined() async throws -> [QuarantineEntry] {
        try await exclusive("reading the quarantine") { try await AlertSQL.quarantine(statements) }
    }

    public func setQuarantined(_ scenario: String, _ on: Bool, reason: String?, at date: Date) async throws -> Bool {
        try await exclusive("changing the quarantine of \(scenario)") {
            try await AlertSQL.setQuarantined(statements, scenario, on, reason: reason, at: date)
        }
    }
}
