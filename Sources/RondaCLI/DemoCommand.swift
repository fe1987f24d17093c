import ArgumentParser
import DemoTarget
import Foundation
import Logging
import RondaCore
import RondaEngine

/// `ronda demo`: start the demo app on loopback and run the bundled suite against it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See Ronda at work: start the bundled demo app in this process and run the bundled suite against it.",
        discussion: """
            Needs no servers and no setup. Starts the demo app (an optica with form login, and a cafeteria \
            API with bearer tokens) on a free loopback port, runs every scenario under scenarios/ with the \
            roles in ronda.yml — the same embedded run as 'ronda run' — prints the summary and stops the app. \
            Run it from the Ronda folder, where ronda.yml and scenarios/ are.

            The roles' passwords are read from RONDA_RECEPTIONIST_PASSWORD, RONDA_OWNER_PASSWORD, \
            RONDA_DOCTOR_PASSWORD and RONDA_CUSTOMER_PASSWORD; when one is unset, the demo app's own \
            password is used (set one to a wrong value to watch a login fail). Results go to the SQLite \
            database like any run.

            Exit status: 0 when every scenario passed, 1 when any failed or errored, 2 for usage or \
            configuration errors.

            Next: 'ronda demo-target --port 8080' serves the app on its own; then 'ronda run' runs the \
            same suite against it.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Configuration with the demo roles.", valueName: "file"))
    var config: String = "ronda.yml"
    @Option(name: .long, help: ArgumentHelp("Scenario folder (default: the configuration's suite, scenarios/).", valueName: "dir"))
    var suite: String?
    @Option(name: .long, help: ArgumentHelp("Scenarios run at once (default: the configuration's, 4).", valueName: "n"))
    var parallel: Int?
    @Option(name: .long, help: ArgumentHelp("Write the run and its results as JSON here.", valueName: "file"))
    var json: String?
    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file"))
    var junit: String?
    @Option(name: .long, help: ArgumentHelp("SQLite results database (default: the configuration's, .ronda/ronda.sqlite).", valueName: "file"))
    var database: String?
    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "warning"

    /// The configuration's password variables, and the role whose demo password fills each when unset.
    static let passwordVariables: [(variable: String, role: String)] = [
        ("RONDA_RECEPTIONIST_PASSWORD", "receptionist"), ("RONDA_OWNER_PASSWORD", "owner"),
        ("RONDA_DOCTOR_PASSWORD", "doctor"), ("RONDA_CUSTOMER_PASSWORD", "customer"),
    ]

    func run() async throws {
        let logger = try makeLogger()
        let config = try loadConfig()
        let folder = suite ?? config.resolve(config.suite)
        let loaded = Suite.load([folder], config: config)
        if !loaded.issues.isEmpty {
            throw CLIError(.scenarios, "scenario files have problems (nothing was run):\n" + loaded.issues.map(\.description).joined(separator: "\n"))
        }
        guard !loaded.scenarios.isEmpty else { throw CLIError(.usage, "no scenarios under \(folder)") }
        let parallelism = parallel ?? config.defaults.parallel
        guard (1...1024).contains(parallelism) else { throw CLIError(.usage, "--parallel must be 1 to 1024") }

        let demo: RunningDemo
        do { demo = try await DemoApp.start() } catch {
            throw CLIError(.usage, "cannot start the demo app: \(error)")
        }
        let outcome: EmbeddedRun.Outcome
        do {
            outcome = try await runSuite(loaded.scenarios, config: config, demo: demo, folder: folder, parallel: parallelism, logger: logger)
            await demo.stop()
        } catch {
            await demo.stop()
            throw error
        }
        print(Reports.summary(run: outcome.run, results: outcome.results))
        try Reports.write(outcome, junit: junit, json: json)
        if outcome.run.totals.allPassed {
            print("\nAll \(outcome.run.totals.scenarios) scenarios passed. Read them in \(Self.shown(folder))/; serve the app with 'ronda demo-target --port 8080' and run them with 'ronda run'.")
        } else {
            throw ExitCode(1)
        }
    }

    func runSuite(
        _ scenarios: [Scenario], config: RondaConfig, demo: RunningDemo, folder: String, parallel: Int, logger: Logger
    ) async throws -> EmbeddedRun.Outcome {
        // Unbuffered, like the progress lines that follow.
        let header = """
            Demo app listening on \(demo.baseURL) (optica at /login/, cafeteria API at /api/v1/)
            Running \(scenarios.count) scenarios from \(Self.shown(folder)), \(parallel) at a time


            """
        FileHandle.standardOutput.write(Data(header.utf8))
        let environment = Self.environment(demo: demo)
        let progress = Progress(total: scenarios.count)
        let run = EmbeddedRun(
            scenarios: scenarios, engine: EngineConfiguration(config: config, baseURL: demo.baseURL, environment: environment),
            databasePath: database ?? config.resolve(config.database), parallel: parallel,
            delayBetween: config.defaults.delayBetween, trigger: .manual, logger: logger,
            onResult: { progress.record($0) }
        )
        let outcome = try await run.execute()
        progress.finish()
        return outcome
    }

    /// The process environment, with the demo app's passwords for the role variables that are unset.
    static func environment(
        demo: RunningDemo, process: [String: String] = ProcessInfo.processInfo.environment
    ) -> @Sendable (String) -> String? {
        var defaults: [String: String] = [:]
        for (variable, role) in passwordVariables {
            if let password = demo.users.password(forRole: role) { defaults[variable] = password }
        }
        let fallback = defaults
        return { name in process[name] ?? fallback[name] }
    }

    /// A path relative to the current folder when it is below it.
    static func shown(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    func loadConfig() throws -> RondaConfig {
        guard FileManager.default.fileExists(atPath: config) else {
            let here = FileManager.default.currentDirectoryPath
            throw CLIError(.configuration, """
                no \(config) in \(here): 'ronda demo' runs the bundled suite, so run it from the Ronda folder \
                (where ronda.yml and scenarios/ are), or pass --config FILE and --suite DIR
                """)
        }
        do { return try RondaConfig.load(file: config) } catch {
            throw CLIError(.configuration, "the configuration has problems:\n" + error.description)
        }
    }

    func makeLogger() throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw CLIError(.usage, "unknown --log-level '\(logLevel)': use trace, debug, info, notice, warning, error or critical")
        }
        var logger = Logger(label: "ronda") { StderrLogHandler(label: $0, json: false) }
        logger.logLevel = level
        return logger
    }

}
