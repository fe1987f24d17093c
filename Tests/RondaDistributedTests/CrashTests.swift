import Foundation
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCoordinator

/// Crashes and outages in the middle of runs: every scenario still ends with exactly one
/// result, and the run is finalized once.
extension Distributed {
    @Suite struct CrashTests {
        /// Every expected scenario has exactly one result and none was recorded as lost; the run
        /// finalizes once with every scenario passed.
        func expectCompleteAndFinalizedOnce(
            _ topology: Topology,
            _ run: RunRecord,
            _ wait: (results: Int, finalizations: Int)
        ) async throws {
            #expect(wait.results == run.totals.scenarios)
            #expect(wait.finalizations == 1)
            let results = try await topology.store.results(runID: run.id)
            #expect(results.count == run.totals.scenarios)
            #expect(Set(results.map(\.scenario)).count == results.count)
            #expect(results.filter { $0.errorKind == .lost }.isEmpty)
            #expect(results.filter { $0.status != .pass }.map { "\($0.scenario): \($0.errorMessage ?? "")" }.isEmpty)
            let finalized = try #require(try await topology.store.run(id: run.id))
            #expect(finalized.status == .completed)
            #expect(finalized.totals.passed == run.totals.scenarios)
            #expect(try await topology.coordinator.finalizeIfDue(runID: run.id, force: true) == nil)
        }

        @Test func killingWorkersRepeatedlyDuringA2000JobRunLosesAndDoublesNothing() async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                for index in 1...3 { try topology.startWorker("w\(index)", concurrency: 8) }
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(2_000, prefix: "kill", path: "/hit"),
                    on: target
                )
                var generation = 3
                var kills = 0
                // Every 250 ms, kill -9 one worker in the middle of its scenarios and start a replacement:
                // the drill's cadence (a schedule of instants, not a wait for background work).
                var next = ContinuousClock.now
                while try await topology.store.scenariosWithResults(runID: run.id).count < 2_000, kills < 30 {
                    next += .milliseconds(250)
                    try await Task.sleep(until: next, clock: .continuous)
                    let victim = "w\(generation - 2)"
                    await topology.worker(victim)?.kill9()
                    kills += 1
                    generation += 1
                    try topology.startWorker("w\(generation)", concurrency: 8)
                }
                #expect(kills >= 3, "the run ended before three workers were killed")
                let wait = await topology.waitForResults(run)
                try await expectCompleteAndFinalizedOnce(topology, run, wait)
                // Killed workers left jobs behind mid-scenario that others reclaimed and ran again.
                #expect(try await topology.store.results(runID: run.id).contains { $0.attempt > 1 })
                #expect(try await topology.queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
                // Executions: every scenario reached the target; only jobs a killed worker held (at most
                // its 8 slots, each kill) ran again.
                #expect(target.counts.count == 2_000)
                #expect(
                    target.repeats.values.reduce(0, +) <= kills * 8,
                    "\(target.repeats.count) scenarios re-executed after \(kills) kills"
                )
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        @Test(arguments: [true, false])
        func redisRestartedMidRunKeepingOrLosingItsData(keepData: Bool) async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                // Leases well above the restart, so only lost data (not an expired lease) can repeat a job.
                for index in 1...2 { try topology.startWorker("w\(index)", concurrency: 8, leaseTime: "10s") }
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(600, prefix: keepData ? "keep" : "lose", path: "/hit"),
                    on: target
                )
                // Mid-run: some results in, some jobs still queued.
                while try await topology.store.scenariosWithResults(runID: run.id).count < 100 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try topology.redis.restart(keepData: keepData)
                // The run's mark in Redis survived with the data, or went with it (then the sweeper re-enqueues).
                #expect(try await topology.control.isRunEnqueued(run.id) == keepData)
                let wait = await topology.waitForResults(run)
                try await expectCompleteAndFinalizedOnce(topology, run, wait)
                // The workers reconnected (they are still the same processes) and keep serving.
                #expect(topology.worker("w1")?.poll() == nil)
                #expect(topology.worker("w2")?.poll() == nil)
                // Executions: with the data kept nothing ran twice; with it lost, at most the jobs in
                // flight at that moment (two workers, eight slots each) ran again.
                #expect(target.counts.count == 600)
                if keepData {
                    #expect(target.repeats.isEmpty, "re-executed after a restart that kept the data: \(target.repeats)")
                } else {
                    #expect(target.repeats.values.reduce(0, +) <= 16, "\(target.repeats)")
                }
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        @Test func postgresStoppedMidRunLosesNothing() async throws {
            let target = try await DistCountingTarget.start()
            let postgres = try TestPostgres()
            let topology = try await Topology(databaseURL: try await postgres.makeDatabase())
            try await withTeardown {
                for index in 1...2 { try topology.startWorker("w\(index)", concurrency: 8) }
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(400, prefix: "pg", path: "/hit"),
                    on: target
                )
                while try await topology.store.scenariosWithResults(runID: run.id).count < 50 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await postgres.stop()
                // PostgreSQL away until some worker has tried to write one result three times (backing
                // off 1 s, then 2 s); meanwhile the workers keep their leases.
                let retried = await eventually(90) { topology.mostRetriesOfOneResult(inLogsOf: ["w1", "w2"]) >= 3 }
                #expect(retried, "no worker retried a write while PostgreSQL was away")
                try await postgres.start()
                let wait = await topology.waitForResults(run)
                try await expectCompleteAndFinalizedOnce(topology, run, wait)
                let log = topology.worker("w1")?.log ?? ""
                #expect(
                    log.contains("cannot record the result; retrying")
                        || topology.worker("w2")?.log.contains("cannot record the result; retrying") == true
                )
                // Executions: an outage alone re-runs nothing (leases were renewed while the writes waited).
                #expect(target.counts.count == 400)
                #expect(target.repeats.isEmpty, "re-executed after a PostgreSQL outage alone: \(target.repeats)")
            } teardown: {
                await topology.shutDown()
                try? await postgres.stop()
                await target.stop()
            }
        }
    }
}
