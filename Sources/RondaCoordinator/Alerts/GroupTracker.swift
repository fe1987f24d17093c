import Foundation
import RondaCore
import RondaStore

/// Applies one finalized run to the error groups of its scenarios (pure; used by `AlertPolicy`):
/// every failed or errored result joins its group (created when new, reopened as a regression
/// when resolved), every open group of a scenario that passed counts the pass toward
/// `resolve_after`. Items are made for what changed; quarantined scenarios and ignored groups
/// change groups but make no items.
struct GroupTracker {
    let input: FinalizationInput
    let config: AlertsConfig
    let now: Date
    private(set) var groups: [String: ErrorGroup]
    private(set) var changed: Set<String> = []
    private(set) var items: [AlertItem] = []
    /// Failures of scenarios not quarantined, in result order.
    private(set) var failures: [FailureCauses.Failure] = []
    private(set) var resultGroups: [String: String] = [:]

    init(input: FinalizationInput, config: AlertsConfig, now: Date) {
        self.input = input
        self.config = config
        self.now = now
        self.groups = Dictionary(input.groups.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var changedGroups: [ErrorGroup] { changed.sorted().compactMap { groups[$0] } }

    mutating func markNotified(_ fingerprint: String) {
        guard groups[fingerprint] != nil else { return }
        groups[fingerprint]?.notifiedAt = now
        changed.insert(fingerprint)
    }

    mutating func apply() {
        for result in input.results {
            switch result.status {
            case .pass: passed(result)
            case .fail, .error: failed(result)
            case .skip: break
            }
        }
    }

    private mutating func passed(_ result: ScenarioResult) {
        let quarantined = input.quarantined.contains(result.scenario)
        for fingerprint in groups.keys.sorted() {
            guard var group = groups[fingerprint], group.scenario == result.scenario, group.status == .open else {
                continue
            }
            group.passStreak += 1
            if group.passStreak >= max(1, config.resolveAfter) {
                group.status = .resolved
                group.resolvedAt = now
                group.resolvedRelease = input.run.release
                if !quarantined {
                    items.append(item(.recovery, group, summary: recoverySummary(group)))
                }
            }
            groups[fingerprint] = group
            changed.insert(fingerprint)
        }
    }

    private mutating func failed(_ result: ScenarioResult) {
        let step = input.failingSteps[result.scenario]
        guard let failure = FailureCauses.failure(of: result, failingStep: step) else { return }
        let quarantined = input.quarantined.contains(result.scenario)
        let fingerprint = ErrorFingerprint.fingerprint(
            scenario: result.scenario,
            step: result.failingStep,
            kind: failure.errorKind,
            normalizedMessage: failure.normalizedMessage
        )
        resultGroups[result.scenario] = fingerprint
        if !quarantined { failures.append(failure) }
        let signature = step.flatMap {
            $0.method.isEmpty ? nil : ErrorFingerprint.signature(method: $0.method, url: $0.url)
        }
        var trigger: AlertTrigger?
        var group: ErrorGroup
        if var known = groups[fingerprint] {
            known.occurrences += 1
            known.lastSeen = result.completedAt
            known.lastRunID = input.run.id
            known.passStreak = 0
            if known.status == .resolved {
                known.status = .open
                known.regressedAt = now
                known.regressions += 1
                known.resolvedAt = nil
                trigger = .regression
            }
            group = known
        } else {
            group = ErrorGroup(
                fingerprint: fingerprint,
                scenario: result.scenario,
                module: result.module,
                priority: result.priority,
                step: result.failingStep,
                errorKind: failure.errorKind,
                message: failure.message,
                normalizedMessage: failure.normalizedMessage,
                firstSeen: result.completedAt,
                lastSeen: result.completedAt,
                firstRunID: input.run.id,
                lastRunID: input.run.id,
                firstRelease: input.run.release
            )
            trigger = .newError
        }
        group.module = result.module
        group.priority = result.priority
        group.signature = signature
        group.message = failure.message
        group.url = step?.url
        group.httpStatus = step?.status
        group.excerpt = step?.responseExcerpt
        groups[fingerprint] = group
        changed.insert(fingerprint)
        if let trigger, !quarantined, group.status != .ignored {
            let summary =
                trigger == .newError
                ? failure.message + (input.run.release.map { " — new since \($0)" } ?? "")
                : failure.message + regressionNote(group)
            items.append(item(trigger, group, summary: summary))
        }
    }

    /// P0 scenarios failing exactly `escalate_after` runs in a row now (once per streak).
    func escalations() -> [AlertItem] {
        guard config.escalateAfter > 0 else { return [] }
        var escalated: [AlertItem] = []
        for result in input.results where result.priority == .p0 && (result.status == .fail || result.status == .error)
        {
            guard !input.quarantined.contains(result.scenario) else { continue }
            let streak = 1 + (input.history[result.scenario] ?? []).prefix(while: \.failed).count
            guard streak == config.escalateAfter else { continue }
            let group = resultGroups[result.scenario].flatMap { groups[$0] }
            guard group?.status != .ignored else { continue }
            escalated.append(
                AlertItem(
                    trigger: .escalation,
                    scenario: result.scenario,
                    module: result.module,
                    priority: result.priority,
                    group: group?.alertGroup(),
                    summary:
                        "P0 scenario failed \(streak) runs in a row: \(result.errorMessage ?? result.status.rawValue)"
                )
            )
        }
        return escalated
    }

    /// Open groups last named longer ago than `reminder_every` (not already named by this run).
    func reminders(excluding named: Set<String>) -> [AlertItem] {
        guard let every = config.reminderEvery else { return [] }
        let seconds = Double(every.components.seconds)
        return groups.values.sorted { $0.fingerprint < $1.fingerprint }.compactMap { group in
            guard group.status == .open, !named.contains(group.fingerprint),
                !input.quarantined.contains(group.scenario),
                now.timeIntervalSince(group.notifiedAt ?? group.firstSeen) >= seconds
            else { return nil }
            return item(
                .reminder,
                group,
                summary: "still open since \(Timestamp.short(group.firstSeen)): \(group.message)"
            )
        }
    }

    /// Adds the scenario's flakiness to an item, and says so in the summary when it is flaky.
    func annotateFlakiness(_ item: AlertItem) -> AlertItem {
        guard let scenario = item.scenario, let result = input.results.first(where: { $0.scenario == scenario }) else {
            return item
        }
        let current = ScenarioHistoryEntry(runID: input.run.id, status: result.status, completedAt: result.completedAt)
        let history = [current] + (input.history[scenario] ?? []).prefix(max(1, config.flakyWindow) - 1)
        let flakiness = Flakiness(scenario: scenario, history: Array(history))
        var annotated = item
        annotated.group?.flakiness = flakiness.flipShare
        if flakiness.isFlaky(threshold: config.flakyThreshold) {
            annotated.summary +=
                " (flaky: \(Int((flakiness.flipShare * 100).rounded()))% of the last \(flakiness.runs) runs flipped)"
        }
        return annotated
    }

    private func item(_ trigger: AlertTrigger, _ group: ErrorGroup, summary: String) -> AlertItem {
        AlertItem(
            trigger: trigger,
            scenario: group.scenario,
            module: group.module,
            priority: group.priority,
            group: group.alertGroup(),
            summary: summary
        )
    }

    private func recoverySummary(_ group: ErrorGroup) -> String {
        var text = "recovered: \(group.message)"
        if let time = group.timeToResolution { text += " — open for \(Timestamp.span(time))" }
        if let release = group.resolvedRelease { text += ", resolved in \(release)" }
        return text
    }

    private func regressionNote(_ group: ErrorGroup) -> String {
        var text = ""
        if let release = input.run.release { text += " — back in \(release)" }
        if let resolved = group.resolvedRelease { text += " (resolved in \(resolved))" }
        return text
    }
}

extension Timestamp {
    /// `2025-03-01 09:30 UTC`.
    static func short(_ date: Date) -> String {
        let text = Timestamp.text(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `2h 5m`, `3m 10s`, `12s`.
    static func span(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (d, h, m, s) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        if d > 0 { return "\(d)d \(h)h" }
        if h > 0 { return "\(h)h \(m)m" }
        if m > 0 { return "\(m)m \(s)s" }
        return "\(s)s"
    }
}
