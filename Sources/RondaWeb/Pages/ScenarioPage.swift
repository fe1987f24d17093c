import Foundation
import Hummingbird
import RondaCore
import RondaStore

/// One scenario (`/scenarios/NAME`): its recent outcomes, flaky score, each step's p50 and p95
/// over the last 200 runs, and the quarantine toggle.
struct ScenarioDetail: Sendable, Codable {
    var scenario: String
    /// Newest first.
    var history: [ScenarioHistoryEntry]
    var flakiness: Flakiness
    var quarantined: Bool
    var steps: [StepFigure]
}

extension Dashboard {
    func scenarioDetail(_ name: String) async throws -> ScenarioDetail? {
        let history = try await store.scenarioHistory(scenario: name, window: 20)[name] ?? []
        let steps = try await store.dashboard(.stepFigures(scenario: name))
        guard !history.isEmpty || !steps.isEmpty else { return nil }
        return ScenarioDetail(
            scenario: name,
            history: history,
            flakiness: Flakiness(scenario: name, history: history),
            quarantined: try await store.quarantined().contains { $0.scenario == name },
            steps: steps
        )
    }

    func addScenarioPages(_ router: Router<DashboardContext>) {
        router.get("/scenarios/:name") { _, context in
            let raw = try context.parameters.require("name")
            let name = raw.removingPercentEncoding ?? raw
            guard let detail = try await self.scenarioDetail(name) else {
                return self.notFound(context, "No results of scenario \(name) in the last 200 runs.")
            }
            return self.render(context, name, "/scenarios", self.scenarioDetailContent(detail, csrf: context.csrf))
        }
        router.get("/api/scenarios/:name") { _, context in
            let raw = try context.parameters.require("name")
            let name = raw.removingPercentEncoding ?? raw
            guard let detail = try await self.scenarioDetail(name) else {
                return Reply.json(.notFound, ["error": "no results of scenario \(name) in the last 200 runs"])
            }
            return Reply.json(.ok, detail)
        }
    }

    func scenarioDetailContent(_ detail: ScenarioDetail, csrf: String) -> [HTML] {
        let outcomes = detail.history.reversed().map { entry in
            HTML.group([
                Layout.link(
                    "/runs/\(entry.runID)",
                    entry.status.rawValue + (entry.passedAfterRetry ? " (retried)" : "")
                ),
                .text(" "),
            ])
        }
        let flaky =
            detail.flakiness.runs < 2
            ? "—"
            : "\(Format.decimal(detail.flakiness.flipShare, places: 2)) over \(detail.flakiness.runs) runs; "
                + "passed only after a retry in \(Format.percent(detail.flakiness.retryShare))"
        let rows: [[HTML]] = detail.steps.map { step in
            [
                .text(step.phase), .text(step.name), .text(Format.count(step.runs)),
                step.failures > 0 ? Layout.badge(Format.count(step.failures), "bad") : .text("0"),
                .text(Format.seconds(step.p50)), .text(Format.seconds(step.p95)),
            ]
        }
        return [
            Layout.section("Last \(detail.history.count) results, oldest first", .element("p", [:], .group(outcomes))),
            Layout.section("Flaky score", .element("p", [:], .text(flaky))),
            Layout.section(
                "Steps over the last 200 runs",
                Layout.table(["Phase", "Step", "Ran", "Failed", "p50", "p95"], rows, empty: "No step recorded.")
            ),
            Layout.section(
                "Quarantine",
                .element(
                    "form",
                    ["method": "post", "action": "/scenarios/quarantine", "class": "inline"],
                    Layout.csrfField(csrf),
                    .element("input", ["type": "hidden", "name": "scenario", "value": detail.scenario]),
                    .element(
                        "input",
                        ["type": "hidden", "name": "quarantine", "value": detail.quarantined ? "off" : "on"]
                    ),
                    .element("button", ["type": "submit"], .text(detail.quarantined ? "Release" : "Quarantine"))
                )
            ),
        ]
    }
}
