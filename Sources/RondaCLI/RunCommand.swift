import ArgumentParser
import Foundation
import RondaCoordinator
import RondaCore
import RondaEngine
import Synchronization

/// `ronda run`: run a suite in embedded mode.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios against the target: in this process, or through the workers with --distributed.",
        discussion: """
            Loads every scenario under the suite folder (default: the configuration's 'suite', or scenarios/), \
            keeps those matching the selection, runs them N at a time with an in-process queue, and records \
            results in SQLite (.ronda/ronda.sqlite unless --database says otherwise).

            With --distributed, the run goes to Redis and PostgreSQL instead (RONDA_REDIS_URL, \
            RONDA_DATABASE_URL): one job per scenario for `ronda worker`s; this command waits for the \
            verdict and finalizes the run when every result is in or --deadline passed.

            Before the first request, every env. variable the selected scenarios and their roles read must be \
            set; the missing ones are named, each once (not checked with --distributed: workers read their own).

            Exit status: 0 when every scenario passed, 1 when any failed or errored, 2 for usage or \
            configuration errors, unset variables included (nothing is run then).

            Example: ronda run --base-url https://staging.example.com --priority P0,P1 --parallel 8 --junit report.xml
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: RunOutputOptions
    @Option(name: .long, help: ArgumentHelp("Scenario folder or file (repeatable).", valueName: "dir"))
    var suite: [String] = []
    @Option(
        name: .long,
        help: ArgumentHelp("Only scenarios of this module (repeatable, or comma-separated).", valueName: "module")
    )
    var module: [String] = []
    @Option(name: .long, help: ArgumentHelp("Only the scenario with this name (repeatable).", valueName: "name"))
    var scenario: [String] = []
    @Option(name: .long, help: ArgumentHelp("Only these priorities, e.g. P0,P1.", valueName: "list"))
    var priority: [String] = []
    @Option(name: .long, help: ArgumentHelp("Only scenarios with this tag (repeatable).", valueName: "tag"))
    var tag: [String] = []
    @Option(name: .long, help: ArgumentHelp("Pause between scenarios on one slot, e.g. 5s.", valueName: "duration"))
    var delayBetween: String?
    @Flag(
        name: .long,
        help:
            "Enqueue the run for `ronda worker`s through Redis and PostgreSQL (RONDA_REDIS_URL, RONDA_DATABASE_URL) and wait for its verdict."
    )
    var distributed = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --distributed: after this, scenarios without a result are recorded as lost and the run ends, e.g. 10m.",
            valueName: "duration"
        )
    )
    var deadline: String = "10m"
    @OptionGroup var cluster: ClusterOptions
    @Flag(
        name: .long,
        help: """
            Decide and send alerts for this run as the coordinator does (alerts: in ronda.yml): new errors, \
            regressions, recoveries, the failure threshold. Without it, errors are grouped but nothing is sent.
            """
    )
    var notify = false

    func run() async throws {
        let config = try global.loadConfig()
        let logger = try global.makeLogger(label: "ronda")
        let selection = try makeSelection()
        guard let baseURL = config.target.baseURL else {
            throw CLIError(
                code: .configuration,
                message: "no target: set target.base_url in \(global.config), RONDA_BASE_URL, or --base-url"
            )
        }
        let folders = suite.isEmpty ? [config.file == nil ? config.suite : config.resolve(config.suite)] : suite
        let loaded = Suite.load(folders, config: config)
        if !loaded.issues.isEmpty {
            throw CLIError(
                code: .scenarios,
                message: "scenario files have problems (nothing was run):\n"
                    + loaded.issues.map(\.description).joined(separator: "\n")
            )
        }
        let snapshots = loaded.selectEntries(selection).map(ScenarioSnapshot.init)
        let scenarios = snapshots.map(\.scenario)
        guard !scenarios.isEmpty else {
            throw CLIError(
                code: .usage,
                message:
                    "no scenario matches the selection (\(loaded.scenarios.count) loaded from \(folders.joined(separator: ", ")))"
            )
        }
        var delay = config.defaults.delayBetween
        if let delayBetween {
            guard let d = DurationText.parse(delayBetween) else {
                throw CLIError(
                    code: .usage,
                    message: "--delay-between '\(delayBetween)' is not a duration like 5s or 500ms"
                )
            }
            delay = d
        }
        let parallelism = try output.parallelism(default: config.defaults.parallel)
        let environment = ProcessInfo.processInfo.environment
        if !distributed {
            // The workers of a distributed run read their own environment, not this one.
            try Preflight.checkEnvironment(scenarios: scenarios, config: config) { environment[$0] }
        }

        // Channels are built (and their variables checked) before any request.
        let alerts = try AlertSetup.make(config.alerts, notify: notify || distributed, deliver: notify, logger: logger)
        var release: String?
        if let source = config.alerts.release {
            release = await ReleaseProbe(
                source: source,
                baseURL: baseURL,
                logger: logger,
                verifyTLS: config.target.verifyTLS,
                caBundle: config.target.caBundle
            ).read()
        }
        let progress = Progress(total: scenarios.count)
        let embedded = EmbeddedRun(
            snapshots: snapshots,
            engine: EngineConfiguration(config: config, baseURL: baseURL),
            databasePath: output.database ?? config.database,
            parallel: parallelism,
            delayBetween: delay,
            trigger: environment["CI"] == "true" ? .ci : .manual,
            logger: logger,
            onResult: { progress.record($0) },
            alerts: notify ? alerts : nil,
            release: release
        )
        let outcome: EmbeddedRun.Outcome
        if distributed {
            guard let limit = DurationText.parse(deadline), limit >= .seconds(1) else {
                throw CLIError(code: .usage, message: "--deadline '\(deadline)' is not a duration like 10m or 90s")
            }
            outcome = try await DistributedRun(
                snapshots: snapshots,
                baseURL: baseURL,
                trigger: embedded.trigger,
                deadline: limit,
                cluster: cluster,
                logger: logger,
                onResult: { progress.record($0) },
                alerts: alerts,
                release: release,
                deliver: notify
            ).execute()
        } else {
            outcome = try await embedded.execute()
        }
        progress.finish()
        print(Reports.summary(run: outcome.run, results: outcome.results, terminal: .standardOutput()))
        try output.writeReports(outcome)
        if let sent = outcome.alerts, sent.claimed > 0 {
            print(
                "alerts: \(sent.delivered) delivered, \(sent.retrying) to retry, \(sent.failed) failed (ronda alerts list)"
            )
        }
        if !outcome.run.totals.allPassed { throw ExitCode(1) }
    }

    func makeSelection() throws -> Selection {
        var priorities = Set<Priority>()
        for item in priority.flatMap({ $0.split(separator: ",") }) {
            guard let p = Priority(rawValue: item.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw CLIError(code: .usage, message: "--priority '\(item)' is not one of P0, P1, P2, P3")
            }
            priorities.insert(p)
        }
        let modules = Set(module.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        return Selection(modules: modules, names: Set(scenario), priorities: priorities, tags: Set(tag))
    }

}

/// Live progress: one redrawn line on a terminal, one line a scenario otherwise. Names and
/// messages are shown with their control characters escaped.
final class Progress: Sendable {
    private let state = Mutex(State())
    private let total: Int
    private let interactive = isatty(STDOUT_FILENO) == 1
    private let terminal: Terminal

    struct State {
        var done = 0
        var passed = 0
        var failed = 0
        var errored = 0
    }

    init(total: Int, terminal: Terminal = .standardOutput()) {
        self.total = total
        self.terminal = terminal
    }

    func record(_ result: ScenarioResult) {
        let line: String = state.withLock { s in
            s.done += 1
            switch result.status {
            case .pass: s.passed += 1
            case .fail: s.failed += 1
            case .error: s.errored += 1
            case .skip: break
            }
            return interactive
                ? Self.redraw(s, total: total, last: result.scenario, terminal: terminal)
                : Reports.line(result, terminal: terminal) + "\n"
        }
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    /// The redrawn progress line: counts, and the last scenario's name (escaped).
    static func redraw(_ s: State, total: Int, last: String, terminal: Terminal) -> String {
        let failed = terminal.paint("\(s.failed) failed", s.failed > 0 ? .red : .dim)
        let errored = terminal.paint("\(s.errored) errored", s.errored > 0 ? .yellow : .dim)
        return
            "\r[\(s.done)/\(total)] \(terminal.paint("\(s.passed) passed", .green)), \(failed), \(errored) — \(Terminal.safe(last))\u{1B}[K"
    }

    func finish() {
        if interactive { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
