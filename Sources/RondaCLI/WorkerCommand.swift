import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaHTTP
import RondaQueue
import RondaStore
import RondaWorker
import ServiceLifecycle
import UnixSignals

/// `ronda worker`: a stateless worker of the distributed mode.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run scenarios from the Redis queue and record results in PostgreSQL, until SIGTERM.",
        discussion: """
            Leases one job per scenario from the stream ronda:jobs (consumer group workers), waits for the \
            shared per-host rate limit (rate_limit in ronda.yml) before each request, runs the scenario, \
            commits its result, then acknowledges the job. Jobs carry the scenario's text and the run's \
            variables; the worker needs ronda.yml only for roles, secrets and defaults.

            SIGTERM or Ctrl-C drains: no new jobs are leased, the jobs in flight finish and are recorded, \
            and jobs leased but not started go back to the queue. SIGQUIT, or the end of --drain-timeout, \
            cancels what is left (those jobs are given back, not recorded).

            Needs RONDA_REDIS_URL and RONDA_DATABASE_URL. `ronda pause` stops every worker from starting \
            new scenarios; `ronda stats` lists live workers.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Scenarios run at once by this worker, each with its own HTTP transfer thread.",
            valueName: "n"
        )
    )
    var concurrency: Int = 4

    @Option(name: .long, help: ArgumentHelp("Name in heartbeats and results (default: host-pid).", valueName: "name"))
    var name: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Longest drain after SIGTERM before in-flight jobs are cancelled (default: the scenario timeout plus teardown plus 30s).",
            valueName: "duration"
        )
    )
    var drainTimeout: String?

    func validate() throws {
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency \(concurrency) is out of range: use 1 to 1024")
        }
    }

    func run() async throws {
        let config = try global.loadConfig()
        let logger = try global.makeLogger(label: "ronda.worker")
        var drain = config.defaults.scenarioTimeout + config.defaults.teardownTimeout + .seconds(30)
        if let drainTimeout {
            guard let limit = DurationText.parse(drainTimeout) else {
                throw CLIError(
                    code: .usage,
                    message: "--drain-timeout '\(drainTimeout)' is not a duration like 90s or 5m"
                )
            }
            drain = limit
        }
        let leaseTime = try cluster.leaseDuration()
        let connected = try await cluster.connectRedis(logger: logger)
        let store = try await cluster.openStore(logger: logger, runsItself: false)
        defer { connected.close() }

        var limiter: (any RateLimiter)?
        if let rate = config.rateLimit {
            limiter = RedisRateLimiter(
                configuration: connected.redis,
                limit: GCRA(rate: rate.requestsPerSecond, burst: rate.burst)
            )
        }
        let workerName = name ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let engine = EngineConfiguration(config: config, baseURL: config.target.baseURL ?? "")
        // Every slot that holds a job can have its request on the wire: the multi transport's
        // loop serves any number; the threads transport gets a thread per slot.
        let executor = CurlExecutor.forConcurrency(concurrency)
        let worker = Worker(
            name: workerName,
            queue: connected.queue,
            store: store,
            runner: ScenarioRunner(configuration: engine, logger: logger, executor: executor),
            control: connected.control,
            rateLimiter: limiter,
            delayBetween: config.defaults.delayBetween,
            leaseWait: .seconds(1),
            renewInterval: max(.seconds(1), leaseTime / 3),
            exitWhenIdle: false,
            logger: logger
        )
        var groupConfiguration = ServiceGroupConfiguration(
            // The store first: a group stops its services in reverse order, so the store's pools
            // run until the worker has drained and recorded its jobs.
            // The metrics port last of all, so the drain can be watched.
            services: metrics.services(logger: logger) + [
                ResultStoreService(store: store), WorkerService(worker: worker, concurrency: concurrency),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [.sigquit],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = drain
        let group = ServiceGroup(configuration: groupConfiguration)
        do { try await group.run() } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }
}
