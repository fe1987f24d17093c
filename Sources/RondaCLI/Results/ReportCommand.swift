import ArgumentParser
import Foundation
import RondaCore
import RondaStore

/// `ronda report [RUN|latest]`: a recorded run, grouped by module, as text, HTML, JUnit or JSON.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report a recorded run grouped by module: text, and optionally HTML, JUnit XML and JSON files.",
        discussion: """
            Reads the run from the results database (RONDA_DATABASE_URL, else the configuration's SQLite file). \
            A cause that broke several scenarios (a login that fails, an unset variable) is printed once with the \
            scenarios it hit. Exit status: 0 when the run passed, 1 when it had failures.

            Example: ronda report latest --html report.html --junit report.xml
            """
    )

    @OptionGroup var results: ResultsStoreOptions
    @OptionGroup var logging: LoggingOptions
    @Argument(help: "A run id (or its first characters), or 'latest'.") var run: String = "latest"
    @Option(help: ArgumentHelp("Write a self-contained HTML report here.", valueName: "file")) var html: String?
    @Option(help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file")) var junit: String?
    @Option(help: ArgumentHelp("Write the run and its results as JSON here.", valueName: "file")) var json: String?

    func run() async throws {
        let wanted = run
        let outcome = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
            let record = try await ReportCommand.find(wanted, in: store)
            return EmbeddedRun.Outcome(run: record, results: try await store.results(runID: record.id))
        }
        print(Reports.summary(run: outcome.run, results: outcome.results, terminal: .standardOutput()))
        try Reports.write(outcome, junit: junit, json: json, html: html)
        if outcome.run.status == .completed && !outcome.run.totals.allPassed { throw ExitCode(1) }
    }

    static func find(_ wanted: String, in store: any ResultStore) async throws -> RunRecord {
        if wanted == "latest" {
            guard let latest = try await store.recentRuns(limit: 1).first else {
                throw CLIError(code: .usage, message: "no runs recorded yet")
            }
            return latest
        }
        if let exact = try await store.run(id: wanted) { return exact }
        let matches = try await store.recentRuns(limit: 1000).filter { $0.id.hasPrefix(wanted) }
        guard matches.count == 1, let match = matches.first, wanted.count >= 4 else {
            throw CLIError(
                code: .usage,
                message: matches.count > 1
                    ? "more than one run id starts with '\(wanted)': give more characters"
                    : "no run '\(wanted)' (see `ronda runs list`)"
            )
        }
        return match
    }
}
