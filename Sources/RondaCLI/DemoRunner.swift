import DemoTarget
import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaEngine

/// Runs the bundled suite against the demo app: what `ronda demo` and `ronda demo --mutation` do,
/// and what the integration tests repeat.
///
/// The suite's secrets (role passwords, webhook secrets) reach the engine only through
/// `EngineConfiguration.environment`, from `environment(demo:process:)`: never through files.
struct DemoRunner {
    var config: RondaConfig
    /// The suite's scenarios with the text `Suite.load` validated.
    var entries: [Suite.Entry]
    var scenarios: [Scenario] { entries.map(\.scenario) }
    /// The SQLite results database every run is recorded in.
    var databasePath: String
    /// Scenarios run at once.
    var parallel: Int
    var logger: Logger
    /// The process environment; a variable set here wins over the demo app's own value.
    var process: [String: String] = ProcessInfo.processInfo.environment

    /// Runs every scenario once against `demo`.
    func run(
        against demo: RunningDemo,
        onResult: (@Sendable (ScenarioResult) -> Void)? = nil
    ) async throws -> EmbeddedRun.Outcome {
        let run = EmbeddedRun(
            snapshots: entries.map(ScenarioSnapshot.init),
            engine: EngineConfiguration(
                config: config,
                baseURL: demo.baseURL,
                environment: Self.environment(demo: demo, process: process)
            ),
            databasePath: databasePath,
            parallel: parallel,
            delayBetween: .zero,
            trigger: .manual,
            logger: logger,
            onResult: onResult
        )
        return try await run.execute()
    }

    /// Starts a fresh demo app with `faults` on, runs the suite once against it and stops it.
    func runFresh(
        faults: Set<String> = [],
        onResult: (@Sendable (ScenarioResult) -> Void)? = nil
    ) async throws -> (EmbeddedRun.Outcome, RunningDemo) {
        let demo = try await Self.startDemo(faults: faults, process: process)
        do {
            let outcome = try await run(against: demo, onResult: onResult)
            await demo.stop()
            return (outcome, demo)
        } catch {
            await demo.stop()
            throw error
        }
    }

    /// Starts the demo app on a free loopback port, with the accounts from `DEMO_*_PASSWORD`.
    /// - Throws: `CLIError` (exit 2) for an unknown fault or when it cannot listen.
    static func startDemo(
        faults: Set<String>,
        process: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> RunningDemo {
        do {
            return try await DemoApp.start(users: .fromEnvironment(process), faults: faults)
        } catch let error as UnknownFaultError {
            throw CLIError(code: .usage, message: error.description + "; 'ronda demo --list-faults' lists them")
        } catch {
            throw CLIError(code: .usage, message: "cannot start the demo app: \(error.operatorMessage)")
        }
    }

    /// Each secret the bundled suite reads from the environment, with the demo app's value for it:
    /// `RONDA_<ROLE>_PASSWORD` for every demo account role (`RONDA_RECEPTIONIST_PASSWORD`,
    /// `RONDA_CAFETERIA_OWNER_PASSWORD`, …), `RONDA_MERCADOPAGO_SECRET`, `RONDA_STRIPE_WEBHOOK_SECRET`
    /// and `RONDA_WOMPI_EVENTS_SECRET`.
    static func demoValues(demo: RunningDemo) -> [String: String] {
        var values: [String: String] = [:]
        for entry in DemoUsers.passwordVariables {
            if let password = demo.users.password(forRole: entry.role) {
                values["RONDA_\(entry.role.uppercased())_PASSWORD"] = password
            }
        }
        values["RONDA_MERCADOPAGO_SECRET"] = demo.users.mercadoPagoWebhookSecret
        for entry in DemoSecrets.variables {
            values[entry.rondaVariable] = demo.users.webhookSecrets.value(forRondaVariable: entry.rondaVariable)
        }
        return values
    }

    /// The process environment, with the demo app's values for the suite's variables that are unset.
    static func environment(
        demo: RunningDemo,
        process: [String: String] = ProcessInfo.processInfo.environment
    ) -> @Sendable (String) -> String? {
        let fallback = demoValues(demo: demo)
        return { name in process[name] ?? fallback[name] }
    }

    // MARK: Mutation testing

    /// What the suite made of one injected fault.
    struct Mutant: Sendable {
        /// The faults switched on together (one, for `--mutation`).
        var faults: [String]
        /// `true` when at least one scenario failed or errored.
        var caught: Bool
        /// How many scenarios failed or errored.
        var failures: Int
        /// "module/scenario: message" of the first problem (by priority, then name).
        var firstFailure: String?
        var runID: String
    }

    /// Judges one run against a target with `faults` on.
    static func mutant(faults: [String], outcome: EmbeddedRun.Outcome) -> Mutant {
        let problems = outcome.results.filter { $0.status == .fail || $0.status == .error }
            .sorted { ($0.priority, $0.module, $0.scenario) < ($1.priority, $1.module, $1.scenario) }
        let first = problems.first.map { "\($0.module)/\($0.scenario): \($0.errorMessage ?? "no message")" }
        return Mutant(
            faults: faults,
            caught: !outcome.run.totals.allPassed,
            failures: problems.count,
            firstFailure: first,
            runID: outcome.run.id
        )
    }

    /// The outcome of `ronda demo --mutation`.
    struct MutationReport {
        /// The run against a healthy target.
        var baseline: EmbeddedRun.Outcome
        var mutants: [Mutant]
        var caught: Int { mutants.filter(\.caught).count }
        /// `true` when the baseline passed and every fault was caught (and there was at least one).
        var perfect: Bool { baseline.run.totals.allPassed && !mutants.isEmpty && caught == mutants.count }
    }

    /// Runs the suite against a healthy fresh target, then once per fault, each on a fresh target.
    /// - Parameter onMutant: called as each fault's run ends.
    func mutation(faults: [DemoFault], onMutant: (Mutant) -> Void = { _ in }) async throws -> MutationReport {
        let (baseline, _) = try await runFresh()
        var mutants: [Mutant] = []
        for fault in faults {
            let (outcome, _) = try await runFresh(faults: [fault.name])
            let mutant = Self.mutant(faults: [fault.name], outcome: outcome)
            onMutant(mutant)
            mutants.append(mutant)
        }
        return MutationReport(baseline: baseline, mutants: mutants)
    }

    /// "mutation score: 3/4 (75%)".
    static func scoreLine(caught: Int, injected: Int) -> String {
        guard injected > 0 else { return "mutation score: 0/0 (no fault injected)" }
        let percent = Int((Double(caught) * 100 / Double(injected)).rounded(.down))
        return "mutation score: \(caught)/\(injected) (\(percent)%)"
    }
}
