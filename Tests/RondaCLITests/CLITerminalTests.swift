import ArgumentParser
import Foundation
import RondaCore
import Testing

@testable import RondaCLI

/// What a person sees at the terminal: escaped target text, colour only where wanted, plurals,
/// and help that lists only what a command uses.
struct CLITerminalTests {
    /// A response that tries to recolour the screen, set the window title, ring the bell, clear
    /// the screen with a C1 CSI and reverse the text that follows.
    static let hostile = "ok\u{1B}[31m red\u{07}\u{1B}]0;owned\u{07}\r\u{9B}2J\u{202E}x\ty"

    @Test func controlCharactersAreShownEscaped() {
        #expect(Terminal.safe(Self.hostile) == #"ok\x1B[31m red\x07\x1B]0;owned\x07\x0D\x9B2J\u{202E}x"# + "\ty")
        #expect(Terminal.safe("a\nb") == #"a\x0Ab"#)
        #expect(Terminal.safe("a\nb", keepNewlines: true) == "a\nb")
        #expect(Terminal.safe("\u{7F}\u{00}é✔") == #"\x7F\x00"# + "é✔")
    }

    @Test func runScenarioStepsFailureLinesAndProgressEscapeTheTarget() {
        let step = StepResult(
            index: 0,
            name: "Get \u{1B}[2J",
            outcome: .failed,
            method: "GET",
            url: "http://x/a",
            status: 500,
            attempts: 1,
            assertions: [
                AssertionResult(subject: "body", op: "contains", expected: "fine", actual: Self.hostile, passed: false)
            ],
            captures: ["note": Self.hostile],
            requestExcerpt: "GET http://x/a",
            responseExcerpt: "HTTP 500\nx-title: \u{1B}]2;pwned\u{07}\n\n" + Self.hostile,
            error: "odd \u{1B}[5m"
        )
        let described = RunScenarioCommand.describe(step)
        #expect(
            !described.contains("\u{1B}") && !described.contains("\u{07}") && !described.contains("\u{9B}"),
            "\(described)"
        )
        #expect(described.contains(#"  < x-title: \x1B]2;pwned\x07"#))
        #expect(described.contains(#"  error: odd \x1B[5m"#))
        #expect(
            described.split(separator: "\n", omittingEmptySubsequences: false).count == 9,
            "newlines in excerpts stay: one printed line each"
        )

        let result = ScenarioResult(
            runID: "r",
            scenario: "S\u{1B}[1m",
            module: "m",
            priority: .p0,
            status: .fail,
            steps: [step]
        )
        for text in [
            Reports.line(result),
            Reports.summary(run: RunRecord(id: "r", trigger: .manual, deadline: Date()), results: [result]),
        ] {
            #expect(!text.contains("\u{1B}") && !text.contains("\u{07}"), "\(text)")
            #expect(text.contains(#"S\x1B[1m"#))
        }
        let redraw = Progress.redraw(
            Progress.State(done: 1, failed: 1),
            total: 2,
            last: "S\u{1B}]0;t\u{07}",
            terminal: .plain
        )
        #expect(redraw == "\r[1/2] 0 passed, 1 failed, 0 errored — " + #"S\x1B]0;t\x07"# + "\u{1B}[K")
    }

    @Test func colourOnlyOnATerminalWithoutNoColour() {
        #expect(Terminal.wantsColour(isTerminal: true, environment: [:]))
        #expect(
            Terminal.wantsColour(isTerminal: true, environment: ["NO_COLOR": ""]),
            "an empty NO_COLOR does not count"
        )
        #expect(!Terminal.wantsColour(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!Terminal.wantsColour(isTerminal: true, environment: ["TERM": "dumb"]))
        #expect(!Terminal.wantsColour(isTerminal: false, environment: [:]), "piped: no colour")

        let colour = Terminal(colour: true)
        let failed = ScenarioResult(
            runID: "r",
            scenario: "S",
            module: "m",
            priority: .p0,
            status: .fail,
            errorMessage: "boom"
        )
        let run = RunRecord(id: "r", trigger: .manual, totals: RunTotals(scenarios: 1, failed: 1), deadline: Date())
        #expect(
            Reports.summary(run: run, results: [failed], terminal: colour).contains(
                "\u{1B}[31mFAIL \u{1B}[0m [P0] m/S: boom"
            )
        )
        #expect(Reports.line(failed, terminal: colour).hasPrefix("\u{1B}[31mFAIL \u{1B}[0m m/S"))
        #expect(
            RunScenarioCommand.describe(StepResult(index: 0, name: "A", outcome: .passed), terminal: colour).hasPrefix(
                "\u{1B}[32m✔\u{1B}[0m A"
            )
        )
        #expect(!Reports.summary(run: run, results: [failed]).contains("\u{1B}"))
    }

    @Test func countsUseTheRightPluralForm() {
        #expect(Terminal.count(1, "scenario") == "1 scenario")
        #expect(Terminal.count(0, "scenario") == "0 scenarios")
        #expect(Terminal.count(2, "run") == "2 runs")
        let one = Reports.summary(
            run: RunRecord(id: "r", trigger: .manual, totals: RunTotals(scenarios: 1, passed: 1), deadline: Date()),
            results: []
        )
        #expect(one.contains("\n1 scenario: 1 passed"), "\(one)")
        let html = HTMLReport.render(
            run: RunRecord(id: "r", trigger: .manual, totals: RunTotals(scenarios: 1, passed: 1), deadline: Date()),
            results: []
        )
        #expect(html.contains("the scenario passed"))
    }

    /// Each subcommand's `--help` lists the options it uses, and only those.
    @Test(arguments: [
        (
            ["migrate"], ["--database-url", "--log-level", "--log-format"],
            ["--redis-url", "--base-url", "--config", "--lease-time"]
        ),
        (["stats"], ["--redis-url", "--database-url", "--config", "--json"], ["--lease-time", "--base-url"]),
        (["cleanup"], ["--database-url", "--older-than"], ["--lease-time", "--redis-url", "--base-url", "--config"]),
        (["pause"], ["--redis-url", "--database-url"], ["--lease-time", "--base-url", "--config"]),
        (["resume"], ["--redis-url", "--database-url"], ["--lease-time", "--base-url", "--config"]),
        (["run"], ["--base-url", "--config", "--redis-url", "--database-url", "--lease-time", "--junit"], []),
        (
            ["run-scenario"], ["--base-url", "--config", "--log-level"],
            ["--redis-url", "--database-url", "--lease-time", "--junit"]
        ),
    ])
    func helpListsOnlyTheOptionsACommandUses(_ command: [String], _ listed: [String], _ absent: [String]) throws {
        let type = try #require(
            RondaCommand.configuration.subcommands.first { $0.configuration.commandName == command[0] }
        )
        let help = RondaCommand.helpMessage(for: type)
        for option in listed { #expect(help.contains(option), "\(command[0]) --help lacks \(option)") }
        for option in absent { #expect(!help.contains(option), "\(command[0]) --help lists \(option)") }
    }

    @Test func optionsACommandDoesNotUseAreRejected() async {
        #expect(await RondaCommand.main(arguments: ["migrate", "--redis-url", "redis://127.0.0.1:1"]) == 2)
        #expect(await RondaCommand.main(arguments: ["cleanup", "--lease-time", "60s"]) == 2)
        #expect(await RondaCommand.main(arguments: ["pause", "--base-url", "http://127.0.0.1:1"]) == 2)
    }
}
