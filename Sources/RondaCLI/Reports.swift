import Foundation
import RondaCore

/// Text, JUnit and JSON renderings of a finished run.
enum Reports {
    /// The summary table by module, then every failed check of every problem scenario.
    /// Text from the target is shown with its control characters escaped; colour only with `terminal.colour`.
    static func summary(run: RunRecord, results: [ScenarioResult], terminal: Terminal = .plain) -> String {
        var lines: [String] = []
        let modules = Dictionary(grouping: results, by: \.module).sorted { $0.key < $1.key }
        let header = ["module", "passed", "failed", "errored", "skipped", "slowest step"]
        var rows: [[String]] = []
        for (module, items) in modules {
            let slowest = items.flatMap { r in
                r.steps.compactMap { s in s.timings.map { (r.scenario, s.name, $0.total) } }
            }.max { $0.2 < $1.2 }
            rows.append([
                Terminal.safe(module), String(items.filter { $0.status == .pass }.count),
                String(items.filter { $0.status == .fail }.count),
                String(items.filter { $0.status == .error }.count), String(items.filter { $0.status == .skip }.count),
                slowest.map { Terminal.safe("\($0.1) (\($0.0)) \(Int($0.2 * 1000)) ms") } ?? "-",
            ])
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func format(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i == 0 || i == row.count - 1
                    ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append(format(header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(format)
        let problems = results.filter { $0.status == .fail || $0.status == .error }
        if !problems.isEmpty {
            lines.append("")
            lines.append("Problems:")
            let (causes, rest) = FailureCauses.collapse(problems.compactMap { FailureCauses.failure(of: $0) })
            for cause in causes {
                let label = terminal.paint("CAUSE", .red)
                lines.append(
                    "  \(label) \(Terminal.safe(cause.step)) broke \(Terminal.count(cause.scenarios.count, "scenario")): "
                        + Terminal.safe(cause.message)
                )
                lines.append("      " + cause.scenarios.map { Terminal.safe($0) }.joined(separator: ", "))
            }
            let alone = Set(rest.map(\.scenario))
            for r in problems.sorted(by: { ($0.priority, $0.scenario) < ($1.priority, $1.scenario) })
            where alone.contains(r.scenario) {
                let label = terminal.paint(r.status == .fail ? "FAIL " : "ERROR", r.status == .fail ? .red : .yellow)
                let name = "\(label) [\(r.priority.rawValue)] \(Terminal.safe(r.module))/\(Terminal.safe(r.scenario))"
                let checks = FailedCheck.of(r)
                if checks.count == 1 {
                    lines.append("  \(name): \(Terminal.safe(checks[0].text))")
                } else {
                    lines.append("  \(name): \(Terminal.count(checks.count, "failed check"))")
                    lines += checks.map { "      \(Terminal.safe($0.text))" }
                }
            }
        }
        let t = run.totals
        lines.append("")
        let counts = [
            terminal.paint("\(t.passed) passed", t.passed > 0 ? .green : .dim),
            terminal.paint("\(t.failed) failed", t.failed > 0 ? .red : .dim),
            terminal.paint("\(t.errored) errored", t.errored > 0 ? .yellow : .dim),
            terminal.paint("\(t.skipped) skipped", .dim),
        ].joined(separator: ", ")
        lines.append(
            "\(Terminal.count(t.scenarios, "scenario")): \(counts) in \(String(format: "%.2f", run.executionTime ?? 0)) s (run \(run.id))"
        )
        return lines.joined(separator: "\n")
    }

    /// A one-line record of one result, for non-terminal output: its first failed check, and how
    /// many more the summary lists.
    static func line(_ r: ScenarioResult, terminal: Terminal = .plain) -> String {
        let label =
            ["pass": "PASS ", "fail": "FAIL ", "error": "ERROR", "skip": "SKIP "][r.status.rawValue]
            ?? r.status.rawValue
        let style: Terminal.Style = [.pass: .green, .fail: .red, .error: .yellow][r.status] ?? .dim
        var text =
            "\(terminal.paint(label, style)) \(Terminal.safe(r.module))/\(Terminal.safe(r.scenario)) (\(String(format: "%.2f", r.duration)) s)"
        if r.status == .fail || r.status == .error {
            let checks = FailedCheck.of(r)
            if let first = checks.first { text += ": " + Terminal.safe(first.text) }
            if checks.count > 1 { text += " (+\(Terminal.count(checks.count - 1, "more failed check")))" }
        }
        return text
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The run and its results as JSON: each result with `failures`, every failed check (see
    /// `FailedCheck`); times in ISO 8601 UTC with milliseconds.
    static func json(run: RunRecord, results: [ScenarioResult]) throws -> Data {
        struct Result: Encodable {
            var result: ScenarioResult
            enum Keys: String, CodingKey { case failures }
            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(FailedCheck.of(result), forKey: .failures)
            }
        }
        struct Document: Encodable {
            var run: RunRecord
            var results: [Result]
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(run: run, results: results.map { Result(result: $0) }))
    }

    /// `2026-03-01T09:30:00.123Z`: UTC, rounded to the millisecond.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let whole = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let text = Date(timeIntervalSince1970: Double(whole.0)).formatted(Date.ISO8601FormatStyle())
        let digits = String(whole.1)
        return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Writes the JUnit and JSON reports that were asked for.
    static func write(_ outcome: EmbeddedRun.Outcome, junit: String?, json: String?, html: String? = nil) throws {
        if let html {
            do {
                try HTMLReport.render(run: outcome.run, results: outcome.results)
                    .write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw CLIError(
                    code: .usage,
                    message: "cannot write the HTML report to \(html): \(error.localizedDescription)"
                )
            }
        }
        if let junit {
            do {
                try Reports.junit(run: outcome.run, results: outcome.results).write(
                    toFile: junit,
                    atomically: true,
                    encoding: .utf8
                )
            } catch {
                throw CLIError(
                    code: .usage,
                    message: "cannot write the JUnit report to \(junit): \(error.localizedDescription)"
                )
            }
        }
        if let json {
            do {
                try Reports.json(run: outcome.run, results: outcome.results).write(to: URL(fileURLWithPath: json))
            } catch {
                throw CLIError(
                    code: .usage,
                    message: "cannot write the JSON report to \(json): \(error.localizedDescription)"
                )
            }
        }
    }
}
