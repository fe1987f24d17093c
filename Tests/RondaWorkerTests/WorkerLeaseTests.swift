import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaQueue
import RondaStore
import RondaTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import RondaCoordinator
@testable import RondaWorker

/// An in-process queue whose renewals can be made to report the lease lost, and which counts them.
final class ObservedQueue: JobQueue {
    let inner = InProcessQueue()
    let renewals = Atomic<Int>(0)
    let loseLeases = Atomic<Bool>(false)
    let acknowledged = Mutex<[String]>([])
    let released = Mutex<[String]>([])

    func enqueue(_ jobs: [Job]) async throws { await inner.enqueue(jobs) }
    func lease(consumer: String, wait: Duration) async throws -> Lease? {
        await inner.lease(consumer: consumer, wait: wait)
    }
    func renew(_ lease: Lease) async throws -> Bool {
        renewals.add(1, ordering: .relaxed)
        if loseLeases.load(ordering: .relaxed) { return false }
        return await inner.renew(lease)
    }
    func acknowledge(_ lease: Lease) async throws {
        acknowledged.withLock { $0.append(lease.job.scenario) }
        await inner.acknowledge(lease)
    }
    func release(_ lease: Lease) async throws {
        released.withLock { $0.append(lease.job.scenario) }
        await inner.release(lease)
    }
    func stats() async throws -> QueueStats { await inner.stats() }
    let failures = Mutex<[String]>([])
    func noteFailure(_ lease: Lease, _ message: String) async throws { failures.withLock { $0.append(message) } }
}

/// A scenario whose one request waits `timeout` seconds on a server that never answers.
func slowScenario(_ name: String, server: SilentServer, timeout: Double = 1) throws -> Job {
    let source = """
        scenario: \(name)
        module: slow
        timeout: \(Int(timeout * 1000))ms
        steps:
          - name: Wait
            get: /
        """
    _ = try ScenarioLoader.parse(source, file: "\(name).yml")
    return Job(
        runID: "r1",
        scenario: name,
        source: source,
        file: "\(name).yml",
        variables: [Job.baseURLVariable: server.baseURL]
    )
}

func storeWithRun(_ id: String = "r1") async throws -> SQLiteStore {
    let store = try await SQLiteStore.open(path: temporaryDatabase())
    try await store.migrate()
    #expect(try await store.createRun(RunRecord(id: id, trigger: .manual, deadline: Date().addingTimeInterval(600))))
    return store
}

struct WorkerLeaseTests {
    let runner = ScenarioRunner(
        configuration: EngineConfiguration(
            baseURL: "http://127.0.0.1:1",
            requestTimeout: .seconds(5),
            connectTimeout: .seconds(2)
        )
    )

    @Test func aRunningJobsLeaseIsRenewedAndTheResultRecordedThenAcknowledged() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        try await queue.enqueue([try slowScenario("Slow", server: server)])
        await queue.inner.close()
        let worker = Worker(name: "w", queue: queue, store: store, runner: runner, renewInterval: .milliseconds(100))
        await worker.run(concurrency: 1)
        #expect(queue.renewals.load(ordering: .relaxed) >= 2)
        #expect(try await store.results(runID: "r1").map(\.scenario) == ["Slow"])
        #expect(queue.acknowledged.withLock { $0 } == ["Slow"])
        try await store.close()
    }

    @Test func aWorkerThatLostItsLeaseWritesNothingForTheJob() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        queue.loseLeases.store(true, ordering: .relaxed)
        try await queue.enqueue([try slowScenario("Taken", server: server)])
        await queue.inner.close()
        let worker = Worker(name: "w", queue: queue, store: store, runner: runner, renewInterval: .milliseconds(100))
        let lease = try #require(try await queue.lease(consumer: "w-0", wait: .zero))
        await worker.process(lease, consumer: "w-0")
        #expect(queue.renewals.load(ordering: .relaxed) >= 1)
        #expect(try await store.results(runID: "r1").isEmpty)
        #expect(queue.acknowledged.withLock { $0 }.isEmpty)
        // Another consumer owns the job now: this worker does not give it back either.
        #expect(queue.released.withLock { $0 }.isEmpty)
        try await store.close()
    }

    @Test func aJobCancelledAfterItsLeaseWasLostIsNotReleased() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        queue.loseLeases.store(true, ordering: .relaxed)
        try await queue.enqueue([try slowScenario("Gone", server: server, timeout: 30)])
        let worker = Worker(
            name: "w",
            queue: queue,
            store: store,
            runner: runner,
            renewInterval: .milliseconds(50),
            exitWhenIdle: false
        )
        let running = Task { await worker.run(concurrency: 1) }
        await server.waitForConnection()
        // The worker has seen the lease lost once it notes the failure.
        #expect(await eventually { queue.failures.withLock { $0 }.contains { $0.contains("the lease was lost") } })
        running.cancel()
        await running.value
        #expect(try await store.results(runID: "r1").isEmpty)
        #expect(queue.released.withLock { $0 }.isEmpty)
        #expect(queue.acknowledged.withLock { $0 }.isEmpty)
        #expect(!queue.failures.withLock { $0 }.contains { $0.contains("cancelled before it finished") })
        try await store.close()
    }

    @Test func stopFinishesTheJobInFlightAndLeasesNothingMore() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        try await queue.enqueue([try slowScenario("First", server: server)])
        let worker = Worker(
            name: "w",
            queue: queue,
            store: store,
            runner: runner,
            leaseWait: .milliseconds(50),
            exitWhenIdle: false
        )
        let running = Task { await worker.run(concurrency: 1) }
        await server.waitForConnection()
        // The first job is in flight; a second one waits in the queue.
        try await queue.enqueue([try slowScenario("Second", server: server)])
        worker.stop()
        await running.value
        #expect(try await store.results(runID: "r1").map(\.scenario) == ["First"])
        #expect(queue.acknowledged.withLock { $0 } == ["First"])
        #expect(try await queue.stats() == QueueStats(pending: 1, inFlight: 0, deadLetters: 0))
        try await store.close()
    }

    @Test func cancellingAJobMidRunReleasesItWithoutAResult() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        try await queue.enqueue([try slowScenario("Cut", server: server, timeout: 30)])
        let worker = Worker(name: "w", queue: queue, store: store, runner: runner, exitWhenIdle: false)
        let running = Task { await worker.run(concurrency: 1) }
        await server.waitForConnection()
        running.cancel()
        await running.value
        #expect(try await store.results(runID: "r1").isEmpty)
        #expect(queue.released.withLock { $0 } == ["Cut"])
        #expect(try await queue.stats().pending == 1)
        try await store.close()
    }

    @Test func whilePausedNoJobStartsAndResumingRunsThem() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        let control = CountingControl()
        control.inner.setPaused(true)
        try await queue.enqueue([try slowScenario("Held", server: server, timeout: 0.2)])
        let worker = Worker(
            name: "w",
            queue: queue,
            store: store,
            runner: runner,
            control: control,
            leaseWait: .milliseconds(50),
            exitWhenIdle: false
        )
        let running = Task { await worker.run(concurrency: 2) }
        // Several pause checks (one per 250 ms) pass without a lease.
        #expect(await eventually { control.checks.load(ordering: .relaxed) >= 3 })
        #expect(server.connectionCount == 0)
        #expect(try await queue.stats().pending == 1)
        control.inner.setPaused(false)
        #expect(try await eventually { try await store.results(runID: "r1").count == 1 })
        worker.stop()
        await running.value
        try await store.close()
    }

    @Test func theRateLimiterIsAskedBeforeEveryRequestWithTheTargetHost() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        try await queue.enqueue([try slowScenario("Limited", server: server, timeout: 0.2)])
        await queue.inner.close()
        let limiter = RecordingLimiter()
        await Worker(name: "w", queue: queue, store: store, runner: runner, rateLimiter: limiter).run(concurrency: 1)
        #expect(limiter.hosts.withLock { $0 } == ["127.0.0.1"])
        try await store.close()
    }

    @Test func aJobWhoseRunWasDeletedIsAcknowledgedWithoutAResult() async throws {
        let store = try await storeWithRun("kept")
        let queue = ObservedQueue()
        try await queue.enqueue([
            Job(runID: "deleted", scenario: "Orphan", source: "scenario: [broken", file: "orphan.yml")
        ])
        await queue.inner.close()
        await Worker(name: "w", queue: queue, store: store, runner: runner).run(concurrency: 1)
        #expect(queue.acknowledged.withLock { $0 } == ["Orphan"])
        #expect(try await store.results(runID: "deleted").isEmpty)
        #expect(try await queue.stats() == QueueStats(pending: 0, inFlight: 0, deadLetters: 0))
        try await store.close()
    }

    @Test func theServiceHeartbeatsWhileRunningAndDrainsOnGracefulShutdown() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let store = try await storeWithRun()
        let queue = ObservedQueue()
        let control = InProcessControlPlane()
        try await queue.enqueue([try slowScenario("Drained", server: server, timeout: 1)])
        let worker = Worker(
            name: "svc",
            queue: queue,
            store: store,
            runner: runner,
            control: control,
            leaseWait: .milliseconds(50),
            exitWhenIdle: false
        )
        let service = WorkerService(worker: worker, concurrency: 2, heartbeatInterval: .milliseconds(50))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [service], logger: .init(label: "test"))
        )
        let running = Task { try await group.run() }
        await server.waitForConnection()
        // The heartbeat names the worker and shows the job in flight.
        #expect(
            await eventually {
                control.liveWorkers().map { "\($0.name) \($0.inFlight)/\($0.concurrency)" } == ["svc 1/2"]
            }
        )
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await store.results(runID: "r1").map(\.scenario) == ["Drained"])
        #expect(control.liveWorkers().isEmpty)
        try await store.close()
    }
}

final class RecordingLimiter: RateLimiter {
    let hosts = Mutex<[String]>([])
    func acquire(host: String) async throws { hosts.withLock { $0.append(host) } }
}

/// The in-process control plane, counting how often the pause switch is read.
final class CountingControl: ControlPlane {
    let inner = InProcessControlPlane()
    let checks = Atomic<Int>(0)
    func heartbeat(_ worker: WorkerInfo, ttl: Duration) async throws { inner.heartbeat(worker, ttl: ttl) }
    func removeWorker(named name: String) async throws { inner.removeWorker(named: name) }
    func liveWorkers() async throws -> [WorkerInfo] { inner.liveWorkers() }
    func setPaused(_ paused: Bool) async throws { inner.setPaused(paused) }
    func isPaused() async throws -> Bool {
        checks.add(1, ordering: .relaxed)
        return inner.isPaused()
    }
    func markRunEnqueued(_ runID: String, ttl: Duration) async throws { inner.markRunEnqueued(runID, ttl: ttl) }
    func isRunEnqueued(_ runID: String) async throws -> Bool { inner.isRunEnqueued(runID) }
}
