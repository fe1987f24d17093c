import ArgumentParser
import Foundation
import RondaCore
import RondaStore

/// `ronda quarantine add|remove|list NAME`.
struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract:
            "Quarantine flaky scenarios: they still run and are recorded, but never alert nor count toward the threshold.",
        subcommands: [Add.self, Remove.self, List.self],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Quarantine a scenario (by its `scenario:` name).")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "Scenario name.") var name: String
        @Option(help: "Why (shown by `list`).") var reason: String?

        func run() async throws {
            let added = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await store.setQuarantined(name, true, reason: reason, at: Date())
            }
            print(added ? "quarantined: \(name)" : "\(name) was already quarantined")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a scenario out of quarantine.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "Scenario name.") var name: String

        func run() async throws {
            let removed = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await store.setQuarantined(name, false, reason: nil, at: Date())
            }
            guard removed else {
                throw CLIError(code: .usage, message: "\(name) is not quarantined (see `ronda quarantine list`)")
            }
            print("out of quarantine: \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Quarantined scenarios, then the flaky ones: outcome flips and passes after a retry over recent runs."
        )
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "Runs per scenario flakiness is measured over (default: alerts.flaky_window, 20).") var window:
            Int?
        @Flag(help: "Print JSON instead of text.") var json = false

        struct Output: Codable {
            var quarantined: [QuarantineEntry]
            var flaky: [Flakiness]
        }

        func run() async throws {
            let config = try results.loadConfig().alerts
            let runs = window ?? config.flakyWindow
            guard runs >= 2 else { throw CLIError(code: .usage, message: "--window must be at least 2") }
            let output = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                let history = try await store.scenarioHistory(scenario: nil, window: runs)
                let flaky = history.map { Flakiness(scenario: $0.key, history: $0.value) }
                    .filter { $0.isFlaky(threshold: config.flakyThreshold) || $0.retryShare > 0 }
                    .sorted { ($0.flipShare, $0.retryShare, $1.scenario) > ($1.flipShare, $1.retryShare, $0.scenario) }
                return Output(quarantined: try await store.quarantined(), flaky: flaky)
            }
            if json {
                print(try ResultsJSON.text(output))
                return
            }
            print(output.quarantined.isEmpty ? "quarantine: empty" : "quarantine:")
            for entry in output.quarantined {
                print(
                    "  \(Terminal.safe(entry.scenario))  since \(Timestamp.text(entry.addedAt))\(entry.reason.map { "  (\(Terminal.safe($0)))" } ?? "")"
                )
            }
            print(output.flaky.isEmpty ? "flaky: none over the last \(runs) runs" : "flaky (last \(runs) runs):")
            let quarantined = Set(output.quarantined.map(\.scenario))
            for f in output.flaky {
                let mark = f.isFlaky(threshold: config.flakyThreshold) ? "FLAKY" : "retry"
                print(
                    "  \(mark)  \(Terminal.safe(f.scenario))  \(Int((f.flipShare * 100).rounded()))% flips, "
                        + "\(Int((f.retryShare * 100).rounded()))% passed after a retry (\(f.runs) runs)"
                        + (quarantined.contains(f.scenario) ? "  [quarantined]" : "")
                )
            }
        }
    }
}
