import Foundation
public import RondaCore
import SQLiteNIO

extension SQLiteStore {
    public func recordResult(_ result: ScenarioResult) async throws -> Bool {
        try await exclusive("recording result of '\(result.scenario)' in run \(result.runID)") {
            // Encode before the transaction: a value that cannot be stored writes nothing.
            let tags = try JSONColumn.text(result.tags)
            let steps = try result.steps.map { step in
                (step, try JSONColumn.text(step.assertions), try JSONColumn.text(step.captures))
            }
            let resultID = UUID().uuidString.lowercased()
            return try await transaction {
                let run = try await query("SELECT id FROM runs WHERE id = ?1", [.string(result.runID)])
                guard !run.isEmpty else {
                    throw StoreError(
                        .unknownRun,
                        "cannot record the result of scenario '\(result.scenario)': run \(result.runID) does not exist "
                            + "(deleted by retention, or created in another database)"
                    )
                }
                let inserted = try await query(
                    StoreSQL.insertResult,
                    StoreSQL.resultValues(result, id: resultID, tags: tags)
                )
                guard !inserted.isEmpty else { return false }
                for (seq, (step, assertions, captures)) in steps.enumerated() {
                    try await insertStep(step, seq: seq, resultID: resultID, assertions: assertions, captures: captures)
                }
                return true
            }
        }
    }

    private func insertStep(
        _ step: StepResult,
        seq: Int,
        resultID: String,
        assertions: String,
        captures: String
    ) async throws {
        try await execute(
            StoreSQL.insertStep,
            StoreSQL.stepValues(step, seq: seq, resultID: resultID, assertions: assertions, captures: captures)
        )
    }

    public func results(runID: String) async throws -> [ScenarioResult] {
        try await exclusive("reading results of run \(runID)") {
            // One transaction so the results and their steps are one consistent snapshot.
            try await transaction(readOnly: true) {
                let resultRows = try await query(
                    "SELECT * FROM scenario_results WHERE run_id = ?1 ORDER BY scenario",
                    [.string(runID)]
                )
                let stepRows = try await query(StoreSQL.resultSteps, [.string(runID)])
                return try ScenarioResult.assemble(
                    results: resultRows.map { Columns($0, table: "scenario_results") },
                    steps: stepRows.map { Columns($0, table: "step_results") }
                )
            }
        }
    }

    public func scenariosWithResults(runID: String) async throws -> Set<String> {
        try await exclusive("reading scenarios with results in run \(runID)") {
            let rows = try await query("SELECT scenario FROM scenario_results WHERE run_id = ?1", [.string(runID)])
            return Set(try rows.map { try Columns($0, table: "scenario_results").string("scenario") })
        }
    }

    /// Row count of one of the store's tables (for `ronda stats` and tests).
    func rowCount(_ table: StoreTable) async throws -> Int {
        try await exclusive("counting \(table.rawValue)") {
            try await query("SELECT COUNT(*) AS n FROM \(table.rawValue)")
                .first.map { try Columns($0, table: table.rawValue).int("n") } ?? 0
        }
    }
}

/// The tables of the store's schema.
enum StoreTable: String, Sendable, CaseIterable {
    case runs
    case scenarioResults = "scenario_results"
    case stepResults = "step_results"
    case schemaMigrations = "schema_migrations"
}
