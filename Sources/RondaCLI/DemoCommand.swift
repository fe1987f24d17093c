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
            roles in ronda.yml — the same embedded run as 'ronda run' — prints the summary, writes a \
            self-contained HTML report to .ronda/reports/run-<id>.html and stops the app. Run it from the \
            Ronda folder, where ronda.yml and scenarios/ are.

            The suite's secrets reach the engine from the environment only, never from files: \
            RONDA_<ROLE>_PASSWORD for each role (RONDA_RECEPTIONIST_PASSWORD, RONDA_CUSTOMER_PASSWORD, …) \
            and the webhook secrets RONDA_STRIPE_WEBHOOK_SECRET, RONDA_WOMPI_EVENTS_SECRET and \
            RONDA_MERCADOPAGO_SECRET. When one is unset, the demo app's own value is used (set one to a \
            wrong value to watch a login or a signature check fail). Results go to the SQLite database \
            like any run.

            Faults: --fault NAME switches one of the app's deliberate bugs on (repeatable; --list-faults \
            lists them), to watch the suite catch it; the mutation score (faults caught / faults injected) is \
            printed. --mutation runs the suite against a healthy app, then once per fault in the catalogue, \
            each on a fresh app, and prints per fault whether it was caught and the first failure.

            Exit status: 0 when every scenario passed (with --mutation: the healthy run passed and every \
            fault was caught), 1 when any failed or errored (so 1 when injected faults are caught), 2 for \
            usage or configuration errors, such as an unknown fault.

            Next: 'ronda demo-target --port 8080' serves the app on its own; then 'ronda run' runs the \
            same suite against it. docs/demo.md explains the app, its faults, and how to point Ronda at \
            your own application.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Configuration with the demo roles.", valueName: "file"))
    var config: String = "ronda.yml"
    @Option(
        name: .long,
        help: ArgumentHelp("Scenario folder (default: the configuration's suite, scenarios/).", valueName: "dir")
    )
    var suite: String?
    @OptionGroup var output: RunOutputOptions
    @Option(
        name: .long,
        help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level")
    )
    var logLevel: String = "warning"
    @Option(
        name: .long,
        help: ArgumentHelp("Switch this fault on in the demo app (repeatable; see --list-faults).", valueName: "name")
    )
    var fault: [String] = []
    @Flag(name: .long, help: "List the demo app's faults, one a line, and exit.")
    var listFaults = false
    @Flag(
        name: .long,
        help:
            "Mutation testing: run the suite against a healthy app, then once per fault, each on a fresh app, and print the score."
    )
    var mutation = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Folder for the HTML report run-<id>.html (default: .ronda/reports beside the configuration).",
            valueName: "dir"
        )
    )
    var report: String?

    func run() async throws {
        if listFaults {
            print(Self.faultList(), terminator: "")
            return
        }
        if mutation && !fault.isEmpty {
            throw CLIError(code: .usage, message: "--mutation injects every fault in turn by itself: leave out --fault")
        }
        let unknown = DemoFaults.unknown(fault)
        if !unknown.isEmpty {
            throw CLIError(
                code: .usage,
                message: UnknownFaultError(unknown: unknown, known: DemoFaults.all.map(\.name)).description
                    + "; 'ronda demo --list-faults' lists them"
            )
        }
        let logger = try makeLogger()
        let config = try loadConfig()
        let folder = suite ?? config.resolve(config.suite)
        let loaded = Suite.load([folder], config: config)
        if !loaded.issues.isEmpty {
            throw CLIError(
                code: .scenarios,
                message: "scenario files have problems (nothing was run):\n"
                    + loaded.issues.map(\.description).joined(separator: "\n")
            )
        }
        guard !loaded.scenarios.isEmpty else { throw CLIError(code: .usage, message: "no scenarios under \(folder)") }
        let parallelism = try output.parallelism(default: config.defaults.parallel)
        let runner = DemoRunner(
            config: config,
            entries: loaded.entries,
            databasePath: output.database ?? config.resolve(config.database),
            parallel: parallelism,
            logger: logger
        )
        let reportFolder = report ?? config.resolve(".ronda/reports")
        if mutation {
            try await runMutation(runner, folder: folder, reportFolder: reportFolder)
        } else {
            try await runOnce(runner, folder: folder, reportFolder: reportFolder)
        }
    }

    /// `ronda demo [--fault NAME…]`: one run, with its summary, reports and, with faults, the score.
    func runOnce(_ runner: DemoRunner, folder: String, reportFolder: String) async throws {
        let faults = Self.unique(fault)
        let demo = try await DemoRunner.startDemo(faults: Set(faults))
        let outcome: EmbeddedRun.Outcome
        do {
            let faultNote = faults.isEmpty ? "" : "\nFaults switched on: \(faults.joined(separator: ", "))"
            let header = """
                Demo app listening on \(demo.baseURL) (optica at /login/, cafeteria API at /api/v1/)\(faultNote)
                Running \(Terminal.count(runner.entries.count, "scenario")) from \(Self.shown(folder)), \(runner.parallel) at a time


                """
            // Unbuffered, like the progress lines that follow.
            FileHandle.standardOutput.write(Data(header.utf8))
            let progress = Progress(total: runner.entries.count)
            outcome = try await runner.run(against: demo) { progress.record($0) }
            progress.finish()
            await demo.stop()
        } catch {
            await demo.stop()
            throw error
        }
        print(Reports.summary(run: outcome.run, results: outcome.results, terminal: .standardOutput()))
        try output.writeReports(outcome)
        let path = try HTMLReport.write(outcome, directory: reportFolder, title: "Ronda demo", faults: faults)
        print("\nHTML report: \(Self.shown(path))")
        if !faults.isEmpty {
            // Faults injected together are caught together: the run caught them if it failed.
            let mutant = DemoRunner.mutant(faults: faults, outcome: outcome)
            print("")
            for name in faults {
                print("\(mutant.caught ? "caught     " : "NOT CAUGHT ") \(name)")
            }
            if let first = mutant.firstFailure { print("first failure: \(Terminal.safe(first))") }
            print(DemoRunner.scoreLine(caught: mutant.caught ? faults.count : 0, injected: faults.count))
        }
        if outcome.run.totals.allPassed {
            if faults.isEmpty {
                print(
                    "\n\(outcome.run.totals.scenarios == 1 ? "The scenario" : "All \(outcome.run.totals.scenarios) scenarios") passed. Read them in \(Self.shown(folder))/; serve the app with 'ronda demo-target --port 8080' and run them with 'ronda run'."
                )
            }
        } else {
            throw ExitCode(1)
        }
    }

    /// `ronda demo --mutation`: a healthy baseline, then one fresh app and run per fault.
    func runMutation(_ runner: DemoRunner, folder: String, reportFolder: String) async throws {
        let faults = DemoFaults.all
        let header = """
            Mutation testing: \(Terminal.count(runner.entries.count, "scenario")) from \(Self.shown(folder)), \(runner.parallel) at a time, \
            against a healthy demo app, then once per fault (\(faults.count)), each on a fresh app


            """
        FileHandle.standardOutput.write(Data(header.utf8))
        let width = max(faults.map(\.name.count).max() ?? 0, 5)
        let started = Date()
        let result = try await runner.mutation(faults: faults) { mutant in
            let name = mutant.faults.joined(separator: ",").padding(toLength: width, withPad: " ", startingAt: 0)
            let line =
                mutant.caught
                ? "caught      \(name)  \(mutant.failures) failed — \(mutant.firstFailure ?? "")\n"
                : "NOT CAUGHT  \(name)  every scenario passed\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let baseline = result.baseline.run.totals
        let score = DemoRunner.scoreLine(caught: result.caught, injected: result.mutants.count)
        print("")
        if baseline.allPassed {
            print(
                "baseline (no fault): \(baseline.passed)/\(Terminal.count(baseline.scenarios, "scenario")) passed (run \(result.baseline.run.id))"
            )
        } else {
            print(
                "baseline (no fault): FAILED, \(baseline.failed) failed and \(baseline.errored) errored — a fault is only caught when the healthy app passes:"
            )
            print(
                Reports.summary(run: result.baseline.run, results: result.baseline.results, terminal: .standardOutput())
            )
        }
        print(score + String(format: " in %.1f s", Date().timeIntervalSince(started)))
        let path = try HTMLReport.write(
            result.baseline,
            directory: reportFolder,
            title: "Ronda demo mutation testing",
            mutation: HTMLReport.Mutation(mutants: result.mutants, scoreLine: score)
        )
        print("HTML report: \(Self.shown(path))")
        if faults.isEmpty { print("The demo app's fault catalogue is empty: nothing to inject.") }
        if !result.perfect { throw ExitCode(1) }
    }

    /// The process environment, with the demo app's values for the suite's variables that are unset.
    static func environment(
        demo: RunningDemo,
        process: [String: String] = ProcessInfo.processInfo.environment
    ) -> @Sendable (String) -> String? {
        DemoRunner.environment(demo: demo, process: process)
    }

    /// The catalogue, one fault a line: its name, padded, then its one-line summary.
    static func faultList(_ faults: [DemoFault] = DemoFaults.all) -> String {
        let width = faults.map(\.name.count).max() ?? 0
        return faults.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary + "\n" }
            .joined()
    }

    /// The names in their first order, without repeats.
    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// A path relative to the current folder when it is below it.
    static func shown(_ path: String) -> String {
        let here = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    func loadConfig() throws -> RondaConfig {
        guard FileManager.default.fileExists(atPath: config) else {
            let here = FileManager.default.currentDirectoryPath
            throw CLIError(
                code: .configuration,
                message: """
                    no \(config) in \(here): 'ronda demo' runs the bundled suite, so run it from the Ronda folder \
                    (where ronda.yml and scenarios/ are), or pass --config FILE and --suite DIR
                    """
            )
        }
        do { return try RondaConfig.load(file: config) } catch {
            throw CLIError(code: .configuration, message: "the configuration has problems:\n" + error.message)
        }
    }

    func makeLogger() throws -> Logger {
        try GlobalOptions.makeLogger(label: "ronda", level: logLevel, format: "text")
    }

}
