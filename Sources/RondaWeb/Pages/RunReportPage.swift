import Foundation
import RondaCore
import RondaStore

extension Dashboard {
    /// A run grouped by module; per scenario its steps with a timing waterfall, every check with
    /// expected and actual, the redacted request and response excerpts, and its error group.
    func runReportContent(_ report: RunReport) -> [HTML] {
        let run = report.run
        let summary = HTML.element(
            "div",
            ["class": "cards"],
            Layout.card("Status", run.status == .running ? "running" : (run.totals.allPassed ? "passed" : "failed")),
            Layout.card("Passed", "\(run.totals.passed) / \(run.totals.scenarios)"),
            Layout.card(
                "Failed or errored",
                String(run.totals.failed + run.totals.errored),
                tone: run.totals.allPassed ? "ok" : "bad"
            ),
            Layout.card("Execution", Format.seconds(run.executionTime)),
            Layout.card("Started", Format.time(run.startedAt)),
            Layout.card("Release", run.release ?? "—")
        )
        let modules = Dictionary(grouping: report.results, by: \.module).sorted { $0.key < $1.key }
        return [summary]
            + modules.map { module, results in
                let failed = results.filter { $0.status == .fail || $0.status == .error }.count
                return .element(
                    "section",
                    ["class": "module"],
                    [
                        .element(
                            "h2",
                            [:],
                            .text("\(module) — \(results.count - failed) of \(results.count) passed")
                        )
                    ]
                        + results.sorted {
                            ($0.status == .pass ? 1 : 0, $0.scenario) < ($1.status == .pass ? 1 : 0, $1.scenario)
                        }
                        .map { scenarioBlock($0, group: report.errorGroups[$0.scenario]) }
                )
            }
    }

    func scenarioBlock(_ result: ScenarioResult, group: String?) -> HTML {
        let failing = result.status == .fail || result.status == .error
        var parts: [HTML] = [
            .element(
                "summary",
                [:],
                Layout.outcomeBadge(result.status),
                .text(" \(result.scenario) · \(result.priority.rawValue) · \(Format.seconds(result.duration))")
            )
        ]
        if let message = result.errorMessage {
            parts.append(.element("p", ["class": "error"], .text(message)))
        }
        if let group {
            parts.append(
                .element("p", [:], .text("Error group: "), Layout.link("/errors/\(group)", String(group.prefix(12))))
            )
        }
        let scale = result.steps.compactMap { $0.timings?.total }.max() ?? 0
        parts.append(
            Layout.table(
                ["#", "Step", "Result", "Request", "Status", "Timing", "Total"],
                result.steps.map { step in
                    [
                        .text(String(step.index + 1)),
                        .text(step.caseLabel.map { "\(step.name) [\($0)]" } ?? step.name),
                        .text(step.outcome.rawValue),
                        .text("\(step.method) \(step.url)"),
                        .text(step.status.map(String.init) ?? "—"),
                        step.timings.map {
                            Charts.waterfall(
                                dns: $0.dns,
                                connect: $0.connect,
                                tls: $0.tls,
                                firstByte: $0.firstByte,
                                total: $0.total,
                                scale: scale
                            )
                        } ?? .text("—"),
                        .text(Format.milliseconds(step.timings?.total)),
                    ]
                },
                empty: "No step ran."
            )
        )
        for step in result.steps where step.outcome != .passed || !step.assertions.allSatisfy(\.passed) {
            parts.append(stepDetail(step))
        }
        return .element("details", ["open": failing ? "" : nil], parts)
    }

    func stepDetail(_ step: StepResult) -> HTML {
        var parts: [HTML] = [.element("h3", [:], .text("Step \(step.index + 1): \(step.name)"))]
        if let error = step.error { parts.append(.element("p", ["class": "error"], .text(error))) }
        if !step.assertions.isEmpty {
            parts.append(
                Layout.table(
                    ["Check", "Expected", "Actual", ""],
                    step.assertions.map { check in
                        [
                            .text(check.name ?? "\(check.subject) \(check.op)"),
                            .text(check.expected),
                            .text(check.actual),
                            check.passed ? Layout.badge("ok", "ok") : Layout.badge("failed", "bad"),
                        ]
                    }
                )
            )
        }
        if let request = step.requestExcerpt {
            parts.append(.element("p", [:], .text("Request (redacted):")))
            parts.append(Layout.pre(request))
        }
        if let response = step.responseExcerpt {
            parts.append(.element("p", [:], .text("Response (redacted):")))
            parts.append(Layout.pre(response))
        }
        return .element("div", ["class": "step-detail"], parts)
    }
}
