import Foundation
import RondaCore

/// Text, JUnit and JSON renderings of a finished run.
enum Reports {
    /// The summary table by module, then the failures with their messages.
    static func summary(run: RunRecord, results: [ScenarioResult]) -> String {
        var lines: [String] = []
        let modules = Dictionary(grouping: results, by: \.module).sorted { $0.key < $1.key }
        let header = ["module", "passed", "failed", "errored", "skipped", "slowest step"]
        var rows: [[String]] = []
        for (module, items) in modules {
            let slowest = items.flatMap { r in r.steps.compactMap { s in s.timings.map { (r.scenario, s.name, $0.total) } } }.max { $0.2 < $1.2 }
            rows.append([
                module, String(items.filter { $0.status == .pass }.count), String(items.filter { $0.status == .fail }.count),
                String(items.filter { $0.status == .error }.count), String(items.filter { $0.status == .skip }.count),
                slowest.map { "\($0.1) (\($0.0)) \(Int($0.2 * 1000)) ms" } ?? "-",
            ])
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func format(_ row: [String]) -> String {
            row.enumerated().map { i, cell in i == 0 || i == row.count - 1 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[i] - cell.count) + cell }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append(format(header))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(format)
        let problems = results.filter { $0.status == .fail || $0.status == .error }
        if !problems.isEmpty {
            lines.append("")
            lines.append("Problems:")
            for r in problems.sorted(by: { ($0.priority, $0.scenario) < ($1.priority, $1.scenario) }) {
                lines.append("  \(r.status == .fail ? "FAIL " : "ERROR") [\(r.priority.rawValue)] \(r.module)/\(r.scenario): \(r.errorMessage ?? "no message")")
            }
        }
        let t = run.totals
        lines.append("")
        lines.append("\(t.scenarios) scenarios: \(t.passed) passed, \(t.failed) failed, \(t.errored) errored, \(t.skipped) skipped in \(String(format: "%.2f", run.executionTime ?? 0)) s (run \(run.id))")
        return lines.joined(separator: "\n")
    }

    /// A one-line record of one result, for non-terminal output.
    static func line(_ r: ScenarioResult) -> String {
        let label = ["pass": "PASS ", "fail": "FAIL ", "error": "ERROR", "skip": "SKIP "][r.status.rawValue] ?? r.status.rawValue
        var text = "\(label) \(r.module)/\(r.scenario) (\(String(format: "%.2f", r.duration)) s)"
        if let message = r.errorMessage, r.status != .pass { text += ": \(message)" }
        return text
    }

    /// JUnit XML: one test suite a module, one test case a scenario.
    static func junit(run: RunRecord, results: [ScenarioResult]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let t = run.totals
        xml += "<testsuites name=\"ronda\" tests=\"\(results.count)\" failures=\"\(t.failed)\" errors=\"\(t.errored)\" skipped=\"\(t.skipped)\" time=\"\(String(format: "%.3f", run.executionTime ?? 0))\">\n"
        for (module, items) in Dictionary(grouping: results, by: \.module).sorted(by: { $0.key < $1.key }) {
            let failures = items.filter { $0.status == .fail }.count
            let errors = items.filter { $0.status == .error }.count
            let time = items.map(\.duration).reduce(0, +)
            xml += "  <testsuite name=\"\(escape(module))\" tests=\"\(items.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", time))\">\n"
            for r in items.sorted(by: { $0.scenario < $1.scenario }) {
                xml += "    <testcase classname=\"\(escape(module))\" name=\"\(escape(r.scenario))\" time=\"\(String(format: "%.3f", r.duration))\""
                switch r.status {
                case .pass: xml += "/>\n"
                case .skip: xml += "><skipped/></testcase>\n"
                case .fail, .error:
                    let tag = r.status == .fail ? "failure" : "error"
                    xml += ">\n      <\(tag) message=\"\(escape(r.errorMessage ?? ""))\" type=\"\(escape(r.errorKind?.rawValue ?? tag))\">\(escape(r.trace ?? r.errorMessage ?? ""))</\(tag)>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
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

    /// The run and its results as JSON.
    static func json(run: RunRecord, results: [ScenarioResult]) throws -> Data {
        struct Document: Encodable {
            var run: RunRecord
            var results: [ScenarioResult]
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(run: run, results: results))
    }

    /// Writes the JUnit and JSON reports that were asked for.
    static func write(_ outcome: EmbeddedRun.Outcome, junit: String?, json: String?) throws {
        if let junit {
            do { try Reports.junit(run: outcome.run, results: outcome.results).write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                throw CLIError(.usage, "cannot write the JUnit report to \(junit): \(error.localizedDescription)")
            }
        }
        if let json {
            do { try Reports.json(run: outcome.run, results: outcome.results).write(to: URL(fileURLWithPath: json)) } catch {
                throw CLIError(.usage, "cannot write the JSON report to \(json): \(error.localizedDescription)")
            }
        }
    }
}
