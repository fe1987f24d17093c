import Foundation
import PostgresNIO
import Synchronization

/// Group commit for results without steps (a worker's usual write): while one INSERT is in
/// flight, the results other slots submit wait and then go together in the next one — one
/// multi-row `INSERT … ON CONFLICT (run_id, scenario) DO NOTHING RETURNING id`, one round trip
/// and one commit for the lot. Under no concurrency a batch is one result, as before.
///
/// Each caller still learns whether its own result was inserted (`RETURNING id` lists the ids
/// that went in). A batch that fails on the foreign key (one of its runs was deleted) is written
/// again one result at a time, so only the result of the deleted run fails.
final class ResultBatcher: Sendable {
    struct Entry: Sendable {
        var resultID: String
        var binds: [StoreValue]
        var unknownRun: StoreError
    }

    private struct Waiting {
        var entry: Entry
        var continuation: CheckedContinuation<Bool, any Error>
    }

    /// 19 parameters a row: 500 rows stay far below PostgreSQL's 65,535.
    static let maximumBatch = 500

    private let state = Mutex<(waiting: [Waiting], flushing: Bool)>(([], false))

    /// Writes `entry` with whatever else is waiting; `true` when it was inserted.
    func submit(_ entry: Entry, write: @escaping @Sendable ([Entry]) async throws -> Set<String>) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.waiting.append(Waiting(entry: entry, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if lead { Task { await self.drain(write) } }
        }
    }

    private func drain(_ write: @Sendable ([Entry]) async throws -> Set<String>) async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(Self.maximumBatch))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let inserted = try await write(batch.map(\.entry))
                for waiting in batch {
                    waiting.continuation.resume(returning: inserted.contains(waiting.entry.resultID))
                }
            } catch let error as StoreError where error.code == .unknownRun && batch.count > 1 {
                // Someone's run is gone: write them one by one so only that result fails.
                for waiting in batch {
                    do {
                        let inserted = try await write([waiting.entry])
                        waiting.continuation.resume(returning: inserted.contains(waiting.entry.resultID))
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

extension StoreSQL {
    /// `count` results in one INSERT (19 parameters a row), returning the ids that went in.
    static func insertResults(count: Int) -> String {
        let rows = (0..<count).map { row in
            "(" + (1...19).map { "?\(row * 19 + $0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO scenario_results (id, run_id, scenario, module, priority, tags, status, attempt, worker,
                steps_executed, steps_passed, failing_step, error_kind, error_message, trace,
                started_at, completed_at, duration, response_time)
            VALUES
            """ + rows.joined(separator: ",\n") + "\nON CONFLICT (run_id, scenario) DO NOTHING\nRETURNING id"
    }
}
