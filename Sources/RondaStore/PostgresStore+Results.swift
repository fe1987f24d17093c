import Foundation
import PostgresNIO
public import RondaCore

extension PostgresStore {
    /// One round trip for a result without steps (a single INSERT, atomic on its own); a result
    /// with steps is one transaction of three statements plus one multi-row INSERT per 500 steps.
    /// The foreign key on `run_id` is what rejects a result for an unknown run.
    public func recordResult(_ result: ScenarioResult) async throws -> Bool {
        // Encode before writing: a value that cannot be stored writes nothing.
        let tags = try JSONColumn.text(result.tags)
        let steps = try result.steps.map { step in
            (step, try JSONColumn.text(step.assertions), try JSONColumn.text(step.captures))
        }
        let resultID = UUID().uuidString.lowercased()
        let binds = StoreSQL.resultValues(result, id: resultID, tags: tags)
        let unknownRun = StoreError(
            .unknownRun,
            "cannot record the result of scenario '\(result.scenario)': run \(result.runID) does not exist "
                + "(deleted by retention, or created in another database)"
        )
        let what = "recording result of '\(result.scenario)' in run \(result.runID)"
        guard !steps.isEmpty else {
            // A concurrent duplicate waits for the first insert to commit, then inserts nothing.
            return try await batcher.submit(
                ResultBatcher.Entry(resultID: resultID, binds: binds, unknownRun: unknownRun)
            ) { entries in
                try await self.insertResults(entries)
            }
        }
        return try await inTransaction(what) { connection in
            try await Self.mappingForeignKey(to: unknownRun) {
                guard !(try await Self.rows(connection, StoreSQL.insertResult, binds)).isEmpty else { return false }
                var seq = 0
                for chunk in stride(from: 0, to: steps.count, by: 500).map({
                    Array(steps[$0..<min($0 + 500, steps.count)])
                }) {
                    var values: [StoreValue] = []
                    values.reserveCapacity(chunk.count * 22)
                    for (step, assertions, captures) in chunk {
                        values += StoreSQL.stepValues(
                            step,
                            seq: seq,
                            resultID: resultID,
                            assertions: assertions,
                            captures: captures
                        )
                        seq += 1
                    }
                    try await Self.execute(connection, StoreSQL.insertSteps(count: chunk.count), values)
                }
                return true
            }
        }
    }

    /// One INSERT for `entries` (a named prepared statement when there is one); the ids inserted.
    func insertResults(_ entries: [ResultBatcher.Entry]) async throws -> Set<String> {
        let what = entries.count == 1 ? "recording a result" : "recording \(entries.count) results"
        // A foreign-key failure of a batch names the first entry's run; the batcher retries one by one.
        let unknownRun = entries[0].unknownRun
        return try await withConnection(what) { connection in
            try await Self.mappingForeignKey(to: unknownRun) {
                var inserted = Set<String>()
                if entries.count == 1 {
                    for try await id in try await connection.execute(
                        InsertResultStatement(binds: entries[0].binds),
                        logger: Self.queryLogger
                    ) {
                        inserted.insert(id)
                    }
                } else {
                    for row in try await Self.rows(
                        connection,
                        StoreSQL.insertResults(count: entries.count),
                        entries.flatMap(\.binds)
                    ) {
                        inserted.insert(try row.decode(String.self))
                    }
                }
                return inserted
            }
        }
    }

    /// Runs `body`, turning a foreign-key violation (SQLSTATE 23503: the run is gone) into `error`.
    static func mappingForeignKey<T>(to error: StoreError, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let failure as PSQLError where failure.serverInfo?[.sqlState] == "23503" {
            throw error
        }
    }

    public func results(runID: String) async throws -> [ScenarioResult] {
        try await withConnection("reading results of run \(runID)") { connection in
            // One snapshot for the results and their steps.
            try await Self.transaction(connection) { connection in
                try await Self.execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let resultRows = try await Self.rows(
                    connection,
                    "SELECT * FROM scenario_results WHERE run_id = ?1 ORDER BY scenario",
                    [.string(runID)]
                )
                let stepRows = try await Self.rows(connection, StoreSQL.resultSteps, [.string(runID)])
                return try ScenarioResult.assemble(
                    results: resultRows.map { Columns($0, table: "scenario_results") },
                    steps: stepRows.map { Columns($0, table: "step_results") }
                )
            }
        }
    }

    public func scenariosWithResults(runID: String) async throws -> Set<String> {
        try await withConnection("reading scenarios with results in run \(runID)") { connection in
            let rows = try await Self.rows(
                connection,
                "SELECT scenario FROM scenario_results WHERE run_id = ?1",
                [.string(runID)]
            )
            return Set(try rows.map { try Columns($0, table: "scenario_results").string("scenario") })
        }
    }

    /// Row count of one of the store's tables (for `ronda stats` and tests).
    func rowCount(_ table: StoreTable) async throws -> Int {
        try await withConnection("counting \(table.rawValue)") { connection in
            try await Self.rows(connection, "SELECT COUNT(*) AS n FROM \(table.rawValue)")
                .first.map { try Columns($0, table: table.rawValue).int("n") } ?? 0
        }
    }
}

/// `StoreSQL.insertResult`, prepared once per connection (the worker's usual write).
struct InsertResultStatement: PostgresPreparedStatement {
    static let name = "ronda_insert_result_v3"
    static let sql = StoreSQL.postgres(StoreSQL.insertResult)
    typealias Row = String
    var binds: [StoreValue]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds { bind.append(to: &bindings) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}
