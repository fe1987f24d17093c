import ArgumentParser
import Foundation
import RondaCore
import RondaStore

/// `ronda alerts list|test`.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert decisions and their delivery to each channel; send a test message.",
        discussion: """
            Each finalized run decides at most one alert (new errors, regressions, recoveries, reminders, the \
            threshold, escalations), written to the outbox in the transaction that finalized the run and \
            delivered to each routed channel with retries (docs/alerts.md).
            """,
        subcommands: [List.self, Test.self, Deliver.self, Notify.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Outbox rows, newest first: decision, channel, state (pending, delivered, suppressed, failed)."
        )
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "How many rows.") var limit: Int = 50
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            guard limit > 0 else { throw CLIError(code: .usage, message: "--limit must be at least 1") }
            let rows = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await store.alertOutbox(limit: limit)
            }
            if json {
                print(try ResultsJSON.text(rows))
                return
            }
            if rows.isEmpty { print("no alert decisions yet") }
            for row in rows { print(AlertsCommand.line(row)) }
        }
    }

    /// `2026-12-06T05:00:00.000Z  delivered  ops  run-9f1c…  new_error  Ronda: run 9f1c… — …`.
    static func line(_ row: OutboxEntry) -> String {
        var text =
            "\(Reports.timestamp(row.createdAt))  \(row.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
            + "  \(Terminal.safe(row.channel))  \(row.decision)  \(row.trigger.rawValue)  \(Terminal.safe(row.alert.title))"
        if row.attempts > 0 { text += "  (\(Terminal.count(row.attempts, "attempt")))" }
        if let error = row.lastError, row.state != .delivered { text += "  last error: \(Terminal.safe(error))" }
        if let note = row.note { text += "  \(Terminal.safe(note))" }
        return text
    }
}
