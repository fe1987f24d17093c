import Foundation
import RondaQueue
import Testing

@testable import RondaCLI

/// `ronda stats` as text: what each worker's heartbeat said, paused ones marked.
struct StatsTextTests {
    func output(workers: [WorkerInfo], paused: Bool) -> StatsCommand.Output {
        StatsCommand.Output(
            pending: 3,
            inFlight: 1,
            deadLetters: 0,
            paused: paused,
            workers: workers,
            runs24h: 2,
            running: 1,
            results24h: 10,
            successRate24h: 0.9,
            runningScenarios: 1,
            runningRuns: []
        )
    }

    @Test func aWorkerThatSaysItIsPausedIsMarkedAndTheOthersAreNot() {
        let workers = [
            WorkerInfo(name: "held", host: "h1", pid: 1, concurrency: 4, paused: true),
            WorkerInfo(name: "busy", host: "h2", pid: 2, concurrency: 4, inFlight: 1, paused: false),
            WorkerInfo(name: "older", host: "h3", pid: 3, concurrency: 4),
        ]
        let lines = StatsCommand.text(output(workers: workers, paused: true)).split(separator: "\n")
        #expect(lines.first?.contains("PAUSED (ronda resume)") == true)
        #expect(lines.first { $0.contains("held") }?.hasSuffix("  paused") == true)
        #expect(lines.first { $0.contains("busy") }?.contains("paused") == false)
        #expect(lines.first { $0.contains("older") }?.contains("paused") == false, "no field: nothing claimed")
    }

    @Test func theHeartbeatsPausedFieldIsOptionalOnTheWire() throws {
        let encoded = try JSONEncoder().encode(WorkerInfo(name: "w", concurrency: 1, paused: true))
        #expect(try JSONDecoder().decode(WorkerInfo.self, from: encoded).paused == true)
        // A heartbeat written by a worker from before the field still decodes.
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object.removeValue(forKey: "paused")
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try JSONDecoder().decode(WorkerInfo.self, from: old).paused == nil)
    }
}
