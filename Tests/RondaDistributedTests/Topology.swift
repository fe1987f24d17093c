import DemoTarget
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaQueue
import RondaStore
import RondaTestSupport
import Synchronization

@testable import RondaCLI

/// The distributed topology as plain processes on loopback: a redis-server and PostgreSQL the
/// test starts, the demo app (in the test process), and `ronda worker` processes. The test
/// plays the coordinator in process, with the same `RunCoordinator` code `ronda coordinator` runs.
final class Topology: Sendable {
    let directory: String
    let redis: TestRedis
    let databaseURL: String
    let demo: RunningDemo
    let store: any ResultStore
    let queue: RedisJobQueue
    let control: RedisControlPlane
    let coordinator: RunCoordinator
    /// Worker lease time: short, so a killed worker's jobs come back quickly.
    let leaseTime = "2s"
    private let workers = Mutex<[String: ChildProcess]>([:])

    init(databaseURL: String, name: String = #function) async throws {
        directory = try Checkout.temporaryDirectory("ronda-topology")
        redis = try await TestRedis.started(directory: directory, persistent: true)
        self.databaseURL = databaseURL
        demo = try await DemoRunner.startDemo(faults: [])
        store = try await StoreLocation.open(url: databaseURL, logger: Logger(label: "test.store"))
        try await store.migrate()
        let configuration = try RedisConfiguration(url: redis.url)
        queue = RedisJobQueue(configuration: configuration, options: .init(leaseTime: .seconds(2)))
        control = RedisControlPlane(configuration: configuration)
        coordinator = RunCoordinator(
            store: store,
            queue: queue,
            control: control,
            logger: Logger(label: "test.coordinator")
        )
    }

    /// What a worker process gets: the servers, and the demo app's passwords and secrets.
    var environment: [String: String] {
        var environment = DemoRunner.demoValues(demo: demo)
        environment["RONDA_REDIS_URL"] = redis.url
        environment["RONDA_DATABASE_URL"] = databaseURL
        environment["RONDA_BASE_URL"] = demo.baseURL
        environment["PATH"] = "/usr/bin:/bin"
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] {
            environment["LLVM_PROFILE_FILE"] = profile
        }
        return environment
    }

    /// Starts `ronda worker --name NAME` with the bundled ronda.yml (plus `config` lines appended, if any).
    @discardableResult
    func startWorker(
        _ name: String,
        concurrency: Int = 4,
        config extra: String = "",
        leaseTime: String? = nil
    ) throws -> ChildProcess {
        let config = extra.isEmpty ? Checkout.root + "/ronda.yml" : try writeConfig("ronda-\(name).yml", adding: extra)
        let process = try ChildProcess(
            Checkout.ronda,
            [
                "worker", "--name", name, "--concurrency", String(concurrency), "--lease-time",
                leaseTime ?? self.leaseTime, "--config", config, "--log-level", "info",
            ],
            environment: environment,
            logPath: directory + "/\(name).log"
        )
        workers.withLock { $0[name] = process }
        return process
    }

    /// Writes the bundled ronda.yml, its paths made absolute, plus `extra` lines, into the
    /// topology's directory; returns its path.
    func writeConfig(_ file: String, adding extra: String) throws -> String {
        let path = directory + "/" + file
        let base = try String(contentsOfFile: Checkout.root + "/ronda.yml", encoding: .utf8)
            .replacingOccurrences(of: "login: scenarios/", with: "login: \(Checkout.root)/scenarios/")
            .replacingOccurrences(of: "\nsuite: scenarios", with: "\nsuite: \(Checkout.root)/scenarios")
        try (base + "\n" + extra + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func worker(_ name: String) -> ChildProcess? { workers.withLock { $0[name] } }

    /// Creates a manual run of `scenarios` against the demo app and enqueues its jobs.
    func startRun(_ scenarios: [ScenarioSnapshot], deadline: Double = 600) async throws -> RunRecord {
        guard
            let run = try await coordinator.startRun(
                scenarios,
                trigger: .manual,
                deadline: Date().addingTimeInterval(deadline),
                variables: [Job.baseURLVariable: demo.baseURL]
            )
        else { throw ChildProcess.Failure(description: "the run was not created") }
        return run
    }

    /// Waits until every expected scenario has a result, sweeping as `coordinator serve` does
    /// (so the sweeps finalize the run); database errors while it waits (PostgreSQL stopped) are
    /// retried. Returns how many results the run has, and how many sweeps finalized it.
    @discardableResult
    func waitForResults(_ run: RunRecord, timeout: Double = 240) async -> (results: Int, finalizations: Int) {
        let end = Date().addingTimeInterval(timeout)
        var count = 0
        var finalizations = 0
        while Date() < end {
            if let report = try? await coordinator.sweep() {
                finalizations += report.finalized.filter { $0.id == run.id }.count
            }
            if let names = try? await store.scenariosWithResults(runID: run.id) { count = names.count }
            if count >= run.totals.scenarios, finalizations > 0 { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        // More sweeps after the finalization must not finalize it again.
        for _ in 0..<3 {
            if let report = try? await coordinator.sweep() {
                finalizations += report.finalized.filter { $0.id == run.id }.count
            }
        }
        return (count, finalizations)
    }

    /// Waits until each worker in `names` has sent two heartbeats after `since` saying it holds
    /// back because of the pause switch: by then every slot has read the switch several times
    /// (every 250 ms) with the jobs waiting. What a test checks before "nothing started".
    func pausedHeartbeats(_ names: Set<String>, since: Date, seconds: Double = 30) async -> Bool {
        var seen: [String: Set<Date>] = [:]
        return await eventually(seconds) {
            for info in (try? await control.liveWorkers()) ?? []
            where names.contains(info.name) && info.paused == true && info.seenAt > since {
                seen[info.name, default: []].insert(info.seenAt)
            }
            return names.allSatisfy { (seen[$0]?.count ?? 0) >= 2 }
        }
    }

    /// How many times `text` appears in the logs of the workers `names`.
    func count(_ text: String, inLogsOf names: [String]) -> Int {
        names.reduce(0) { total, name in total + (worker(name)?.log.components(separatedBy: text).count ?? 1) - 1 }
    }

    /// The most attempts the workers `names` logged for one result they could not record
    /// ("cannot record the result; retrying … scenario=NAME").
    func mostRetriesOfOneResult(inLogsOf names: [String]) -> Int {
        var attempts: [Substring: Int] = [:]
        for name in names {
            for line in (worker(name)?.log ?? "").split(separator: "\n")
            where line.contains("cannot record the result; retrying") {
                if let scenario = line.split(separator: " ").last(where: { $0.hasPrefix("scenario=") }) {
                    attempts[scenario, default: 0] += 1
                }
            }
        }
        return attempts.values.max() ?? 0
    }

    /// Stops every worker (SIGKILL), the demo app and redis; closes connections.
    func shutDown() async {
        for process in workers.withLock({ Array($0.values) }) { await process.kill9() }
        await demo.stop()
        await redis.kill9()
        queue.close()
        control.close()
        try? await store.close()
    }

    /// `count` copies of a quick scenario (two requests to the demo app's /health).
    static func healthScenarios(_ count: Int, prefix: String = "load") throws -> [ScenarioSnapshot] {
        try (0..<count).map { index in
            let name = "\(prefix)-\(String(format: "%04d", index))"
            let source = """
                scenario: \(name)
                module: load
                steps:
                  - name: Health
                    get: /health
                    expect: { status: 200 }
                  - name: Health again
                    get: /health
                    expect: { status: 200 }
                """
            return ScenarioSnapshot(scenario: try ScenarioLoader.parse(source, file: "\(name).yml"), source: source)
        }
    }
}
