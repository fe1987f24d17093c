public import Foundation
import Logging
public import RondaCore
import SQLiteNIO

extension SQLiteStore {
    public func createRun(_ run: RunRecord, planned: [PlannedScenario]) async throws -> Bool {
        let variables = try JSONColumn.text(run.variables)
        return try await exclusive("creating run \(run.id)") {
            try await transaction {
                let inserted = try await query(StoreSQL.insertRun, StoreSQL.runValues(run, variables: variables))
                guard !inserted.isEmpty else { return false }
                for start in stride(from: 0, to: planned.count, by: StoreSQL.plannedChunk) {
                    let chunk = planned[start..<min(start + StoreSQL.plannedChunk, planned.count)]
                    try await execute(
                        StoreSQL.insertPlanned(count: chunk.count),
                        StoreSQL.plannedValues(runID: run.id, chunk)
                    )
                }
                return true
            }
        }
    }

    public func markEnqueued(runID: String, at date: Date) async throws {
        try await exclusive("marking run \(runID) enqueued") {
            try await execute(
                StoreSQL.markEnqueued,
                [.string(runID), .date(date)]
            )
        }
    }

    public func latestSlot(schedule: String) async throws -> Date? {
        try await exclusive("reading the latest slot of schedule \(schedule)") {
            try await query("SELECT MAX(slot) AS slot FROM runs WHERE schedule = ?1", [.string(schedule)])
                .first.flatMap { try Columns($0, table: "runs").optionalDate("slot") }
        }
    }

    public func runningRuns() async throws -> [RunRecord] {
        try await exclusive("reading running runs") {
            try await query(StoreSQL.runningRuns)
                .map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func plannedScenarios(runID: String) async throws -> [PlannedScenario] {
        try await exclusive("reading planned scenarios of run \(runID)") {
            try await query(StoreSQL.plannedScenarios, [.string(runID)])
                .map { try PlannedScenario(Columns($0, table: "run_scenarios")) }
        }
    }

    public func summary(since date: Date) async throws -> StoreSummary {
        try await exclusive("summarizing runs since \(Timestamp.text(date))") {
            let runs = try await query(StoreSQL.summaryRuns, [.date(date)])
            let results = try await query(StoreSQL.summaryResults, [.date(date)])
            return try StoreSummary(
                runs: runs.first.map { Columns($0, table: "runs") },
                results: results.first.map { Columns($0, table: "scenario_results") }
            )
        }
    }

    public func run(id: String) async throws -> RunRecord? {
        try await exclusive("reading run \(id)") {
            try await query("SELECT * FROM runs WHERE id = ?1", [.string(id)])
                .first.map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func recentRuns(limit: Int) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        return try await exclusive("reading recent runs") {
            try await query("SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?1", [.int(limit)])
                .map { try RunRecord(Columns($0, table: "runs")) }
        }
    }

    public func deleteRuns(startedBefore date: Date) async throws -> Int {
        try await exclusive("deleting runs started before \(Timestamp.text(date))") {
            // Results and steps go with their run (ON DELETE CASCADE; foreign keys are on).
            let deleted = try await transaction {
                try await query("DELETE FROM runs WHERE started_at < ?1 RETURNING id", [.date(date)]).count
            }
            if deleted > 0 {
                logger.info(
                    "deleted old runs",
                    metadata: [
                        "path": .string(path), "count": .stringConvertible(deleted),
                        "before": .string(Timestamp.text(date)),
                    ]
                )
            }
            return deleted
        }
    }

    public func setting(named name: String) async throws -> String? {
        try await exclusive("reading setting \(name)") {
            try await query(StoreSQL.readSetting, [.string(name)])
                .first.map { try Columns($0, table: "settings").string("value") }
        }
    }

    public func setSetting(named name: String, to value: String, at date: Date) async throws {
        try await exclusive("writing setting \(name)") {
            try await execute(StoreSQL.writeSetting, [.string(name), .string(value), .date(date)])
        }
    }
}
