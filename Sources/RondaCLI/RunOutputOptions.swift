import ArgumentParser

/// The options `ronda run` and `ronda demo` share: how many scenarios at once, where results
/// and reports go.
struct RunOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Scenarios run at once (default: the configuration's, 4).", valueName: "n"))
    var parallel: Int?
    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file"))
    var junit: String?
    @Option(name: .long, help: ArgumentHelp("Write the run and its results as JSON here.", valueName: "file"))
    var json: String?
    @Option(name: .long, help: ArgumentHelp("Write a self-contained HTML report here.", valueName: "file"))
    var html: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite results database (default: the configuration's, .ronda/ronda.sqlite).",
            valueName: "file"
        )
    )
    var database: String?

    /// `--parallel`, or the configuration's default; 1 to 1024.
    func parallelism(default value: Int) throws -> Int {
        let n = parallel ?? value
        guard (1...1024).contains(n) else { throw CLIError(code: .usage, message: "--parallel must be 1 to 1024") }
        return n
    }

    /// Writes the JUnit and JSON reports that were asked for.
    func writeReports(_ outcome: EmbeddedRun.Outcome) throws {
        try Reports.write(outcome, junit: junit, json: json, html: html)
    }
}
