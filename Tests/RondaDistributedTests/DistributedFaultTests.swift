import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Synchronization
import Testing

@testable import RondaCLI
@testable import RondaCoordinator

extension Topology {
    /// A manual run of `scenarios` against `target`.
    func startRun(
        _ scenarios: [ScenarioSnapshot],
        on target: DistCountingTarget,
        deadline: Double = 600
    ) async throws -> RunRecord {
        guard
            let run = try await coordinator.startRun(
                scenarios,
                trigger: .manual,
                deadline: Date().addingTimeInterval(deadline),
                variables: [Job.baseURLVariable: target.baseURL]
            )
        else { throw ChildProcess.Failure(description: "the run was not created") }
        return run
    }

    /// `ronda stats --json` against this topology, parsed.
    func statsJSON() async throws -> [String: Any] {
        let stats = try ChildProcess(
            Checkout.ronda,
            ["stats", "--json", "--redis-url", redis.url, "--database-url", databaseURL],
            environment: ["PATH": "/usr/bin:/bin"],
            logPath: directory + "/stats-\(UUID().uuidString).json"
        )
        _ = await stats.wait(timeout: .seconds(30))
        return try JSONSerialization.jsonObject(with: Data(stats.log.utf8)) as? [String: Any] ?? [:]
    }
}

/// The five faults of issue 15, each on a real redis-server, PostgreSQL and `ronda worker`
/// processes, with a target that counts how often each scenario reached it.
extension Distributed {
    @Suite struct DistributedFaultTests {
        /// 1. A dead worker's job behind 20 long-running, renewed ones is reclaimed after its lease,
        /// not after they finish.
        @Test func aDeadWorkersJobBehindTwentyLiveLongRunningJobsIsReclaimed() async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                // Four workers with five slots each hold the 20 live jobs, renewing their leases.
                for index in 1...4 { try topology.startWorker("live\(index)", concurrency: 5) }
                let live = try await topology.startRun(
                    try DistCountingTarget.scenarios(20, prefix: "live", path: "/hold"),
                    on: target
                )
                #expect(await eventually(60) { target.current == 20 })
                // A fifth worker leases a job queued after them, and is killed while it runs it.
                let doomed = try topology.startWorker("doomed", concurrency: 1)
                let orphan = try await topology.startRun(
                    try DistCountingTarget.scenarios(1, prefix: "orphan", path: "/hold"),
                    on: target
                )
                #expect(await eventually(60) { target.count("orphan-000") == 1 })
                await doomed.kill9()
                try topology.startWorker("rescuer", concurrency: 1)
                // The rescuer reclaims it once its lease (2 s) passed, while the 20 are still held.
                #expect(
                    await eventually(30) { target.count("orphan-000") == 2 },
                    "the dead worker's job was not reclaimed behind 20 live ones"
                )
                // 20 live, the rescued one, and the killed worker's request the target still holds.
                #expect(target.current == 22)
                target.release()
                // One sweep loop finalizes both runs.
                #expect(await topology.waitForResults(live).results == 20)
                #expect(try await topology.store.run(id: orphan.id)?.status == .completed)
                let results =
                    try await topology.store.results(runID: live.id) + topology.store.results(runID: orphan.id)
                #expect(results.allSatisfy { $0.status == .pass })
                // Executions: the live jobs once each; only the killed worker's job twice.
                #expect(target.repeats == ["orphan-000": 1])
                #expect(target.counts.count == 21)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        /// 2. `ronda pause`, then Redis restarted without its data: workers stay paused, and the
        /// coordinator's sweep writes the switch back from PostgreSQL.
        @Test func thePauseSurvivesRedisLosingItsData() async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                let cluster = ["--redis-url", topology.redis.url, "--database-url", topology.databaseURL]
                #expect(await RondaCommand.main(arguments: ["pause"] + cluster) == 0)
                // The coordinator restores a lost switch from the database.
                try topology.redis.restart(keepData: false)
                #expect(try await topology.control.isPaused() == false)
                _ = try await topology.coordinator.sweep()
                #expect(try await topology.control.isPaused(), "the sweep did not restore the pause switch")
                // A running worker whose Redis loses its data stays paused.
                let worker = try topology.startWorker("paused", concurrency: 2)
                #expect(await eventually { (try? await topology.control.liveWorkers().count) == 1 })
                try topology.redis.restart(keepData: false)
                let enqueued = Date()
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(10, prefix: "paused", path: "/hit"),
                    on: target
                )
                #expect(await eventually(30) { worker.log.contains("the switch was gone from Redis") }, "\(worker.log)")
                // It reads the switch every 250 ms; after two heartbeats saying it is paused, nothing may have started.
                #expect(await topology.pausedHeartbeats(["paused"], since: enqueued))
                #expect(target.counts.isEmpty, "workers resumed after Redis lost the pause switch")
                #expect(try await topology.control.isPaused())
                #expect(await RondaCommand.main(arguments: ["resume"] + cluster) == 0)
                #expect(await topology.waitForResults(run).results == 10)
                #expect(target.repeats.isEmpty)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        /// 3. Redis away for a few seconds while jobs finish: their acknowledgements wait for it, and
        /// nothing runs twice.
        @Test func aRedisOutageWithoutKillsReExecutesNothing() async throws {
            let target = try await DistCountingTarget.start(slowSeconds: 1)
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                try await Self.redisOutage(topology, target)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        static func redisOutage(_ topology: Topology, _ target: DistCountingTarget) async throws {
            // Leases longer than the outage: a lease may not run out while Redis is away.
            for index in 1...2 { try topology.startWorker("w\(index)", concurrency: 4, leaseTime: "40s") }
            let run = try await topology.startRun(
                try DistCountingTarget.scenarios(32, prefix: "outage", path: "/slow"),
                on: target
            )
            #expect(await eventually(60) { target.current >= 6 })
            // Redis away (kill -9; the append-only file keeps every write) longer than the connection's
            // own reconnect retries (about 5 s), shorter than the lease: until a worker has given up
            // reconnecting, kept an acknowledgement and retried it at least once.
            await topology.redis.kill9()
            let kept = await eventually(60) {
                topology.count("keeping the acknowledgement", inLogsOf: ["w1", "w2"]) >= 2
            }
            #expect(kept, "no worker kept an acknowledgement through the outage")
            try topology.redis.start(persistent: true)
            #expect(await topology.waitForResults(run).results == 32)
            // Every job acknowledged: nothing left to reclaim and run again.
            #expect(
                await eventually(60) {
                    (try? await topology.queue.stats()) == QueueStats(pending: 0, inFlight: 0, deadLetters: 0)
                }
            )
            let results = try await topology.store.results(runID: run.id)
            #expect(results.count == 32 && results.allSatisfy { $0.status == .pass })
            #expect(target.counts.count == 32)
            #expect(target.repeats.isEmpty, "re-executed after an outage alone: \(target.repeats)")
            #expect(topology.count("keeping the acknowledgement", inLogsOf: ["w1", "w2"]) > 0)
        }

        /// 4. `--concurrency 16` runs 16 requests at once (on any number of cores), and `stats`
        /// counts running scenarios and what each running run still owes.
        @Test func aWorkerRunsAsManyScenariosAtOnceAsItsConcurrency() async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                try topology.startWorker("wide", concurrency: 16)
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(20, prefix: "wide", path: "/hold"),
                    on: target
                )
                #expect(
                    await eventually(60) { target.current == 16 },
                    "\(target.current) requests at once with --concurrency 16"
                )
                // The heartbeat shows 16 running; stats sums them and shows the run owing all 20.
                #expect(await eventually { (try? await topology.control.liveWorkers().first?.inFlight) == 16 })
                let stats = try await topology.statsJSON()
                #expect(stats["running_scenarios"] as? Int == 16)
                let runs = stats["running_runs"] as? [[String: Any]] ?? []
                #expect(runs.map { $0["id"] as? String } == [run.id])
                #expect(runs.first?["owed"] as? Int == 20)
                #expect(runs.first?["scenarios"] as? Int == 20)
                target.release()
                #expect(await topology.waitForResults(run).results == 20)
                #expect(target.peak == 16)
                #expect(target.repeats.isEmpty)
                let after = try await topology.statsJSON()
                #expect((after["running_runs"] as? [[String: Any]])?.isEmpty == true)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        /// 5a. A job dead-lettered after its deliveries is recorded at once as an error saying so;
        /// the run finalizes without waiting for its deadline.
        @Test func aDeadLetteredJobIsRecordedAtOnceAndItsRunFinalizes() async throws {
            let target = try await DistCountingTarget.start()
            let topology = try await Topology(databaseURL: try await TestPostgres.freshDatabase())
            try await withTeardown {
                let run = try await topology.startRun(
                    try DistCountingTarget.scenarios(1, prefix: "poison", path: "/hit"),
                    on: target,
                    deadline: 3_600
                )
                // Two consumers lease it and vanish; with at most one delivery allowed, the second
                // reclaim dead-letters it.
                let crashing = RedisJobQueue(
                    configuration: try RedisConfiguration(url: topology.redis.url),
                    options: .init(leaseTime: .milliseconds(500), maxDeliveries: 1, pollInterval: .milliseconds(50))
                )
                defer { crashing.close() }
                #expect(try await crashing.lease(consumer: "crash-1", wait: .seconds(5)) != nil)
                #expect(
                    try await eventually(20) {
                        _ = try await crashing.lease(consumer: "crash-2", wait: .milliseconds(100))
                        return try await crashing.stats().deadLetters == 1
                    }
                )
                let wait = await topology.waitForResults(run, timeout: 30)
                #expect(wait.results == 1)
                #expect(wait.finalizations == 1)
                let result = try #require(try await topology.store.results(runID: run.id).first)
                #expect(result.status == .error)
                #expect(result.errorKind?.rawValue == "dead_lettered")
                #expect(
                    result.errorMessage?.contains("dead-lettered after 2 deliveries") == true,
                    "\(result.errorMessage ?? "")"
                )
                #expect(result.errorMessage?.contains("last error:") == true)
                #expect(result.errorMessage?.contains("lost (a worker crashed") == false)
                #expect(try await topology.store.run(id: run.id)?.status == .completed)
            } teardown: {
                await topology.shutDown()
                await target.stop()
            }
        }

        /// 5b. After repeated failed passes (PostgreSQL stopped), the coordinator passes again
        /// within seconds of the server answering, not after its longest backoff.
        @Test func theCoordinatorPassesSoonAfterAnOutageEnds() async throws {
            let postgres = try TestPostgres()
            let url = try await postgres.makeDatabase()
            let directory = try Checkout.temporaryDirectory("ronda-backoff")
            let redis = try await TestRedis.started(directory: directory, persistent: true)
            let store = try await StoreLocation.open(url: url, logger: Logger(label: "test.store"))
            try await withTeardown {
                try await store.migrate()
                let capture = LogCapture()
                let configuration = try RedisConfiguration(url: redis.url)
                let coordinator = RunCoordinator(
                    store: store,
                    queue: RedisJobQueue(configuration: configuration),
                    control: RedisControlPlane(configuration: configuration),
                    logger: capture.logger(level: .info)
                )
                let source = "scenario: Ping\nmodule: net\nsteps:\n  - name: Ping\n    get: /ping\n"
                let suite = [
                    ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "ping.yml"), source: source)
                ]
                let schedule = try Schedule(config: RondaConfig.ScheduleConfig(name: "hourly", every: .seconds(3_600)))
                let passes = Mutex(0)
                let service = CoordinatorService(
                    scheduler: Scheduler(coordinator: coordinator, schedules: [schedule], suite: { suite }),
                    interval: .seconds(1),
                    cleanupTime: try CronExpression("0 3 * * *"),
                    onPass: { _, _ in passes.withLock { $0 += 1 } }
                )
                let running = Task { try await service.run() }
                defer { running.cancel() }
                #expect(await eventually(30) { passes.withLock { $0 } >= 1 })
                try await postgres.stop()
                // Four failures in a row: the backoff has grown to 16 intervals.
                #expect(
                    await eventually(90) {
                        capture.lines.filter { $0.message.description.hasPrefix("coordinator pass failed") }.count >= 4
                    }
                )
                try await postgres.start()
                let before = passes.withLock { $0 }
                #expect(
                    await eventually(8) { passes.withLock { $0 } > before },
                    "no pass within 8 s of PostgreSQL answering again"
                )
            } teardown: {
                await redis.kill9()
                try? await store.close()
                try? await postgres.stop()
            }
        }
    }
}
