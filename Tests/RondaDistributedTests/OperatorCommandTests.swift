import DemoTarget
import Foundation
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// The operator's commands against real servers: migrate, stats, pause/resume, cleanup, and the
/// coordinator's one-shot tick.
extension Distributed {
    @Suite struct OperatorCommandTests {
        func cluster(_ topology: Topology) -> [String] {
            redis(topology) + database(topology)
        }

        // pause/resume take both URLs (the switch is stored in PostgreSQL, then in Redis), migrate/cleanup only the database URL.
        func redis(_ topology: Topology) -> [String] { ["--redis-url", topology.redis.url] }
        func database(_ topology: Topology) -> [String] { ["--database-url", topology.databaseURL] }

        @Test func pauseStopsEveryWorkerFromStartingAndResumeLetsThemGo() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                #expect(await RondaCommand.main(arguments: ["pause"] + redis(topology) + database(topology)) == 0)
                #expect(try await topology.control.isPaused())
                for index in 1...2 { try topology.startWorker("p\(index)", concurrency: 4) }
                #expect(await eventually { (try? await topology.control.liveWorkers().count) == 2 })
                let enqueued = Date()
                let run = try await topology.startRun(try Topology.healthScenarios(20, prefix: "paused"))
                // Paused workers read the switch every 250 ms; after two heartbeats each saying so, nothing may have started.
                #expect(await topology.pausedHeartbeats(["p1", "p2"], since: enqueued))
                #expect(try await topology.store.scenariosWithResults(runID: run.id).isEmpty)
                #expect(try await topology.queue.stats() == QueueStats(pending: 20, inFlight: 0, deadLetters: 0))
                #expect(await RondaCommand.main(arguments: ["resume"] + redis(topology) + database(topology)) == 0)
                #expect(await topology.waitForResults(run).results == 20)
            } teardown: {
                await topology.shutDown()
            }
        }

        @Test func statsListsTheQueueTheLiveWorkersAndTheLastDay() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                try topology.startWorker("statsworker", concurrency: 3)
                let run = try await topology.startRun(try Topology.healthScenarios(10, prefix: "stats"))
                #expect(await topology.waitForResults(run).results == 10)
                #expect(await eventually { (try? await topology.control.liveWorkers().first?.processed) == 10 })
                let stats = try ChildProcess(
                    Checkout.ronda,
                    ["stats", "--json"] + cluster(topology),
                    environment: ["PATH": "/usr/bin:/bin"],
                    logPath: topology.directory + "/stats.json"
                )
                _ = await stats.wait(timeout: .seconds(30))
                #expect(stats.exitCode == 0)
                let object = try JSONSerialization.jsonObject(with: Data(stats.log.utf8)) as? [String: Any]
                #expect(object?["pending"] as? Int == 0)
                #expect(object?["dead_letters"] as? Int == 0)
                #expect(object?["runs24h"] as? Int == 1)
                #expect(object?["success_rate24h"] as? Double == 1)
                let workers = object?["workers"] as? [[String: Any]] ?? []
                #expect(workers.map { $0["name"] as? String } == ["statsworker"])
                #expect(workers.first?["concurrency"] as? Int == 3)
                #expect(!stats.log.contains(TestPostgres.password))
            } teardown: {
                await topology.shutDown()
            }
        }

        @Test func migrateCleanupAndAOneShotTickWorkOnPostgres() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                #expect(await RondaCommand.main(arguments: ["migrate"] + database(topology)) == 0)
                let old = RunRecord(
                    id: "old-run",
                    trigger: .manual,
                    startedAt: Date().addingTimeInterval(-40 * 86_400),
                    deadline: Date()
                )
                #expect(try await topology.store.createRun(old))
                #expect(
                    await RondaCommand.main(arguments: ["cleanup", "--older-than", "30d"] + database(topology)) == 0
                )
                #expect(try await topology.store.run(id: "old-run") == nil)
                #expect(
                    await RondaCommand.main(arguments: ["cleanup", "--older-than", "soon"] + database(topology)) == 2
                )

                // A configuration with one schedule over the bundled suite's products module.
                let config = try topology.writeConfig(
                    "ronda.yml",
                    adding: "schedules:\n  products:\n    every: 1m\n    modules: [products]"
                )
                let arguments =
                    ["coordinator", "schedule", "--config", config, "--base-url", topology.demo.baseURL]
                    + cluster(topology)
                #expect(await RondaCommand.main(arguments: arguments) == 0)
                let runs = try await topology.store.recentRuns(limit: 10)
                #expect(runs.map(\.schedule) == ["products"])
                #expect(try await topology.queue.stats().pending == runs.first?.totals.scenarios)
                // The same slot again: nothing new (unless the minute turned in between, which makes one more run).
                #expect(await RondaCommand.main(arguments: arguments) == 0)
                let again = try await topology.store.recentRuns(limit: 10)
                #expect(Set(again.compactMap(\.slot)).count == again.count)
            } teardown: {
                await topology.shutDown()
            }
        }

        /// `coordinator serve` runs the store's pools inside its ServiceGroup: it migrates and ticks
        /// there (the schedule's run appears), and SIGTERM stops the coordinator, then the store.
        @Test func coordinatorServeRunsTheStoreInItsServiceGroupAndStopsOnSIGTERM() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            do {
                let config = try topology.writeConfig(
                    "ronda-serve.yml",
                    adding: "schedules:\n  products:\n    every: 1m\n    modules: [products]"
                )
                let serve = try ChildProcess(
                    Checkout.ronda,
                    [
                        "coordinator", "serve", "--interval", "200ms", "--config", config, "--base-url",
                        topology.demo.baseURL, "--log-level", "info",
                    ],
                    environment: topology.environment,
                    logPath: topology.directory + "/serve.log"
                )
                let ticked = try await eventually(30) {
                    try await topology.store.recentRuns(limit: 10).contains { $0.schedule == "products" }
                }
                #expect(ticked, "serve log:\n\(serve.log)")
                serve.signal(SIGTERM)
                #expect(await serve.wait(timeout: .seconds(30)) != nil)
                #expect(serve.exitCode == 0, "serve log:\n\(serve.log)")
            } catch {
                await topology.shutDown()
                throw error
            }
            await topology.shutDown()
        }
    }
}
