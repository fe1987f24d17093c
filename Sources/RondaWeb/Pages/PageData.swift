import Foundation
import RondaCore
import RondaStore

/// What the overview shows (and `GET /api/overview` returns).
struct OverviewData: Sendable, Codable {
    var overview: DashboardOverview
    var trend7: [DayFigure]
    var trend30: [DayFigure]
    var recentRuns: [RunRecord]
    var frequentErrors: [ErrorGroup]
    var modules: [RollupFigure]
}

/// One run with its results (and steps), and each failed result's error group.
struct RunReport: Sendable, Codable {
    var run: RunRecord
    var results: [ScenarioResult]
    /// scenario → error group fingerprint.
    var errorGroups: [String: String]
}

/// One error group, its occurrences per day over 30 days and the releases it was seen in.
struct ErrorDetail: Sendable, Codable {
    var group: ErrorGroup
    var timeline: [DayFigure]
    var releases: [String]
}

/// A scenario's figures over 30 days, its flakiness over its last 20 results and its quarantine.
struct ScenarioRow: Sendable, Codable {
    var figure: RollupFigure
    var flakiness: Flakiness
    var quarantined: Bool
    /// Estimated from the rollups' latency buckets.
    var p50: Double?
    var p95: Double?
}

/// Uptime (passed over results) against the objective this calendar month, per module and scenario.
struct UptimeData: Sendable, Codable {
    struct Row: Sendable, Codable {
        var name: String
        var module: String
        var results: Int
        var failures: Int
        var uptime: Double?
        /// Failures the objective still allows this month (negative: over budget).
        var budgetLeft: Int
    }
    var objective: Double
    var since: Date
    var modules: [Row]
    var scenarios: [Row]
}

extension Dashboard {
    func overviewData() async throws -> OverviewData {
        let now = self.now()
        return OverviewData(
            overview: try await store.dashboard(.overview(now: now)),
            trend7: try await store.dashboard(.trend(days: 7, now: now)),
            trend30: try await store.dashboard(.trend(days: 30, now: now)),
            recentRuns: try await store.recentRuns(limit: 10),
            frequentErrors: try await store.dashboard(.frequentGroups(limit: 10)),
            modules: try await store.dashboard(.modules(since: now.addingTimeInterval(-7 * 86_400)))
        )
    }

    func runReport(_ id: String) async throws -> RunReport? {
        guard let run = try await store.run(id: id) else { return nil }
        return RunReport(
            run: run,
            results: try await store.results(runID: id),
            errorGroups: try await store.dashboard(.resultGroups(runID: id))
        )
    }

    /// A group by full fingerprint or a unique prefix of it.
    func errorDetail(_ key: String) async throws -> ErrorDetail? {
        let matches = try await store.errorGroups(prefix: key)
        guard matches.count == 1, let group = matches.first else { return nil }
        return ErrorDetail(
            group: group,
            timeline: try await store.dashboard(.groupTimeline(group.fingerprint, days: 30, now: now())),
            releases: try await store.dashboard(.groupReleases(group.fingerprint))
        )
    }

    func scenarioData() async throws -> [ScenarioRow] {
        let figures = try await store.dashboard(.scenarios(since: now().addingTimeInterval(-30 * 86_400)))
        let history = try await store.scenarioHistory(scenario: nil, window: 20)
        let quarantined = Set(try await store.quarantined().map(\.scenario))
        return figures.map { figure in
            ScenarioRow(
                figure: figure,
                flakiness: Flakiness(scenario: figure.name, history: history[figure.name] ?? []),
                quarantined: quarantined.contains(figure.name),
                p50: figure.responseQuantile(0.5),
                p95: figure.responseQuantile(0.95)
            )
        }
    }

    func uptimeData(objective: Double = 0.999) async throws -> UptimeData {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let monthStart = calendar.dateInterval(of: .month, for: now())?.start ?? now()
        func rows(_ figures: [RollupFigure]) -> [UptimeData.Row] {
            figures.map { figure in
                let allowed = Int((Double(figure.results) * (1 - objective)).rounded(.down))
                return UptimeData.Row(
                    name: figure.name,
                    module: figure.module,
                    results: figure.results,
                    failures: figure.failures,
                    uptime: figure.successRate,
                    budgetLeft: allowed - figure.failures
                )
            }
        }
        return UptimeData(
            objective: objective,
            since: monthStart,
            modules: rows(try await store.dashboard(.modules(since: monthStart))),
            scenarios: rows(try await store.dashboard(.scenarios(since: monthStart)))
        )
    }
}
