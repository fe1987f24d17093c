import DemoTarget
import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI
@testable import RondaCoordinator

extension Distributed {
    @Suite struct CoordinatorTests {
        @Test func twoCoordinatorsTickingTheSameSchedule500TimesCreateExactlyOneRunPerSlot() async throws {
            let url = try await TestPostgres.freshDatabase()
            let directory = try Checkout.temporaryDirectory("ronda-coordinators")
            let redis = try await TestRedis.started(directory: directory, persistent: true)
            try await withTeardown {
                let schedule = try Schedule(
                    config: RondaConfig.ScheduleConfig(name: "every-second", every: .seconds(1))
                )
                let source = "scenario: Ping\nmodule: net\nsteps:\n  - name: Ping\n    get: /ping\n"
                let suite = [
                    ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "ping.yml"), source: source)
                ]
                // Two coordinators: each with its own connection pool and Redis connections, as two processes would have.
                var schedulers: [Scheduler] = []
                var stores: [any ResultStore] = []
                for index in 0..<2 {
                    let store = try await StoreLocation.open(url: url, logger: Logger(label: "test.store"))
                    try await store.migrate()
                    let configuration = try RedisConfiguration(url: redis.url)
                    let coordinator = RunCoordinator(
                        store: store,
                        queue: RedisJobQueue(configuration: configuration),
                        control: RedisControlPlane(configuration: configuration),
                        logger: Logger(label: "coordinator-\(index)")
                    )
                    schedulers.append(Scheduler(coordinator: coordinator, schedules: [schedule], suite: { suite }))
                    stores.append(store)
                }
                let start = 1_800_000_000.0
                let created = try await withThrowingTaskGroup(of: Int.self) { group in
                    for scheduler in schedulers {
                        group.addTask {
                            var count = 0
                            for tick in 0..<500 {
                                count += try await scheduler.tick(
                                    now: Date(timeIntervalSince1970: start + Double(tick) + 0.5)
                                ).created.count
                            }
                            return count
                        }
                    }
                    return try await group.reduce(0, +)
                }
                let runs = try await stores[0].recentRuns(limit: 10_000)
                #expect(runs.count == 500)
                #expect(created == 500)
                #expect(Set(runs.compactMap(\.slot)).count == 500)
                // Only creators enqueued: one job per run.
                let queue = RedisJobQueue(configuration: try RedisConfiguration(url: redis.url))
                #expect(try await queue.stats().pending == 500)
                queue.close()
                for store in stores { try await store.close() }
            } teardown: {
                await redis.kill9()
            }
        }

        @Test func theBundledSuiteGivesTheSameVerdictsDistributedAsEmbedded() async throws {
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                // A fault, so the verdicts are not all "pass".
                topology.demo.faults.set(["order-total-off-by-one"])
                for index in 1...2 { try topology.startWorker("w\(index)", concurrency: 4) }
                let environment = topology.environment
                let distributedJSON = topology.directory + "/distributed.json"
                let embeddedJSON = topology.directory + "/embedded.json"
                let common = ["--config", Checkout.root + "/ronda.yml", "--base-url", topology.demo.baseURL]
                let distributed = try ChildProcess(
                    Checkout.ronda,
                    ["run", "--distributed", "--json", distributedJSON] + common,
                    environment: environment,
                    logPath: topology.directory + "/run-distributed.log"
                )
                _ = await distributed.wait(timeout: .seconds(240))
                let embedded = try ChildProcess(
                    Checkout.ronda,
                    ["run", "--json", embeddedJSON, "--database", topology.directory + "/embedded.sqlite"] + common,
                    environment: environment,
                    logPath: topology.directory + "/run-embedded.log"
                )
                _ = await embedded.wait(timeout: .seconds(240))
                #expect(distributed.exitCode == 1, "\(distributed.log)")
                #expect(embedded.exitCode == 1, "\(embedded.log)")
                let distributedVerdicts = try verdicts(distributedJSON)
                let embeddedVerdicts = try verdicts(embeddedJSON)
                #expect(distributedVerdicts.count == 63)
                #expect(distributedVerdicts == embeddedVerdicts)
                #expect(distributedVerdicts.values.contains("fail"))
            } teardown: {
                await topology.shutDown()
            }
        }

        func verdicts(_ path: String) throws -> [String: String] {
            let object =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
            let results = object?["results"] as? [[String: Any]] ?? []
            var verdicts: [String: String] = [:]
            for result in results {
                if let name = result["scenario"] as? String, let status = result["status"] as? String {
                    verdicts[name] = status
                }
            }
            return verdicts
        }
    }
}
