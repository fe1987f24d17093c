import ArgumentParser
import Foundation
import RondaCore
import RondaStore

/// `ronda runs list`.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Recent runs: status, passed/total, failed, execution time, release.",
        subcommands: [List.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The most recent runs, newest first.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "How many runs.") var limit: Int = 20
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            guard limit > 0 else { throw CLIError(code: .usage, message: "--limit must be at least 1") }
            let runs = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await store.recentRuns(limit: limit)
            }
            if json {
                print(try ResultsJSON.text(runs))
                return
            }
            if runs.isEmpty { print("no runs yet") }
            for run in runs { print(RunsCommand.line(run)) }
        }
    }

    /// `2026-12-06T05:00:00Z  9f1c…  completed  60/63 passed  2 failed  1 errored  41.2 s  schedule every-15m  2.14.0`.
    static func line(_ run: RunRecord) -> String {
        let t = run.totals
        var parts = [
            Reports.timestamp(run.startedAt), run.id, run.status.rawValue, "\(t.passed)/\(t.scenarios) passed",
            "\(t.failed) failed", "\(t.errored) errored",
            run.executionTime.map { String(format: "%.1f s", $0) } ?? "-",
            run.schedule.map { "schedule \($0)" } ?? run.trigger.rawValue,
        ]
        if let release = run.release { parts.append("release \(release)") }
        return parts.joined(separator: "  ")
    }
}
