import ArgumentParser
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaQueue
import RondaStore

/// `ronda migrate`: bring the database's schema up to date.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the database migrations that have not been applied (safe to run repeatedly and concurrently).",
        discussion: """
            Uses RONDA_DATABASE_URL (or --database-url): postgres://… for PostgreSQL, sqlite:PATH for a SQLite file.

            --rebuild-rollups recomputes the dashboard's rollups (tables scenario_hourly, scenario_daily and \
            endpoint_daily) from the stored results of every finalized run, in one transaction: after a bulk import of results, or a restore of \
            results without their rollups. Finalization keeps them up to date otherwise.
            """
    )

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var database: StoreOptions

    @Flag(name: .long, help: "Also recompute the dashboard's hourly rollups from the stored results.")
    var rebuildRollups = false

    func run() async throws {
        let logger = try logging.makeLogger(label: "ronda.migrate")
        let rollups: Int? = try await database.withStore(logger: logger) { store in
            do { try await store.migrate() } catch {
                throw CLIError(code: .storage, message: "migration failed: \(error.operatorMessage)")
            }
            guard rebuildRollups else { return nil }
            do { return try await store.dashboard(.rebuildRollups) } catch {
                throw CLIError(code: .storage, message: "rebuilding the rollups failed: \(error.operatorMessage)")
            }
        }
        print("schema up to date (version \(Migration.all.last?.version ?? 0))")
        if let rollups { print("hourly rollups rebuilt: \(rollups) rows") }
    }
}

/// `ronda stats`: what an operator looks at first.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Runs, errors and error groups of the last 24 hours; with Redis, the queue and live workers too.",
        discussion: """
            With RONDA_REDIS_URL (or --redis-url): queue depth, jobs in flight, dead letters, live workers and \
            running runs. Without it, only the results database: RONDA_DATABASE_URL, else the configuration's \
            SQLite file (what `ronda run` writes).
            """
    )

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var redis: RedisOptions
    @OptionGroup var results: ResultsStoreOptions

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    struct Output: Codable {
        var pending: Int
        var inFlight: Int
        var deadLetters: Int
        var paused: Bool
        var workers: [WorkerInfo]
        var runs24h: Int
        var running: Int
        var results24h: Int
        var successRate24h: Double?
        /// Scenarios running now on the live workers (their heartbeats).
        var runningScenarios: Int
        /// Each running run with what it still owes.
        var runningRuns: [RunningRun]
        /// Error figures (24 h window); `nil` only in old JSON.
        var errors: ErrorStats? = nil
        /// `false` without Redis: the queue fields are then zero and not shown.
        var queueKnown = true
    }

    /// A running run: its scenarios and how many still have no result.
    struct RunningRun: Codable {
        var id: String
        var schedule: String?
        var scenarios: Int
        var owed: Int
        var deadline: Date
    }

    func run() async throws {
        let logger = try logging.makeLogger(label: "ronda.stats")
        let environment = ProcessInfo.processInfo.environment
        let withRedis = redis.redisURL != nil || !(environment["RONDA_REDIS_URL"] ?? "").isEmpty
        var queue = QueueStats(pending: 0, inFlight: 0, deadLetters: 0)
        var workers: [WorkerInfo] = []
        var paused = false
        if withRedis {
            let connected = try await redis.connectRedis(logger: logger)
            defer { connected.close() }
            queue = try await connected.queue.stats()
            workers = try await connected.control.liveWorkers()
            paused = try await connected.control.isPaused()
        }
        let since = Date().addingTimeInterval(-86_400)
        let (summary, running, errors) = try await results.withStore(logger: logger) { store in
            let summary = try await store.summary(since: since)
            var running: [RunningRun] = []
            for run in try await store.runningRuns() {
                let done = try await store.scenariosWithResults(runID: run.id).count
                running.append(
                    RunningRun(
                        id: run.id,
                        schedule: run.schedule,
                        scenarios: run.totals.scenarios,
                        owed: max(0, run.totals.scenarios - done),
                        deadline: run.deadline
                    )
                )
            }
            if !withRedis { paused = try await store.pausedSetting() ?? false }
            return (summary, running, try await store.errorStats(since: since))
        }
        let output = Output(
            pending: queue.pending,
            inFlight: queue.inFlight,
            deadLetters: queue.deadLetters,
            paused: paused,
            workers: workers,
            runs24h: summary.runs,
            running: summary.running,
            results24h: summary.results,
            successRate24h: summary.successRate,
            runningScenarios: workers.reduce(0) { $0 + $1.inFlight },
            runningRuns: running,
            errors: errors,
            queueKnown: withRedis
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        print(Self.text(output))
    }

    static func text(_ o: Output) -> String {
        let rate = o.successRate24h.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
        var lines: [String] = []
        if o.queueKnown {
            lines += [
                "queue:        \(o.pending) pending, \(o.inFlight) leased, \(Terminal.count(o.deadLetters, "dead letter"))\(o.paused ? " — PAUSED (ronda resume)" : "")",
                "workers:      \(o.workers.count) live, \(Terminal.count(o.runningScenarios, "scenario")) running",
            ]
        }
        lines += o.workers.map {
            "  \($0.name)  \($0.host) pid \($0.pid)  \($0.inFlight)/\($0.concurrency) running  \($0.processed) done\($0.paused == true ? "  paused" : "")"
        }
        lines += o.runningRuns.map { run in
            "run \(run.id)\(run.schedule.map { " (\($0))" } ?? ""): owes \(run.owed) of \(Terminal.count(run.scenarios, "scenario")), deadline \(ISO8601DateFormatter().string(from: run.deadline))"
        }
        lines.append(
            "last 24 h:    \(Terminal.count(o.runs24h, "run")) (\(o.running) running), \(Terminal.count(o.results24h, "result")), success rate \(rate)"
        )
        if let e = o.errors {
            let average = e.averageExecutionTime.map { String(format: "%.1f s", $0) } ?? "n/a"
            lines.append(
                "errors:       \(e.errorsSince) in 24 h, \(e.errorsTotal) in total; \(Terminal.count(e.openGroups, "open group")); average run \(average)"
            )
            if let ttr = e.medianTimeToResolution {
                lines.append("resolution:   median \(Self.span(ttr)) from first seen to resolved")
            }
            if !e.errorsPerModule.isEmpty {
                lines.append(
                    "by module:    "
                        + e.errorsPerModule.map { "\(Terminal.safe($0.module)) \($0.errors)" }.joined(separator: ", ")
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension StatsCommand {
    /// `2h 5m`, `3m 10s`, `12s`.
    static func span(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (d, h, m, s) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        if d > 0 { return "\(d)d \(h)h" }
        if h > 0 { return "\(h)h \(m)m" }
        if m > 0 { return "\(m)m \(s)s" }
        return "\(s)s"
    }
}

/// `ronda cleanup --older-than 30d`.
struct CleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete runs (with their results and steps) started before the retention window."
    )

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var database: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Delete runs older than this, e.g. 30d or 12h.", valueName: "duration"))
    var olderThan: String = "30d"

    func run() async throws {
        guard let age = DurationText.parse(olderThan), age > .zero else {
            throw CLIError(code: .usage, message: "--older-than '\(olderThan)' is not a duration like 30d or 12h")
        }
        let logger = try logging.makeLogger(label: "ronda.cleanup")
        let deleted = try await database.withStore(logger: logger) { store in
            do { return try await store.deleteRuns(startedBefore: Date().addingTimeInterval(-age.inSeconds)) } catch {
                throw CLIError(code: .storage, message: "cleanup failed: \(error.operatorMessage)")
            }
        }
        print("deleted \(Terminal.count(deleted, "run")) older than \(olderThan)")
    }
}

/// `ronda pause` / `ronda resume`: the kill switch.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop every worker from starting new scenarios (within a second); running ones finish.",
        discussion: """
            The switch is stored in PostgreSQL (RONDA_DATABASE_URL) and in Redis (RONDA_REDIS_URL), which workers \
            read. If Redis loses its data, workers read the database's copy and the coordinator writes it back.
            """
    )
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var redis: RedisOptions
    @OptionGroup var database: StoreOptions

    func run() async throws {
        try await PauseCommand.set(
            true,
            redis: redis,
            database: database,
            logger: try logging.makeLogger(label: "ronda")
        )
        print("paused: workers start no new scenario until `ronda resume`")
    }
}

extension PauseCommand {
    /// Writes the switch to the store first (the durable copy, which survives Redis losing its
    /// data), then to Redis (what workers read).
    static func set(_ paused: Bool, redis: RedisOptions, database: StoreOptions, logger: Logger) async throws {
        try await database.withStore(logger: logger) { store in
            do { try await store.setPausedSetting(paused) } catch {
                throw CLIError(code: .storage, message: "cannot store the pause switch: \(error.operatorMessage)")
            }
        }
        let connected = try await redis.connectRedis(logger: logger)
        defer { connected.close() }
        try await connected.control.setPaused(paused)
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Let workers start scenarios again after `ronda pause`."
    )
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var redis: RedisOptions
    @OptionGroup var database: StoreOptions

    func run() async throws {
        try await PauseCommand.set(
            false,
            redis: redis,
            database: database,
            logger: try logging.makeLogger(label: "ronda")
        )
        print("resumed")
    }
}
