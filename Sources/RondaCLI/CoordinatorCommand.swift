import ArgumentParser
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaQueue
import RondaStore
import ServiceLifecycle
import UnixSignals

/// `ronda coordinator`: schedules runs, repairs and finalizes them.
struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Create scheduled runs, enqueue their jobs, and finalize runs (distributed mode).",
        discussion: """
            Schedules are the 'schedules:' section of ronda.yml (cron or every, timezone, and a selection by \
            modules, priorities, tags). Several coordinators may run at once: a run is created once per \
            (schedule, slot), and only its creator enqueues.
            """,
        subcommands: [ScheduleTickCommand.self, ServeCommand.self]
    )
}

/// What both coordinator commands load and check before touching a server.
struct CoordinatorSetup {
    let config: RondaConfig
    let schedules: [Schedule]
    let snapshots: @Sendable () throws -> [ScenarioSnapshot]
    let variables: [String: String]
    /// The alert policy and its channels, checked before any server is touched.
    let alerts: AlertSetup
    let baseURL: String

    /// - Parameters:
    ///   - extraSchedule: a schedule added to the configuration's (`ronda serve --every`).
    ///   - baseURL: the target, instead of the configuration's (`ronda serve --demo`).
    ///   - schedulesFile: a file whose `schedules:` replace the configuration's (`--schedules`).
    init(
        global: GlobalOptions,
        extraSchedule: Schedule? = nil,
        baseURL: String? = nil,
        schedulesFile: String? = nil
    ) throws {
        config = try global.loadConfig()
        alerts = try AlertSetup.make(config.alerts, notify: true, logger: try global.makeLogger(label: "ronda.alerts"))
        var entries = config.schedules
        var source = global.config
        if let schedulesFile {
            guard FileManager.default.fileExists(atPath: schedulesFile) else {
                throw CLIError(code: .configuration, message: "no schedules file at \(schedulesFile) (--schedules)")
            }
            do { entries = try RondaConfig.load(file: schedulesFile).schedules } catch {
                throw CLIError(code: .configuration, message: "the schedules file has problems:\n" + error.message)
            }
            source = schedulesFile
        }
        var schedules: [Schedule] = []
        for entry in entries {
            do { schedules.append(try Schedule(config: entry)) } catch {
                throw CLIError(code: .configuration, message: "\(error.location): \(error.message)")
            }
        }
        if let extraSchedule { schedules.append(extraSchedule) }
        guard !schedules.isEmpty else {
            throw CLIError(
                code: .configuration,
                message: "no schedules in \(source): add a 'schedules:' section (see docs/configuration.md)"
            )
        }
        guard let baseURL = baseURL ?? config.target.baseURL else {
            throw CLIError(
                code: .configuration,
                message: "no target: set target.base_url in \(global.config), RONDA_BASE_URL, or --base-url"
            )
        }
        let config = self.config
        let folder = config.file == nil ? config.suite : config.resolve(config.suite)
        let loaded = Suite.load([folder], config: config)
        if !loaded.issues.isEmpty {
            throw CLIError(
                code: .scenarios,
                message: "scenario files have problems (no run was created):\n"
                    + loaded.issues.map(\.description).joined(separator: "\n")
            )
        }
        for (entry, schedule) in zip(entries, schedules) where loaded.select(schedule.selection).isEmpty {
            throw CLIError(
                code: .configuration,
                message:
                    "\(entry.location.file):\(entry.location.line):\(entry.location.column): schedules.\(entry.name) selects no scenario (\(loaded.scenarios.count) loaded from \(folder)); check its modules, priorities and tags"
            )
        }
        self.schedules = schedules
        self.baseURL = baseURL
        self.variables = [RondaQueue.Job.baseURLVariable: baseURL]
        // Re-read at each tick so an edited scenario applies to the next run.
        snapshots = {
            let suite = Suite.load([folder], config: config)
            if !suite.issues.isEmpty {
                throw CLIError(
                    code: .scenarios,
                    message: "scenario files have problems (no run was created):\n"
                        + suite.issues.map(\.description).joined(separator: "\n")
                )
            }
            return suite.entries.map(ScenarioSnapshot.init)
        }
    }

    func scheduler(store: any ResultStore, cluster: Cluster, logger: Logger) -> Scheduler {
        scheduler(store: store, queue: cluster.queue, control: cluster.control, logger: logger)
    }

    /// The scheduler over any queue: Redis (distributed) or in-process (`ronda serve`).
    func scheduler(
        store: any ResultStore,
        queue: any JobQueue,
        control: (any ControlPlane)?,
        logger: Logger
    ) -> Scheduler {
        var coordinator = RunCoordinator(store: store, queue: queue, control: control, logger: logger)
        coordinator.alerts = alerts.policy
        var scheduler = Scheduler(
            coordinator: coordinator,
            schedules: schedules,
            variables: variables,
            suite: snapshots
        )
        if let source = config.alerts.release {
            let probe = ReleaseProbe(
                source: source,
                baseURL: baseURL,
                logger: logger,
                verifyTLS: config.target.verifyTLS,
                caBundle: config.target.caBundle
            )
            scheduler.release = { await probe.read() }
        }
        return scheduler
    }
}

/// `ronda coordinator schedule`: one tick, for cron or a systemd timer.
struct ScheduleTickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "One coordinator tick: create due runs, repair and finalize running ones, then exit.",
        discussion: """
            Safe to run from cron every minute on several machines at once. Missed slots inside a schedule's \
            starting_deadline collapse into one run; older ones are skipped and logged.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var schedules: SchedulesOption

    func run() async throws {
        let setup = try CoordinatorSetup(global: global, schedulesFile: schedules.schedules)
        let logger = try global.makeLogger(label: "ronda.coordinator")
        let connected = try await cluster.connectRedis(logger: logger)
        defer { connected.close() }
        let report = try await cluster.withStore(logger: logger) { store in
            let scheduler = setup.scheduler(store: store, cluster: connected, logger: logger)
            do {
                try await store.migrate()
                let now = Date()
                let tick = try await scheduler.tick(now: now)
                let sweep = try await scheduler.coordinator.sweep(now: now)
                // Deliver what is due (this run's decisions and any left by earlier ticks); what
                // waits for a backoff is sent by a later tick.
                let delivered = try await setup.alerts.deliverer(store: store, logger: logger)
                    .drain(until: Date().addingTimeInterval(60))
                return CoordinatorReport.text(tick: tick, sweep: sweep, alerts: delivered)
            } catch {
                throw CLIError(code: .storage, message: "the tick failed: \(error.operatorMessage)")
            }
        }
        print(report)
    }
}

/// `ronda coordinator serve`: ticks in a loop, plus the daily cleanup.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Tick every few seconds, finalize runs, and delete old runs daily, until SIGTERM."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var schedules: SchedulesOption

    @Option(name: .long, help: ArgumentHelp("Time between ticks, e.g. 5s.", valueName: "duration"))
    var interval: String = "5s"

    @Option(
        name: .long,
        help: ArgumentHelp("Delete runs older than this in the daily cleanup, e.g. 30d.", valueName: "duration")
    )
    var retention: String = "30d"

    @Option(
        name: .long,
        help: ArgumentHelp("When the cleanup runs, as a cron expression in the local time zone.", valueName: "cron")
    )
    var cleanupAt: String = "0 3 * * *"

    func run() async throws {
        let setup = try CoordinatorSetup(global: global, schedulesFile: schedules.schedules)
        let logger = try global.makeLogger(label: "ronda.coordinator")
        guard let every = DurationText.parse(interval), every >= .milliseconds(100) else {
            throw CLIError(
                code: .usage,
                message: "--interval '\(interval)' is not a duration of at least 100ms (like 5s)"
            )
        }
        guard let keep = DurationText.parse(retention), keep >= .seconds(3_600) else {
            throw CLIError(
                code: .usage,
                message: "--retention '\(retention)' is not a duration of at least 1h (like 30d)"
            )
        }
        let cleanup: CronExpression
        do { cleanup = try CronExpression(cleanupAt) } catch {
            throw CLIError(code: .usage, message: "--cleanup-at: schedule '\(error.expression)': \(error.message)")
        }
        let connected = try await cluster.connectRedis(logger: logger)
        defer { connected.close() }
        let store = try await cluster.openStore(logger: logger, runsItself: false)
        let service = CoordinatorService(
            scheduler: setup.scheduler(store: store, cluster: connected, logger: logger),
            interval: every,
            retention: keep,
            cleanupTime: cleanup
        )
        // The store first: a group stops its services in reverse order, so the store's pools
        // run until the coordinator has stopped.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: metrics.services(logger: logger) + [
                    ResultStoreService(store: store),
                    MigratedCoordinator(
                        store: store,
                        coordinator: service,
                        deliverer: setup.alerts.channels.isEmpty
                            ? nil
                            : AlertDeliveryService(deliverer: setup.alerts.deliverer(store: store, logger: logger))
                    ),
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
}

/// Migrates the store, then runs the coordinator and the alert deliverer (when channels are
/// configured): inside the group, where the store's pools run.
struct MigratedCoordinator: Service {
    let store: any ResultStore
    let coordinator: CoordinatorService
    var deliverer: AlertDeliveryService? = nil

    func run() async throws {
        try await store.migrate()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await coordinator.run() }
            if let deliverer { group.addTask { try await deliverer.run() } }
        }
    }
}

enum CoordinatorReport {
    static func text(tick: TickReport, sweep: SweepReport, alerts: AlertDeliverer.Pass = .init()) -> String {
        var lines = tick.created.map {
            "created run \($0.id) for schedule \($0.schedule ?? "?") slot \(ISO8601DateFormatter().string(from: $0.slot ?? $0.startedAt)) (\(Terminal.count($0.totals.scenarios, "scenario")))"
        }
        for (schedule, slots) in tick.missed.sorted(by: { $0.key < $1.key }) {
            lines.append("schedule \(schedule): \(Terminal.count(slots.count, "missed slot")) not run on their own")
        }
        lines += sweep.enqueued.map { "enqueued run \($0) (its creator stopped before enqueueing)" }
        lines += sweep.requeued.map { "enqueued run \($0) again (the queue lost its jobs)" }
        if sweep.deadLettered > 0 { lines.append("recorded \(sweep.deadLettered) dead-lettered job(s) as errors") }
        if sweep.pauseRestored { lines.append("wrote the pause switch back into Redis from the database") }
        lines += sweep.finalized.map {
            "finalized run \($0.id): \($0.totals.passed) passed, \($0.totals.failed) failed, \($0.totals.errored) errored"
        }
        if alerts.claimed > 0 {
            lines.append(
                "alerts: \(alerts.delivered) delivered, \(alerts.retrying) to retry, \(alerts.failed) failed (ronda alerts list)"
            )
        }
        return lines.isEmpty ? "nothing due" : lines.joined(separator: "\n")
    }
}

/// `--schedules FILE`: one ronda.yml, and the schedules of each environment in a file of their own.
struct SchedulesOption: ParsableArguments {
    @Option(
        name: .customLong("schedules"),
        help: ArgumentHelp(
            "Take the 'schedules:' section from this file instead of the configuration's.",
            valueName: "file"
        )
    )
    var schedules: String?
}
