import Foundation
import RondaCore

/// Per-step figures of one scenario over its results in the last runs (bounded by `runs`, so the
/// rows read do not grow with the retention).
enum StepSQL {
    /// A step of the scenario, whatever its case label.
    struct Key: Hashable {
        var phase: String
        var index: Int
        var name: String
    }

    static func figures(_ s: some StoreStatements, scenario: String, runs: Int) async throws -> [StepFigure] {
        let rows = try await s.rows(
            """
            SELECT s.phase AS phase, s.idx AS idx, s.name AS name, s.outcome AS outcome, s.total AS total
            FROM scenario_results r JOIN step_results s ON s.scenario_result_id = r.id
            WHERE r.scenario = ?1 AND r.run_id IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?2)
            ORDER BY s.seq
            """,
            [.string(scenario), .int(max(1, runs))],
            table: "step_results"
        )
        var order: [Key] = []
        var totals: [Key: [Double]] = [:]
        var counts: [Key: (runs: Int, failures: Int)] = [:]
        for row in rows {
            let key = Key(phase: try row.string("phase"), index: try row.int("idx"), name: try row.string("name"))
            if counts[key] == nil {
                order.append(key)
                counts[key] = (0, 0)
            }
            let outcome = try row.string("outcome")
            guard outcome != StepOutcome.skipped.rawValue else { continue }
            counts[key, default: (0, 0)].runs += 1
            if outcome != StepOutcome.passed.rawValue { counts[key, default: (0, 0)].failures += 1 }
            if let total = try row.optionalDouble("total") { totals[key, default: []].append(total) }
        }
        let phaseOrder = ["login": 0, "main": 1, "teardown": 2]
        return order.sorted { ((phaseOrder[$0.phase] ?? 9), $0.index) < ((phaseOrder[$1.phase] ?? 9), $1.index) }
            .map { key in
                let sorted = (totals[key] ?? []).sorted()
                return StepFigure(
                    phase: key.phase,
                    index: key.index,
                    name: key.name,
                    runs: counts[key]?.runs ?? 0,
                    failures: counts[key]?.failures ?? 0,
                    p50: StepFigure.quantile(0.5, of: sorted),
                    p95: StepFigure.quantile(0.95, of: sorted)
                )
            }
    }
}
