public import Foundation
public import RondaCore

/// One read or write of the dashboard's data (rollups, operators, sessions), run by
/// `ResultStore.dashboard(_:)` on either store. The statements are written once, for both.
public struct DashboardQuery<Value: Sendable>: Sendable {
    /// What it does, for error messages ("reading the overview").
    public let what: String
    /// Run in a write transaction (otherwise a read-only one).
    public let writes: Bool
    let body: @Sendable (any StoreStatements) async throws -> Value

    init(_ what: String, writes: Bool = false, _ body: @escaping @Sendable (any StoreStatements) async throws -> Value)
    {
        self.what = what
        self.writes = writes
        self.body = body
    }
}

extension DashboardQuery where Value == DashboardOverview {
    /// The overview's cards at `now`.
    public static func overview(now: Date) -> Self {
        Self("reading the overview") { try await DashboardSQL.overview($0, now: now) }
    }
}

extension DashboardQuery where Value == [DayFigure] {
    /// Results and failures per day for the last `days` days (every day present, oldest first).
    public static func trend(days: Int, now: Date) -> Self {
        Self("reading the error trend") { try await DashboardSQL.trend($0, days: days, now: now) }
    }

    /// One error group's occurrences per day for the last `days` days.
    public static func groupTimeline(_ fingerprint: String, days: Int, now: Date) -> Self {
        Self("reading the timeline of error group \(fingerprint.prefix(12))") {
            try await DashboardSQL.groupTimeline($0, fingerprint: fingerprint, days: days, now: now)
        }
    }
}

extension DashboardQuery where Value == [RollupFigure] {
    /// Per module since `since`, most failures first.
    public static func modules(since: Date) -> Self {
        Self("reading module figures") { try await DashboardSQL.figures($0, byScenario: false, since: since) }
    }

    /// Per scenario since `since`, most failures first.
    public static func scenarios(since: Date) -> Self {
        Self("reading scenario figures") { try await DashboardSQL.figures($0, byScenario: true, since: since) }
    }
}

extension DashboardQuery where Value == [ModuleStatus] {
    /// Each module's results per day over `days` days and its latest hour: the public status page.
    public static func moduleStatus(days: Int, now: Date) -> Self {
        Self("reading module status") { try await DashboardSQL.moduleStatus($0, days: days, now: now) }
    }
}

extension DashboardQuery where Value == [EndpointCall] {
    /// Calls per method and path shape from the UTC day of `since` on: endpoint coverage.
    public static func endpointCalls(since: Date) -> Self {
        Self("reading endpoint calls") { try await EndpointSQL.calls($0, since: since) }
    }
}

extension DashboardQuery where Value == [StepFigure] {
    /// Each step of `scenario` over its results in the last `runs` runs, in step order.
    public static func stepFigures(scenario: String, runs: Int = 200) -> Self {
        Self("reading the steps of \(scenario)") { try await StepSQL.figures($0, scenario: scenario, runs: runs) }
    }
}

extension DashboardQuery where Value == [ErrorGroup] {
    /// The groups seen most often, open and regressed ones first.
    public static func frequentGroups(limit: Int) -> Self {
        Self("reading frequent error groups") { try await DashboardSQL.frequentGroups($0, limit: limit) }
    }
}

extension DashboardQuery where Value == [String] {
    /// The releases an error group was seen in, newest first.
    public static func groupReleases(_ fingerprint: String) -> Self {
        Self("reading the releases of error group \(fingerprint.prefix(12))") {
            try await DashboardSQL.groupReleases($0, fingerprint: fingerprint)
        }
    }
}

extension DashboardQuery where Value == [String: String] {
    /// Each failed result's error group in a run: scenario → fingerprint.
    public static func resultGroups(runID: String) -> Self {
        Self("reading the error groups of run \(runID)") { try await DashboardSQL.resultGroups($0, runID: runID) }
    }
}

extension DashboardQuery where Value == Bool {
    /// Adds an operator with a password hash; `false` when the name is taken.
    public static func addOperator(_ name: String, passwordHash: String, at date: Date) -> Self {
        Self("adding operator \(name)", writes: true) {
            try await OperatorSQL.add($0, name: name, hash: passwordHash, at: date)
        }
    }

    /// Replaces an operator's password hash and ends their sessions; `false` when unknown.
    public static func setPassword(_ name: String, passwordHash: String) -> Self {
        Self("changing the password of \(name)", writes: true) {
            try await OperatorSQL.setPassword($0, name: name, hash: passwordHash)
        }
    }

    /// Removes an operator and their sessions; `false` when unknown.
    public static func removeOperator(_ name: String) -> Self {
        Self("removing operator \(name)", writes: true) { try await OperatorSQL.remove($0, name: name) }
    }
}

extension DashboardQuery where Value == [OperatorAccount] {
    /// Every operator, by name.
    public static var operators: Self { Self("listing operators") { try await OperatorSQL.list($0) } }
}

extension DashboardQuery where Value == String? {
    /// An operator's password hash, or `nil` when there is no such operator.
    public static func passwordHash(_ name: String) -> Self {
        Self("reading operator \(name)") { try await OperatorSQL.passwordHash($0, name: name) }
    }
}

extension DashboardQuery where Value == WebSession? {
    /// The live session of a cookie (by its hash).
    public static func session(tokenHash: String, now: Date) -> Self {
        Self("reading a session") { try await OperatorSQL.session($0, tokenHash: tokenHash, now: now) }
    }
}

extension DashboardQuery where Value == Void {
    /// Stores a new session and records the operator's login.
    public static func createSession(tokenHash: String, session: WebSession, at date: Date) -> Self {
        Self("signing in \(session.operatorName)", writes: true) {
            try await OperatorSQL.createSession($0, tokenHash: tokenHash, session: session, at: date)
        }
    }

    /// Ends a session.
    public static func deleteSession(tokenHash: String) -> Self {
        Self("signing out", writes: true) { try await OperatorSQL.deleteSession($0, tokenHash: tokenHash) }
    }
}

extension DashboardQuery where Value == MetricsSnapshot {
    /// Counts for `/metrics`: runs, results by module and outcome, response-time buckets, error
    /// groups and the alert outbox.
    public static var metrics: Self { Self("reading metrics") { try await DashboardSQL.metrics($0) } }
}

extension DashboardQuery where Value == Int {
    /// Recomputes the hourly rollups from the stored results of every finalized run (the rollups
    /// of a bulk import, or of results restored without them), the daily ones from those, and
    /// the endpoint rollups from the runs' steps;
    /// returns the number of hourly rows. One transaction: the dashboard sees the old rollups or
    /// the new ones.
    public static var rebuildRollups: Self {
        Self("rebuilding the rollups", writes: true) { s in
            try await s.execute("DELETE FROM scenario_hourly", [])
            try await s.execute("DELETE FROM scenario_daily", [])
            try await s.execute(DashboardSQL.rollupFinalized, [])
            try await s.execute(DashboardSQL.rollupDailyFromHourly, [])
            try await EndpointSQL.rebuild(s)
            let rows = try await s.rows("SELECT COUNT(*) AS n FROM scenario_hourly", [], table: "scenario_hourly")
            return try rows.first?.int("n") ?? 0
        }
    }
}
