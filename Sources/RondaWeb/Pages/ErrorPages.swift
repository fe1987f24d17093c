import Foundation
import Hummingbird
import RondaCore
import RondaStore

extension Dashboard {
    func errorsContent(_ groups: [ErrorGroup], filter: ErrorGroupStatus?) -> [HTML] {
        let filters: [HTML] =
            [Layout.link("/errors", filter == nil ? "[all]" : "all")]
            + ErrorGroupStatus.allCases.map { status in
                Layout.link(
                    "/errors?status=\(status.rawValue)",
                    filter == status ? "[\(status.rawValue)]" : status.rawValue
                )
            }
        return [
            .element("p", [:], Array(filters.map { [$0, .text(" ")] }.joined())),
            Layout.section("Error groups, most recently seen first", groupsTable(groups)),
        ]
    }

    func errorDetailContent(_ detail: ErrorDetail, csrf: String) -> [HTML] {
        let group = detail.group
        let facts = Layout.table(
            ["", ""],
            [
                [.text("Status"), groupBadge(group)],
                [.text("Scenario"), .text("\(group.scenario) (\(group.module), \(group.priority.rawValue))")],
                [.text("Step"), .text(group.step ?? "—")],
                [.text("Request"), .text(group.url ?? "—")],
                [.text("HTTP status"), .text(group.httpStatus.map(String.init) ?? "—")],
                [.text("Occurrences"), .text(Format.count(group.occurrences))],
                [
                    .text("First seen"),
                    .text("\(Format.time(group.firstSeen)) (release \(group.firstRelease ?? "unknown"))"),
                ],
                [.text("Last seen"), .text(Format.time(group.lastSeen))],
                [.text("Resolved"), .text(group.resolvedAt.map { Format.time($0) } ?? "—")],
                [
                    .text("Releases seen in"),
                    .text(detail.releases.isEmpty ? "—" : detail.releases.joined(separator: ", ")),
                ],
                [.text("Fingerprint"), .text(group.fingerprint)],
            ]
        )
        let actions: [ErrorGroupStatus] = ErrorGroupStatus.allCases.filter { $0 != group.status }
        let buttons = actions.map { status in
            HTML.element(
                "form",
                ["method": "post", "action": "/errors/\(group.fingerprint)/status", "class": "inline"],
                Layout.csrfField(csrf),
                .element("input", ["type": "hidden", "name": "status", "value": status.rawValue]),
                .element("button", ["type": "submit"], .text(label(for: status)))
            )
        }
        return [
            .element("p", ["class": "error"], .text(group.message)),
            Layout.section("Details", facts),
            Layout.section("Actions", .group(buttons)),
            Layout.section(
                "Occurrences, last 30 days",
                Charts.trend(detail.timeline, caption: "Failed results in this group per day")
            ),
            Layout.section("Last response (redacted)", Layout.pre(group.excerpt ?? "—")),
        ]
    }

    func label(for status: ErrorGroupStatus) -> String {
        switch status {
        case .open: "Reopen"
        case .resolved: "Resolve"
        case .ignored: "Ignore"
        }
    }

    func changeGroupStatus(_ request: Request, _ context: DashboardContext) async throws -> Response {
        let key = try context.parameters.require("fingerprint")
        let fields = try await Reply.form(request)
        guard let status = fields["status"].flatMap(ErrorGroupStatus.init(rawValue:)) else {
            throw HTTPError(.badRequest, message: "status must be open, resolved or ignored")
        }
        let matches = try await store.errorGroups(prefix: key)
        guard matches.count == 1, let group = matches.first else {
            throw HTTPError(.notFound, message: "no error group \(key)")
        }
        _ = try await store.setErrorGroupStatus(group, to: status, at: now())
        return Reply.redirect("/errors/\(group.fingerprint)")
    }

    func scenariosContent(_ rows: [ScenarioRow], csrf: String) -> [HTML] {
        [
            Layout.section(
                "Scenarios, last 30 days",
                Layout.table(
                    ["Scenario", "Module", "Pass rate", "Results", "Flaky score", "p50", "p95", "Quarantine"],
                    rows.map { row in
                        [
                            Layout.link(
                                "/scenarios/"
                                    + (row.figure.name.addingPercentEncoding(
                                        withAllowedCharacters: .urlPathAllowed.subtracting(
                                            CharacterSet(charactersIn: "/?#%")
                                        )
                                    )
                                        ?? row.figure.name),
                                row.figure.name
                            ),
                            .text(row.figure.module),
                            .text(Format.percent(row.figure.successRate)),
                            .text(Format.count(row.figure.results)),
                            .text(
                                row.flakiness.runs < 2
                                    ? "—"
                                    : "\(Format.decimal(row.flakiness.flipShare, places: 2)) (\(row.flakiness.runs) runs)"
                            ),
                            .text(Format.seconds(row.p50)),
                            .text(Format.seconds(row.p95)),
                            .element(
                                "form",
                                ["method": "post", "action": "/scenarios/quarantine", "class": "inline"],
                                Layout.csrfField(csrf),
                                .element("input", ["type": "hidden", "name": "scenario", "value": row.figure.name]),
                                .element(
                                    "input",
                                    ["type": "hidden", "name": "quarantine", "value": row.quarantined ? "off" : "on"]
                                ),
                                .element(
                                    "button",
                                    ["type": "submit"],
                                    .text(row.quarantined ? "Release" : "Quarantine")
                                )
                            ),
                        ]
                    },
                    empty: "No results in the last 30 days."
                )
            ),
            .element(
                "p",
                ["class": "muted"],
                .text(
                    "Flaky score: share of consecutive runs whose outcome flipped, over the last 20. p50 and p95 "
                        + "are the upper bounds of the response-time buckets the results fell in; a scenario's page "
                        + "gives each step's p50 and p95."
                )
            ),
        ]
    }

    func uptimeContent(_ data: UptimeData) -> [HTML] {
        func table(_ rows: [UptimeData.Row], first: String) -> HTML {
            Layout.table(
                [first, "Uptime", "Results", "Failures", "Error budget left"],
                rows.map { row in
                    [
                        .text(row.name),
                        row.uptime.map {
                            $0 >= data.objective
                                ? Layout.badge(Format.percent($0), "ok") : Layout.badge(Format.percent($0), "bad")
                        }
                            ?? .text("—"),
                        .text(Format.count(row.results)),
                        .text(Format.count(row.failures)),
                        .text(row.budgetLeft >= 0 ? "\(row.budgetLeft) failures" : "over by \(-row.budgetLeft)"),
                    ]
                },
                empty: "No results this month."
            )
        }
        return [
            .element(
                "p",
                [:],
                .text(
                    "Objective \(Format.percent(data.objective)) of results passing, since \(Format.time(data.since)). "
                        + "The error budget is the failures the objective allows for the results so far this month."
                )
            ),
            Layout.section("Per module", table(data.modules, first: "Module")),
            Layout.section("Per scenario", table(data.scenarios, first: "Scenario")),
        ]
    }
}
