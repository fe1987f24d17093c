import Foundation
import Logging
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import RondaCoordinator

struct SchedulerTests {
    func snapshots(_ names: [String], module: String = "net") throws -> [ScenarioSnapshot] {
        try names.map { name in
            let source = "scenario: \(name)\nmodule: \(module)\npriority: P0\nsteps:\n  - name: Ping\n    get: /ping\n"
            return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
        }
    }

    func everyMinute(_ selection: Selection = Selection()) throws -> Schedule {
        try Schedule(
            config: RondaConfig.ScheduleConfig(
                name: "minutely",
                cron: "* * * * *",
                selection: selection,
                deadline: .seconds(120)
            )
        )
    }

    @Test func aTickCreatesOneRunPerDueSlotAndOnlyItsCreatorEnqueues() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let control = InProcessControlPlane()
        let suite = try snapshots(["A", "B", "C"])
        let scheduler = Scheduler(
            coordinator: RunCoordinator(store: store, queue: queue, control: control),
            schedules: [try everyMinute()],
            variables: ["base_url": "http://127.0.0.1:9"],
            suite: { suite }
        )
        let now = Date(timeIntervalSince1970: 1_800_000_030)
        let first = try await scheduler.tick(now: now)
        let run = try #require(first.created.first)
        #expect(first.created.count == 1)
        #expect(run.slot == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(run.deadline == now.addingTimeInterval(120))
        #expect(await queue.stats().pending == 3)
        #expect(control.isRunEnqueued(run.id))
        let stored = try #require(try await store.run(id: run.id))
        #expect(stored.enqueuedAt != nil)
        #expect(stored.variables == ["base_url": "http://127.0.0.1:9"])
        #expect(try await store.plannedScenarios(runID: run.id).map(\.scenario) == ["A", "B", "C"])
        // The same slot again: nothing new.
        #expect(try await scheduler.tick(now: now.addingTimeInterval(10)).created.isEmpty)
        #expect(await queue.stats().pending == 3)
        // Three minutes later: the two slots in between collapse into the latest.
        let later = try await scheduler.tick(now: now.addingTimeInterval(180))
        #expect(later.created.map(\.slot) == [Date(timeIntervalSince1970: 1_800_000_180)])
        #expect(later.missed["minutely"]?.count == 2)
        try await store.close()
    }

    @Test func concurrentTickersCreateExactlyOneRunPerSlot() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let suite = try snapshots(["A"])
        let schedule = try Schedule(config: RondaConfig.ScheduleConfig(name: "every", every: .seconds(1)))
        let makeScheduler = {
            Scheduler(coordinator: RunCoordinator(store: store, queue: queue), schedules: [schedule], suite: { suite })
        }
        let start = 1_800_000_000.0
        let created = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                let scheduler = makeScheduler()
                group.addTask {
                    var count = 0
                    for tick in 0..<100 {
                        count +=
                            (try? await scheduler.tick(now: Date(timeIntervalSince1970: start + Double(tick) + 0.5))
                                .created.count) ?? 0
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        let runs = try await store.recentRuns(limit: 1_000)
        #expect(created == runs.count)
        #expect(Set(runs.compactMap(\.slot)).count == runs.count)
        #expect(runs.count == 100)
        #expect(await queue.stats().pending == 100)
        try await store.close()
    }

    @Test func aScheduleThatSelectsNothingCreatesNoRun() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let suite = try snapshots(["A"])
        let scheduler = Scheduler(
            coordinator: RunCoordinator(store: store, queue: InProcessQueue()),
            schedules: [try everyMinute(Selection(modules: ["other"]))],
            suite: { suite }
        )
        #expect(try await scheduler.tick(now: Date()).created.isEmpty)
        #expect(try await store.recentRuns(limit: 10).isEmpty)
        try await store.close()
    }

    @Test func theSweeperEnqueuesARunItsCreatorNeverEnqueued() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let control = InProcessControlPlane()
        let coordinator = RunCoordinator(store: store, queue: queue, control: control)
        let now = Date()
        // The creator inserted the run and crashed before enqueueing.
        let run = RunRecord(
            id: "orphan",
            trigger: .schedule,
            schedule: "s",
            slot: now,
            startedAt: now.addingTimeInterval(-60),
            deadline: now.addingTimeInterval(600)
        )
        let planned = try snapshots(["A", "B"]).map {
            PlannedScenario(scenario: $0.scenario.name, file: $0.scenario.file, source: $0.source)
        }
        #expect(try await store.createRun(run, planned: planned))
        let report = try await coordinator.sweep(now: now)
        #expect(report.enqueued == ["orphan"])
        #expect(report.jobs == 2)
        #expect(await queue.stats().pending == 2)
        #expect(try await store.run(id: "orphan")?.enqueuedAt != nil)
        // Marked now: the next sweep leaves it alone.
        #expect(try await coordinator.sweep(now: now).jobs == 0)
        try await store.close()
    }

    @Test func theSweeperLeavesAFreshRunToItsCreator() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue)
        let now = Date()
        let run = RunRecord(id: "fresh", trigger: .manual, startedAt: now, deadline: now.addingTimeInterval(600))
        #expect(try await store.createRun(run, planned: [PlannedScenario(scenario: "A", file: "a.yml", source: "x")]))
        #expect(try await coordinator.sweep(now: now.addingTimeInterval(5)).jobs == 0)
        #expect(await queue.stats().pending == 0)
        try await store.close()
    }

    @Test func theSweeperEnqueuesAgainOnlyTheMissingJobsWhenTheQueueLostItsData() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let queue = InProcessQueue()
        let coordinator = RunCoordinator(store: store, queue: queue, control: InProcessControlPlane())
        let run = try #require(
            try await coordinator.startRun(
                try snapshots(["A", "B", "C"]),
                trigger: .manual,
                deadline: Date().addingTimeInterval(600)
            )
        )
        _ = try await store.recordResult(
            ScenarioResult(
                runID: run.id,
                scenario: "A",
                module: "net",
                priority: .p0,
                status: .pass,
                attempt: 1,
                worker: "w"
            )
        )
        // Redis restarted empty: the marks are gone (a new, empty control plane).
        let afterLoss = RunCoordinator(store: store, queue: queue, control: InProcessControlPlane())
        let report = try await afterLoss.sweep()
        #expect(report.requeued == [run.id])
        #expect(report.jobs == 2)
        #expect(await queue.stats().pending == 5)
        try await store.close()
    }

    @Test func theSweeperFinalizesRunsWithEveryResultAndRunsPastTheirDeadline() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let coordinator = RunCoordinator(store: store, queue: InProcessQueue(), control: InProcessControlPlane())
        let complete = try #require(
            try await coordinator.startRun(
                try snapshots(["A"]),
                trigger: .manual,
                deadline: Date().addingTimeInterval(600)
            )
        )
        _ = try await store.recordResult(
            ScenarioResult(
                runID: complete.id,
                scenario: "A",
                module: "net",
                priority: .p0,
                status: .pass,
                attempt: 1,
                worker: "w"
            )
        )
        let late = try #require(
            try await coordinator.startRun(
                try snapshots(["B"]),
                trigger: .manual,
                deadline: Date().addingTimeInterval(-1)
            )
        )
        let report = try await coordinator.sweep()
        #expect(Set(report.finalized.map(\.id)) == [complete.id, late.id])
        #expect(try await store.run(id: late.id)?.totals.errored == 1)
        #expect(try await store.results(runID: late.id).first?.errorKind == .lost)
        #expect(try await coordinator.sweep().finalized.isEmpty)
        try await store.close()
    }

    @Test func serveRunsPassesAndCleanupUntilGracefulShutdown() async throws {
        let store = try await SQLiteStore.open(path: temporaryDatabase())
        try await store.migrate()
        let old = RunRecord(
            id: "old",
            trigger: .manual,
            startedAt: Date().addingTimeInterval(-40 * 86_400),
            deadline: Date()
        )
        #expect(try await store.createRun(old))
        let scheduler = Scheduler(
            coordinator: RunCoordinator(store: store, queue: InProcessQueue()),
            schedules: [try everyMinute()],
            suite: { [] }
        )
        let passes = Atomic<Int>(0)
        // A clock that moves a minute per reading, so the every-minute cleanup comes due.
        let readings = Atomic<Int>(0)
        let base = Date()
        var service = CoordinatorService(
            scheduler: scheduler,
            interval: .milliseconds(20),
            retention: .seconds(30 * 86_400),
            cleanupTime: try CronExpression("* * * * *"),
            onPass: { _, _ in passes.add(1, ordering: .relaxed) }
        )
        service.now = { base.addingTimeInterval(61 * Double(readings.add(1, ordering: .relaxed).newValue)) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [service], logger: .init(label: "test"))
        )
        let running = Task { try await group.run() }
        #expect(await eventually { passes.load(ordering: .relaxed) >= 3 })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await store.run(id: "old") == nil)
        try await store.close()
    }
}
