public import Foundation
import PostgresNIO
public import RondaCore

extension PostgresStore {
    public func createRun(_ run: RunRecord, planned: [PlannedScenario]) async throws -> Bool {
        let variables = try JSONColumn.text(run.variables)
        // ON CONFLICT DO NOTHING: of two coordinators inserting the same (schedule, slot) at
        // once, the second waits for the first to commit and then inserts nothing.
        return try await inTransaction("creating run \(run.id)") { connection in
            let inserted = try await Self.rows(
                connection,
                StoreSQL.insertRun,
                StoreSQL.runValues(run, variables: variables)
            )
            guard !inserted.isEmpty else { return false }
            for start in stride(from: 0, to: planned.count, by: StoreSQL.plannedChunk) {
                let chunk = planned[start..<min(start + StoreSQL.plannedChunk, planned.count)]
                try await Self.execute(
                    connection,
                    StoreSQL.insertPlanned(count: chunk.count),
                    StoreSQL.plannedValues(runID: run.id, chunk)
                )
            }
            return true
        }
    }

    public func markEnqueued(runID: String, at date: Date) async throws {
        try await withConnection("marking run \(runID) enqueued") { connection in
            try await Self.execute(connection, StoreSQL.markEnqueued, [.string(runID), .date(date)])
        }
    }

    public func latestSlot(schedule: String) async throws -> Date? {
        try await withConnection("reading the latest slot of schedule \(schedule)") { connection in
            try await Self.rows(
                connection,
                "SELECT MAX(slot) AS slot FROM runs WHERE schedule = ?1",
                [.string(schedule)]
            )
            .first.flatMap { try Columns($0, table: "runs").optionalDate("slot") }
        }
    }

    public func runningRuns() async throws -> [RunRecord] {
        try await withConnection("reading running runs") { connection in
            try await Self.rows(connection, StoreSQL.runningRuns)
                .map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func plannedScenarios(runID: String) async throws -> [PlannedScenario] {
        try await withConnection("reading planned scenarios of run \(runID)") { connection in
            try await Self.rows(connection, StoreSQL.plannedScenarios, [.string(runID)])
                .map { try PlannedScenario(Columns($0, table: "run_scenarios")) }
        }
    }

    public func summary(since date: Date) async throws -> StoreSummary {
        try await withConnection("summarizing runs since \(Timestamp.text(date))") { connection in
            // REPEATABLE READ: both counts from one snapshot.
            try await Self.transaction(connection) { connection in
                try await Self.execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let runs = try await Self.rows(connection, StoreSQL.summaryRuns, [.date(date)])
                let results = try await Self.rows(connection, StoreSQL.summaryResults, [.date(date)])
                return try StoreSummary(
                    runs: runs.first.map { Columns($0, table: "runs") },
                    results: results.first.map { Columns($0, table: "scenario_results") }
                )
            }
        }
    }

    public func run(id: String) async throws -> RunRecord? {
        try await withConnection("reading run \(id)") { connection in
            try await Self.rows(connection, "SELECT * FROM runs WHERE id = ?1", [.string(id)])
                .first.map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func recentRuns(limit: Int) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        return try await withConnection("reading recent runs") { connection in
            try await Self.rows(
                connection,
                "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?1",
                [.int(limit)]
            )
            .map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func deleteRuns(startedBefore date: Date) async throws -> Int {
        // Results, steps and planned scenarios go with their run (ON DELETE CASCADE).
        let deleted = try await withConnection("deleting runs started before \(Timestamp.text(date))") { connection in
            try await Self.rows(connection, "DELETE FROM runs WHERE started_at < ?1 RETURNING id", [.date(date)]).count
        }
        if deleted > 0 {
            logger.info(
                "deleted old runs",
                metadata: [
                    "database": .string(location.redacted), "count": .stringConvertible(deleted),
                    "before": .string(Timestamp.text(date)),
                ]
            )
        }
        return deleted
    }

    public func setting(named name: String) async throws -> String? {
        try await withConnection("reading setting \(name)") { connection in
            try await Self.rows(connection, StoreSQL.readSetting, [.string(name)])
                .first.map { try Columns($0, table: "settings").string("value") }
        }
    }

    public func setSetting(named name: String, to value: String, at date: Date) async throws {
        try await withConnection("writing setting \(name)") { connection in
            try await Self.execute(connection, StoreSQL.writeSetting, [.string(name), .string(value), .date(date)])
        }
    }
}
