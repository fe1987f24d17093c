import ArgumentParser
import Foundation
import RondaCore
import RondaEngine

/// `ronda run-scenario FILE`: one scenario, verbosely.
struct RunScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-scenario",
        abstract: "Run one scenario file and print every request, response excerpt and timing.",
        discussion: """
            Nothing is stored. No base URL is needed when every step's URL is absolute. Every env. variable the \
            scenario and its role read must be set: the missing ones are named before any request. \
            Exit status: 0 passed, 1 failed or errored, 2 usage or configuration error.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The scenario file.", valueName: "file"))
    var file: String

    func run() async throws {
        let config = try global.loadConfig()
        let logger = try global.makeLogger(label: "ronda")
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(file: file) } catch {
            throw CLIError(code: .scenarios, message: error.message)
        }
        try Self.checkConfigurationFound(
            scenario,
            configPath: global.config,
            found: FileManager.default.fileExists(atPath: global.config),
            folder: FileManager.default.currentDirectoryPath
        )
        let problems = ScenarioValidator.validate(scenario, config: config)
        if !problems.isEmpty {
            throw CLIError(code: .scenarios, message: problems.map(\.description).joined(separator: "\n"))
        }
        let baseURL = try Self.baseURL(config: config, scenario: scenario, configFile: global.config)
        let environment = ProcessInfo.processInfo.environment
        try Preflight.checkEnvironment(scenarios: [scenario], config: config) { environment[$0] }
        let terminal = Terminal.standardOutput()
        let runner = ScenarioRunner(
            configuration: EngineConfiguration(config: config, baseURL: baseURL ?? ""),
            logger: logger
        )
        print(
            Terminal.safe(
                "scenario \(scenario.name) [\(scenario.priority.rawValue), \(scenario.module)]"
                    + (baseURL.map { " against \($0)" } ?? "")
            )
        )
        let result = await runner.run(
            scenario,
            onStep: { step in
                print(Self.describe(step, terminal: terminal))
            }
        )
        print("")
        print(Reports.line(result, terminal: terminal))
        if result.status == .fail || result.status == .error { throw ExitCode(1) }
    }

    /// A scenario that logs in needs the configuration that defines its role: without it, that is
    /// said once (exit 2) rather than as "no such role" and every variable the login would capture.
    static func checkConfigurationFound(_ scenario: Scenario, configPath: String, found: Bool, folder: String) throws {
        guard !found, let role = scenario.role else { return }
        throw CLIError(
            code: .configuration,
            message:
                "configuration not found: no \(configPath) in \(folder), and the scenario logs in as \(role), a role defined there. "
                + "Run ronda run-scenario in the folder of ronda.yml, or pass --config FILE."
        )
    }

    /// The base URL to run against: the configured one, or none when every request the scenario
    /// (and its role's login) sends has an absolute URL. A URL that starts with `{{ … }}` counts as
    /// absolute: what it renders to is known only at run time.
    static func baseURL(config: RondaConfig, scenario: Scenario, configFile: String) throws -> String? {
        if let baseURL = config.target.baseURL { return baseURL }
        var steps = scenario.steps + scenario.teardown
        if let role = scenario.role, let login = config.roles[role]?.login { steps = login.steps + steps }
        let relative = steps.filter { !isAbsolute($0.path) }
        guard relative.isEmpty else {
            let names = relative.prefix(3).map { "'\($0.name)' (\($0.path.source))" }.joined(separator: ", ")
            let more = relative.count > 3 ? " and \(relative.count - 3) more" : ""
            throw CLIError(
                code: .configuration,
                message:
                    "no target, and \(Terminal.count(relative.count, "step")) \(relative.count == 1 ? "has" : "have") a relative URL: \(names)\(more); set target.base_url in \(configFile), RONDA_BASE_URL, or --base-url, or write absolute URLs"
            )
        }
        return nil
    }

    /// `true` for `http://…`, `https://…` and a URL that starts with an expression.
    static func isAbsolute(_ path: Template) -> Bool {
        let text = path.source.trimmingCharacters(in: .whitespaces).lowercased()
        return text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("{{")
    }

    /// One step as run-scenario prints it. Everything that came from the target (URLs, excerpts,
    /// values, messages) is shown with its control characters escaped.
    static func describe(_ step: StepResult, terminal: Terminal = .plain) -> String {
        let (mark, style): (String, Terminal.Style) =
            [
                "passed": ("✔", .green), "failed": ("✘", .red), "errored": ("!", .yellow), "skipped": ("-", .dim),
            ][step.outcome.rawValue] ?? ("?", .dim)
        let title =
            "\(step.phase == .main ? "" : "[\(step.phase.rawValue)] ")\(step.name)\(step.caseLabel.map { " [\($0)]" } ?? "")"
        var lines = ["\(terminal.paint(mark, style)) \(Terminal.safe(title))"]
        if step.outcome == .skipped {
            lines[0] += " (skipped: condition false)"
            return lines.joined(separator: "\n")
        }
        if let request = step.requestExcerpt { lines.append(indent(request, "  > ")) }
        if let t = step.timings {
            lines.append(
                String(
                    format: "  timings: dns %.1f ms, connect %.1f ms, tls %.1f ms, first byte %.1f ms, total %.1f ms%@",
                    t.dns * 1000,
                    t.connect * 1000,
                    t.tls * 1000,
                    t.firstByte * 1000,
                    t.total * 1000,
                    step.attempts > 1 ? " (\(step.attempts) attempts)" : ""
                )
            )
        }
        if let response = step.responseExcerpt { lines.append(indent(response, "  < ")) }
        for a in step.assertions {
            let text = Terminal.safe(a.passed ? "\(a.subject) \(a.op) \(a.expected)" : a.message)
            lines.append("  \(a.passed ? terminal.paint("ok  ", .green) : terminal.paint("FAIL", .red)) \(text)")
        }
        for (name, value) in step.captures.sorted(by: { $0.key < $1.key }) {
            lines.append("  captured \(Terminal.safe(name)) = \(Terminal.safe(value))")
        }
        if let error = step.error { lines.append("  \(terminal.paint("error:", .red)) \(Terminal.safe(error))") }
        return lines.joined(separator: "\n")
    }

    /// The first 40 lines of `text`, each after `prefix`, with control characters escaped.
    static func indent(_ text: String, _ prefix: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).map {
            prefix + Terminal.safe(String($0))
        }.joined(separator: "\n")
    }
}

/// `ronda validate PATH…`: check scenario files without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files against the schema and the semantic rules; run nothing.",
        discussion: """
            Reports every problem with file:line:column: YAML syntax, unknown keys, wrong types, templates that \
            name unknown variables, functions or fake values, unknown matcher operators, unknown string escapes, \
            duplicate step names, roles missing from the configuration, duplicate scenario names. Scenarios that log in \
            (as:) need the configuration: without ronda.yml, validate says so and fails. \
            Exit status: 0 when every file is valid, 1 when any has a problem, 2 for a bad configuration.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Configuration file (for roles).", valueName: "file"))
    var config: String = "ronda.yml"
    @Argument(help: ArgumentHelp("Scenario files or folders (default: scenarios).", valueName: "path"))
    var paths: [String] = []

    func run() throws {
        var loaded: RondaConfig?
        if FileManager.default.fileExists(atPath: config) {
            do { loaded = try RondaConfig.load(file: config) } catch {
                throw CLIError(code: .configuration, message: "the configuration has problems:\n" + error.message)
            }
        } else if config != "ronda.yml" {
            throw CLIError(code: .configuration, message: "no configuration file at \(config)")
        }
        let targets = paths.isEmpty ? [loaded.map { $0.resolve($0.suite) } ?? "scenarios"] : paths
        let suite = Suite.load(targets, config: loaded, schema: true)
        let (lines, valid) = Self.report(
            suite,
            configured: loaded != nil,
            configPath: config,
            folder: FileManager.default.currentDirectoryPath
        )
        for line in lines { print(line) }
        let environment = ProcessInfo.processInfo.environment
        for warning in Preflight.shortSecretWarnings(
            scenarios: suite.scenarios,
            config: loaded,
            environment: { environment[$0] }
        ) {
            print(warning)
        }
        if !valid { throw ExitCode(1) }
    }

    /// What validate prints, and whether the files are valid. Without the configuration, the roles'
    /// login captures are unknown: that is said once (and fails) rather than as every variable a login sets.
    static func report(
        _ suite: Suite,
        configured: Bool,
        configPath: String,
        folder: String
    ) -> (lines: [String], valid: Bool) {
        var lines: [String] = []
        let roles = Set(suite.scenarios.compactMap(\.role))
        let rolesUnknown = !configured && !roles.isEmpty
        if rolesUnknown {
            let users = suite.scenarios.filter { $0.role != nil }.count
            let one = roles.count == 1
            lines.append(
                "configuration not found: no \(configPath) in \(folder). The \(one ? "role" : "roles") \(roles.sorted().joined(separator: ", ")) "
                    + "(used by \(Terminal.count(users, "scenario"))) \(one ? "is" : "are") unknown, so \(one ? "its" : "their") login steps and the variables "
                    + "\(one ? "it captures" : "they capture") are not checked. Run ronda validate in the folder of ronda.yml, or pass --config FILE."
            )
        }
        lines += suite.issues.map(\.description)
        let scenarios = "\(Terminal.count(suite.scenarios.count, "scenario")) valid"
        if suite.issues.isEmpty, !rolesUnknown {
            lines.append(scenarios)
            return (lines, true)
        }
        let problems = "\(Terminal.count(suite.issues.count, "problem")) found"
        lines.append(
            rolesUnknown ? "\(problems); roles not checked (configuration not found)" : "\(problems); \(scenarios)"
        )
        return (lines, false)
    }
}

/// `ronda schema`: print the JSON Schema of scenario files.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of scenario files (also shipped as schema/scenario.schema.json).",
        discussion:
            "Point your editor's YAML language server at it: # yaml-language-server: $schema=../schema/scenario.schema.json"
    )

    func run() throws {
        print(ScenarioSchema.value.jsonText(pretty: true))
    }
}
