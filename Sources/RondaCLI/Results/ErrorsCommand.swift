import ArgumentParser
import Foundation
import RondaCore
import RondaStore

/// `ronda errors list|show|resolve|ignore|reopen`: the error groups.
struct ErrorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors",
        abstract: "Error groups: every failure, grouped by fingerprint, with first/last seen, releases and status.",
        discussion: """
            A group is (scenario, failing step, error kind, normalized message): ids, numbers, times and quoted \
            values are replaced by placeholders, so the same failure in every run is one group (docs/alerts.md). \
            A group resolves by itself when its scenario passes alerts.resolve_after runs in a row, and reopens \
            as a regression when it comes back. Name a group by the first characters of its fingerprint.
            """,
        subcommands: [List.self, Show.self, Resolve.self, Ignore.self, Reopen.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Error groups, most recently seen first.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "open, resolved, ignored or all.") var status: String = "open"
        @Option(help: "How many groups at most.") var limit: Int = 50
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let filter: ErrorGroupStatus?
            if status == "all" {
                filter = nil
            } else if let parsed = ErrorGroupStatus(rawValue: status) {
                filter = parsed
            } else {
                throw CLIError(code: .usage, message: "--status '\(status)': use open, resolved, ignored or all")
            }
            guard limit > 0 else { throw CLIError(code: .usage, message: "--limit must be at least 1") }
            let groups = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await store.errorGroups(status: filter, limit: limit)
            }
            if json {
                print(try ResultsJSON.text(groups))
                return
            }
            if groups.isEmpty {
                print("no \(filter.map { "\($0.rawValue) " } ?? "")error groups")
                return
            }
            for group in groups { print(ErrorsCommand.line(group)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One error group in full.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "The group's fingerprint, or its first characters.") var fingerprint: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let group = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                try await ErrorsCommand.find(fingerprint, in: store)
            }
            print(json ? try ResultsJSON.text(group) : ErrorsCommand.details(group))
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a group resolved (it reopens as a regression if it recurs)."
        )
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.resolved) }
    }

    struct Ignore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ignore a group: still counted, never alerted.")
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.ignored) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved or ignored group.")
        @OptionGroup var change: StatusChange
        func run() async throws { try await change.apply(.open) }
    }

    struct StatusChange: ParsableArguments {
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "The group's fingerprint, or its first characters.") var fingerprint: String

        func apply(_ status: ErrorGroupStatus) async throws {
            let group = try await results.withStore(logger: try logging.makeLogger(label: "ronda")) { store in
                let group = try await ErrorsCommand.find(fingerprint, in: store)
                return try await store.setErrorGroupStatus(group, to: status, at: Date())
            }
            print("\(group.fingerprint.prefix(12)) \(group.scenario): \(status.rawValue)")
        }
    }

    static func find(_ prefix: String, in store: any ResultStore) async throws -> ErrorGroup {
        let clean = prefix.lowercased()
        guard clean.count >= 4, clean.allSatisfy(\.isHexDigit) else {
            throw CLIError(code: .usage, message: "'\(prefix)' is not a fingerprint: give at least 4 of its hex digits")
        }
        let found = try await store.errorGroups(prefix: clean)
        guard let group = found.first else {
            throw CLIError(
                code: .usage,
                message: "no error group's fingerprint starts with \(clean) (see `ronda errors list --status all`)"
            )
        }
        guard found.count == 1 else {
            throw CLIError(
                code: .usage,
                message: "more than one group's fingerprint starts with \(clean): give more digits"
            )
        }
        return group
    }

    /// `3f2a9c1e07b4  open  ×4  appointments/CreateAppointment  step 'Save': expected status 201, got 500`.
    static func line(_ g: ErrorGroup) -> String {
        let status = g.regressions > 0 && g.status == .open ? "regressed" : g.status.rawValue
        return
            "\(g.fingerprint.prefix(12))  \(status.padding(toLength: 9, withPad: " ", startingAt: 0))  ×\(g.occurrences)  "
            + "\(Terminal.safe(g.module))/\(Terminal.safe(g.scenario))  \(Terminal.safe(g.message))"
    }

    static func details(_ g: ErrorGroup) -> String {
        var lines = [
            "fingerprint:   \(g.fingerprint)",
            "status:        \(g.status.rawValue)\(g.regressions > 0 ? " (regressed \(g.regressions)×, last \(Timestamp.text(g.regressedAt ?? g.lastSeen)))" : "")",
            "scenario:      \(Terminal.safe(g.module))/\(Terminal.safe(g.scenario)) [\(g.priority.rawValue)]",
            "step:          \(Terminal.safe(g.step ?? "-"))\(g.signature.map { " (\(Terminal.safe($0)))" } ?? "")",
            "error:         \(g.errorKind): \(Terminal.safe(g.message))",
            "normalized:    \(Terminal.safe(g.normalizedMessage))",
            "occurrences:   \(g.occurrences), first seen \(Timestamp.text(g.firstSeen)) (run \(g.firstRunID)), last seen \(Timestamp.text(g.lastSeen)) (run \(g.lastRunID))",
        ]
        if let url = g.url {
            lines.append("request:       \(Terminal.safe(url))\(g.httpStatus.map { " → \($0)" } ?? "")")
        }
        if let release = g.firstRelease { lines.append("new since:     \(release)") }
        if let resolved = g.resolvedAt {
            lines.append("resolved:      \(Timestamp.text(resolved))\(g.resolvedRelease.map { " in \($0)" } ?? "")")
        }
        if let ttr = g.timeToResolution { lines.append("resolved in:   \(Int(ttr)) s after first seen") }
        if let excerpt = g.excerpt { lines.append("response:\n" + Terminal.safe(excerpt, keepNewlines: true)) }
        return lines.joined(separator: "\n")
    }
}

/// JSON for the result commands: sorted keys, ISO-8601 dates, snake_case.
enum ResultsJSON {
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
