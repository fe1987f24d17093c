public import Foundation
public import RondaCore
public import RondaStore

/// The alert policy as a pure function of a finalized run: which error groups each failure
/// belongs to, which groups are new, regressed, recovered or due a reminder, whether the run is
/// over the threshold or errored as a whole, which P0 scenarios escalate — and, when it notifies,
/// one alert decision per run routed to each channel (an outbox row per channel, suppressed
/// inside a maintenance window). No I/O: the store runs it inside the finalizing transaction.
public struct AlertPolicy: Sendable {
    public let config: AlertsConfig
    /// Write outbox rows (a coordinator with channels, `ronda run --notify`). Groups are kept
    /// and resolved either way.
    public let notify: Bool
    let windows: [CompiledWindow]

    struct CompiledWindow: Sendable {
        var window: MaintenanceWindow
        var cron: CronExpression
        var zone: TimeZone
    }

    /// Fails when a maintenance window's cron expression or time zone is invalid.
    public init(_ config: AlertsConfig, notify: Bool = true) throws(ScheduleError) {
        self.config = config
        self.notify = notify
        var windows: [CompiledWindow] = []
        for window in config.maintenance {
            let cron = try CronExpression(window.cron)
            guard let zone = TimeZone(identifier: window.timeZone) else {
                throw ScheduleError(
                    code: .invalidExpression,
                    expression: window.timeZone,
                    message: "unknown time zone '\(window.timeZone)' in alerts.maintenance (use an IANA name)"
                )
            }
            windows.append(CompiledWindow(window: window, cron: cron, zone: zone))
        }
        self.windows = windows
    }

    /// Groups errors and resolves them with the default settings; decides no alerts.
    public static let groupingOnly = AlertPolicy(config: AlertsConfig(), notify: false, windows: [])

    init(config: AlertsConfig, notify: Bool, windows: [CompiledWindow]) {
        self.config = config
        self.notify = notify
        self.windows = windows
    }

    /// The maintenance window `now` falls in, if any.
    public func maintenanceWindow(at now: Date) -> MaintenanceWindow? {
        for compiled in windows {
            // The first start after `now - duration` is the latest window that can still be open.
            let seconds = Double(compiled.window.duration.components.seconds)
            guard let start = compiled.cron.next(after: now.addingTimeInterval(-seconds), in: compiled.zone) else {
                continue
            }
            if start <= now { return compiled.window }
        }
        return nil
    }

    /// Everything the run changes and decides, at `now` (the finalization time).
    public func analyze(_ input: FinalizationInput, now: Date) -> FinalizationWrites {
        var state = GroupTracker(input: input, config: config, now: now)
        state.apply()
        var items = state.items
        items.append(contentsOf: runItems(input, failures: state.failures))
        items.append(contentsOf: state.escalations())
        items.append(contentsOf: state.reminders(excluding: Set(items.compactMap(\.group?.fingerprint))))
        items = items.map { state.annotateFlakiness($0) }
        var writes = FinalizationWrites(resultGroups: state.resultGroups)
        if notify && !items.isEmpty {
            let suppressedBy = maintenanceWindow(at: now)
            writes.outbox = outbox(items, input: input, failures: state.failures, now: now, suppressedBy: suppressedBy)
            if suppressedBy == nil {
                for fingerprint in Set(writes.outbox.flatMap { $0.alert.items.compactMap(\.group?.fingerprint) }) {
                    state.markNotified(fingerprint)
                }
            }
        }
        writes.groups = state.changedGroups
        return writes
    }

    /// Threshold and run-errored items (quarantined scenarios never count), made when the run
    /// crosses into that state, not for every run that stays in it (reminders cover those): a
    /// run over the threshold alerts unless its failing scenarios were already failing at least
    /// `threshold` strong in their previous results; a run that errored as a whole alerts unless
    /// its scenarios had all errored the time before.
    func runItems(_ input: FinalizationInput, failures: [FailureCauses.Failure]) -> [AlertItem] {
        let counted = input.results.filter { $0.status != .skip && !input.quarantined.contains($0.scenario) }
        guard !counted.isEmpty else { return [] }
        let priority = failures.map(\.priority).min() ?? .p3
        let previous = { (scenario: String) in input.history[scenario]?.first }
        if counted.allSatisfy({ $0.status == .error }) {
            guard !counted.allSatisfy({ previous($0.scenario)?.status == .error }) else { return [] }
            let messages = Dictionary(grouping: failures, by: \.normalizedMessage)
            let common = messages.max { $0.value.count < $1.value.count }?.value.first?.message ?? "errored"
            return [
                AlertItem(
                    trigger: .runErrored,
                    priority: priority,
                    summary: "every scenario errored (\(counted.count)); the target may be unreachable: \(common)"
                )
            ]
        }
        guard failures.count >= config.threshold else { return [] }
        let stillFailing = failures.filter { previous($0.scenario)?.failed == true }.count
        guard stillFailing < config.threshold else { return [] }
        return [
            AlertItem(
                trigger: .threshold,
                priority: priority,
                summary: "\(failures.count) failing scenarios (threshold \(config.threshold))"
            )
        ]
    }

    /// One decision for the run, as an outbox row per channel that any of its items routes to.
    func outbox(
        _ items: [AlertItem],
        input: FinalizationInput,
        failures: [FailureCauses.Failure],
        now: Date,
        suppressedBy window: MaintenanceWindow?
    ) -> [OutboxEntry] {
        let decision = "run-\(input.run.id)"
        var entries: [OutboxEntry] = []
        for name in config.channels.keys.sorted() {
            let routed = items.filter { config.channels(for: $0).contains(name) }
            guard !routed.isEmpty else { continue }
            let alert = makeAlert(id: decision, routed, input: input, failures: failures, now: now)
            let note = window.map {
                "suppressed by the maintenance window '\($0.cron)' (\(DurationText.format($0.duration)), \($0.timeZone))"
            }
            entries.append(
                OutboxEntry(
                    decision: decision,
                    channel: name,
                    runID: input.run.id,
                    position: 0,
                    alert: alert,
                    state: window == nil ? .pending : .suppressed,
                    createdAt: now,
                    note: note
                )
            )
        }
        return entries
    }

    func makeAlert(
        id: String,
        _ items: [AlertItem],
        input: FinalizationInput,
        failures: [FailureCauses.Failure],
        now: Date
    ) -> Alert {
        let runWide = items.contains { $0.trigger == .threshold || $0.trigger == .runErrored }
        let scenarios = Set(items.compactMap(\.scenario))
        let shown = runWide ? failures : failures.filter { scenarios.contains($0.scenario) }
        var (causes, _) = FailureCauses.collapse(shown)
        for index in causes.indices {
            let members = Set(causes[index].scenarios)
            causes[index].trigger =
                items.filter { $0.scenario.map(members.contains) ?? false }.map(\.trigger).min() ?? .threshold
        }
        let triggers = Array(Set(items.map(\.trigger))).sorted()
        let run = input.run
        let quarantinedFailures = input.results.filter {
            ($0.status == .fail || $0.status == .error) && input.quarantined.contains($0.scenario)
        }.count
        return Alert(
            id: id,
            createdAt: now,
            title: Self.title(run: run, items: items),
            triggers: triggers,
            priority: items.map(\.priority).min() ?? .p3,
            run: AlertRun(
                id: run.id,
                startedAt: run.startedAt,
                completedAt: run.completedAt,
                executionTime: run.executionTime,
                totals: run.totals,
                quarantinedFailures: quarantinedFailures,
                release: run.release,
                url: config.publicURL.map { Self.runURL(base: $0, run: run.id) }
            ),
            items: items,
            causes: causes
        )
    }

    static func runURL(base: String, run: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/runs/" + run
    }

    /// "Ronda: run 3f2a9c1e — 7 of 63 failing; 2 new errors, 1 regression".
    static func title(run: RunRecord, items: [AlertItem]) -> String {
        let failing = run.totals.failed + run.totals.errored
        var parts: [String] = []
        for trigger in AlertTrigger.allCases {
            let count = items.filter { $0.trigger == trigger }.count
            guard count > 0 else { continue }
            switch trigger {
            case .runErrored: parts.append("the run errored")
            case .threshold: parts.append("over the threshold")
            case .escalation: parts.append("\(count) escalated")
            case .newError: parts.append(count == 1 ? "1 new error" : "\(count) new errors")
            case .regression: parts.append(count == 1 ? "1 regression" : "\(count) regressions")
            case .reminder: parts.append("\(count) still open")
            case .recovery: parts.append("\(count) recovered")
            case .test: parts.append("test")
            case .operations: parts.append("operations")
            }
        }
        let head =
            failing == 0
            ? "all \(run.totals.scenarios) passing" : "\(failing) of \(run.totals.scenarios) failing"
        return "Ronda: run \(run.id.prefix(8)) — \(head); " + parts.joined(separator: ", ")
    }
}
