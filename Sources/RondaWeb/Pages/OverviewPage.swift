import Foundation
import RondaCore
import RondaStore

extension Dashboard {
    func overviewContent(_ data: OverviewData) async throws -> [HTML] {
        let o = data.overview
        let cards = HTML.element(
            "div",
            ["class": "cards"],
            Layout.card("Total runs", Format.count(o.totalRuns)),
            Layout.card("Runs, 24 h", Format.count(o.runs24h)),
            Layout.card("Errors, total", Format.count(o.errorsTotal), tone: o.errorsTotal > 0 ? "bad" : nil),
            Layout.card("Errors, 24 h", Format.count(o.errors24h), tone: o.errors24h > 0 ? "bad" : "ok"),
            Layout.card("Average execution time, 7 d", Format.seconds(o.averageExecutionTime)),
            Layout.card("Success rate, 24 h", Format.percent(o.successRate24h)),
            Layout.card(
                "Open error groups",
                Format.count(o.openErrorGroups),
                tone: o.openErrorGroups > 0 ? "bad" : "ok"
            )
        )
        return [
            cards,
            Layout.section(
                "Errors over time",
                .element(
                    "div",
                    ["class": "charts"],
                    Charts.trend(data.trend7, caption: "Failures per day (red) over results (grey), last 7 days"),
                    Charts.trend(data.trend30, caption: "Failures per day over results, last 30 days")
                )
            ),
            Layout.section("Recent runs", runsTable(data.recentRuns)),
            Layout.section("Most frequent errors", groupsTable(data.frequentErrors)),
            Layout.section("Problematic modules, 7 days", modulesTable(data.modules)),
        ]
    }

    func runsContent(_ runs: [RunRecord]) -> [HTML] { [Layout.section("Latest 200 runs", runsTable(runs))] }

    func runsTable(_ runs: [RunRecord]) -> HTML {
        Layout.table(
            ["Status", "Passed / total", "Failed", "Started", "Execution", "Trigger", "Release", ""],
            runs.map { run in
                [
                    Layout.runBadge(run),
                    .text("\(run.totals.passed) / \(run.totals.scenarios)"),
                    .text(String(run.totals.failed + run.totals.errored)),
                    .text(Format.time(run.startedAt)),
                    .text(Format.seconds(run.executionTime)),
                    .text(run.schedule.map { "schedule \($0)" } ?? run.trigger.rawValue),
                    .text(run.release ?? "—"),
                    Layout.link("/runs/\(run.id)", "Report"),
                ]
            },
            empty: "No runs yet. Run `ronda run` or wait for the schedule."
        )
    }

    func groupsTable(_ groups: [ErrorGroup]) -> HTML {
        Layout.table(
            ["Status", "Scenario", "Step", "Error", "Occurrences", "Last seen"],
            groups.map { group in
                [
                    groupBadge(group),
                    .text(group.scenario),
                    .text(group.step ?? "—"),
                    Layout.link("/errors/\(group.fingerprint)", String(group.message.prefix(160))),
                    .text(Format.count(group.occurrences)),
                    .text(Format.time(group.lastSeen)),
                ]
            },
            empty: "No errors recorded."
        )
    }

    func modulesTable(_ modules: [RollupFigure]) -> HTML {
        Layout.table(
            ["Module", "Failures", "Results", "Success rate", "Mean response"],
            modules.map { module in
                [
                    .text(module.name),
                    .text(Format.count(module.failures)),
                    .text(Format.count(module.results)),
                    .text(Format.percent(module.successRate)),
                    .text(Format.seconds(module.averageResponse)),
                ]
            },
            empty: "No results in the last 7 days."
        )
    }

    /// Open (or regressed: open again after it was resolved), resolved, ignored.
    func groupBadge(_ group: ErrorGroup) -> HTML {
        switch group.status {
        case .open: group.regressedAt == nil ? Layout.badge("open", "bad") : Layout.badge("regressed", "warn")
        case .resolved: Layout.badge("resolved", "ok")
        case .ignored: Layout.badge("ignored", "muted")
        }
    }
}
