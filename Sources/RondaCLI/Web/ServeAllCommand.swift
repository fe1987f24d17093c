import ArgumentParser
import DemoTarget
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaEngine
import RondaHTTP
import RondaQueue
import RondaStore
import RondaWeb
import RondaWorker
import ServiceLifecycle
import UnixSignals

/// `ronda serve`: Ronda 24/7 in one process — the schedules, in-process workers, finalization,
/// alerts and the dashboard over SQLite. With RONDA_DATABASE_URL set it serves only the
/// dashboard over that store (the fleet's workers and coordinators run elsewhere).
struct ServeAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run Ronda 24/7 in one process: schedules, workers, alerts and the dashboard (SQLite).",
        discussion: """
            Runs the 'schedules:' of ronda.yml (plus --every), executes the scenarios in this process
            (--concurrency at once), finalizes runs, sends alerts and serves the dashboard on --port.
            SIGTERM or Ctrl-C drains: no new runs, the scenarios in flight finish, and every run still
            open is finalized (scenarios that never ran are recorded as not run) before it exits.

            --demo also starts the bundled demo app in this process and points the suite at it; when
            no operator exists it adds 'admin' with a random password, printed once.

            With RONDA_DATABASE_URL set, only the dashboard is served, over that database: the same
            as 'ronda dashboard'.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: DashboardServerOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: ArgumentHelp("Also run the whole suite on this interval, e.g. 1m or 15m.", valueName: "duration"))
    var every: String?

    @Flag(help: "Start the bundled demo app in this process and test it.") var demo = false

    @Option(help: ArgumentHelp("Scenarios run at once (default: defaults.parallel).", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Time between scheduler ticks.", valueName: "duration")) var interval: String = "5s"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if !(environment["RONDA_DATABASE_URL"] ?? "").isEmpty {
            var dashboard = try DashboardCommand.parse([])
            dashboard.server = server
            dashboard.logging = global.logging
            try await dashboard.run()
            return
        }
        let logger = try global.makeLogger(label: "ronda.serve")
        guard let tick = DurationText.parse(interval), tick >= .milliseconds(100) else {
            throw CLIError(
                code: .usage,
                message: "--interval '\(interval)' is not a duration of at least 100ms (like 5s)"
            )
        }
        var extra: Schedule?
        if let every {
            guard let period = DurationText.parse(every), period >= .seconds(1) else {
                throw CLIError(code: .usage, message: "--every '\(every)' is not a duration of at least 1s (like 1m)")
            }
            extra = Schedule(name: "serve-every-\(every)", timing: .interval(period))
        }
        let app: RunningDemo? = demo ? try await DemoRunner.startDemo(faults: []) : nil
        do {
            try await serve(demo: app, extra: extra, tick: tick, logger: logger)
        } catch {
            await app?.stop()
            throw error
        }
        await app?.stop()
    }

    func serve(demo app: RunningDemo?, extra: Schedule?, tick: Duration, logger: Logger) async throws {
        let setup = try CoordinatorSetup(global: global, extraSchedule: extra, baseURL: app?.baseURL)
        let config = setup.config
        let slots = max(1, concurrency ?? config.defaults.parallel)
        let store: SQLiteStore
        do {
            store = try await SQLiteStore.open(path: config.database, logger: logger)
            try await store.migrate()
        } catch {
            throw CLIError(
                code: .storage,
                message: "cannot use the results database at \(config.database): \(error.operatorMessage)"
            )
        }
        if let app { try await Self.firstOperator(store: store, demo: app) }

        let queue = InProcessQueue()
        // The worker's heartbeat and the pause switch, for the Workers page; the switch starts as
        // the database's copy left it (a fleet paused before a restart stays paused).
        let control = InProcessControlPlane()
        control.setPaused(try await store.pausedSetting() ?? false)
        let scheduler = setup.scheduler(store: store, queue: queue, control: nil, logger: logger)
        let coordinator = CoordinatorService(
            scheduler: scheduler,
            interval: tick,
            retention: .seconds(30 * 86_400),
            cleanupTime: try CronExpression("0 3 * * *")
        )
        var engine = EngineConfiguration(config: config, baseURL: setup.baseURL)
        if let app {
            engine = EngineConfiguration(
                config: config,
                baseURL: app.baseURL,
                environment: DemoRunner.environment(demo: app)
            )
        }
        let worker = Worker(
            name: "serve-\(ProcessInfo.processInfo.processIdentifier)",
            queue: queue,
            store: store,
            runner: ScenarioRunner(configuration: engine, logger: logger, executor: .forConcurrency(slots)),
            control: control,
            delayBetween: config.defaults.delayBetween,
            exitWhenIdle: false,
            logger: logger
        )
        let dashboard = Dashboard(
            store: store,
            options: server.options(),
            fleet: Fleet(queue: queue, control: control, location: "this process")
        )
        let web = dashboard.application(host: server.host, port: server.port, logger: logger) { port in
            let target = app.map { "the demo app at \($0.baseURL)" } ?? setup.baseURL
            FileHandle.standardOutput.write(
                Data(
                    """
                    ronda serve: dashboard on http://\(server.host):\(port), testing \(target) on \(setup.schedules.count) schedule(s), \(slots) at once; Ctrl-C stops

                    """.utf8
                )
            )
        }
        // Stopped in reverse order: the worker drains first, then the scheduler finalizes what is
        // open, then the dashboard and the store stop.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: metrics.services(logger: logger) + [
                    ResultStoreService(store: store),
                    web,
                    EmbeddedScheduler(
                        coordinator: coordinator,
                        store: store,
                        deliverer: setup.alerts.channels.isEmpty
                            ? nil : setup.alerts.deliverer(store: store, logger: logger),
                        logger: logger
                    ),
                    WorkerService(worker: worker, concurrency: slots),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do { try await group.run() } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }

    /// With --demo and no operator yet: adds `admin` with a random password and prints it once.
    static func firstOperator(store: some ResultStore, demo: RunningDemo) async throws {
        guard try await store.dashboard(.operators).isEmpty else { return }
        let password = Credentials.token().prefix(20)
        _ = try await store.dashboard(
            .addOperator("admin", passwordHash: Credentials.hash(String(password)), at: Date())
        )
        FileHandle.standardOutput.write(
            Data(
                "ronda serve: added dashboard operator 'admin' with password \(password) (change it: ronda user passwd admin)\n"
                    .utf8
            )
        )
    }
}

/// The coordinator of `ronda serve`: ticks (and delivers alerts) until a graceful shutdown, then
/// finalizes every run still open — the in-process queue goes with the process, so a scenario
/// that did not run by then never will — and delivers what that decided, for up to 10 s.
struct EmbeddedScheduler: Service {
    let coordinator: CoordinatorService
    let store: any ResultStore
    let deliverer: AlertDeliverer?
    let logger: Logger

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await coordinator.run() }
            if let deliverer { group.addTask { try await AlertDeliveryService(deliverer: deliverer).run() } }
        }
        let runs = coordinator.scheduler.coordinator
        for run in try await store.runningRuns() {
            if let finalized = try await runs.finalizeIfDue(runID: run.id, force: true) {
                logger.info(
                    "run finalized at shutdown",
                    metadata: [
                        "run": "\(finalized.id)", "passed": "\(finalized.totals.passed)",
                        "scenarios": "\(finalized.totals.scenarios)",
                    ]
                )
            }
        }
        if let deliverer { _ = try await deliverer.drain(until: Date().addingTimeInterval(10)) }
    }
}
