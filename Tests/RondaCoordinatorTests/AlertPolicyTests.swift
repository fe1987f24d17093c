import Foundation
import RondaCore
import RondaStore
import Testing

@testable import RondaCoordinator

/// The alert policy without I/O: runs are fed one after another, as finalization would, with the
/// groups the previous run wrote.
struct AlertPolicyTests {
    static let start = Date(timeIntervalSince1970: 1_760_000_000)

    /// Feeds runs through the policy like the store does, keeping groups, history and outbox.
    struct Simulation {
        var policy: AlertPolicy
        var groups: [String: ErrorGroup] = [:]
        var history: [String: [ScenarioHistoryEntry]] = [:]
        var quarantined: Set<String> = []
        var outbox: [OutboxEntry] = []
        var runs = 0
        var now = AlertPolicyTests.start

        init(_ config: AlertsConfig = Self.config()) throws {
            policy = try AlertPolicy(config)
        }

        static func config(threshold: Int = 5, modify: (inout AlertsConfig) -> Void = { _ in }) -> AlertsConfig {
            var config = AlertsConfig()
            config.threshold = threshold
            config.channels["ops"] = AlertChannelConfig(name: "ops", kind: .webhook)
            modify(&config)
            return config
        }

        /// One run: `outcomes` maps scenario → nil (pass) or a failure message.
        @discardableResult
        mutating func run(
            _ outcomes: [(String, String?)],
            module: (String) -> String = { _ in "appointments" },
            priority: Priority = .p1,
            release: String? = nil,
            kind: ErrorKind = .assertion,
            step: (String) -> StepResult? = { _ in nil }
        ) -> FinalizationWrites {
            runs += 1
            now = now.addingTimeInterval(600)
            let runID = "run-\(runs)"
            var totals = RunTotals(scenarios: outcomes.count)
            let results = outcomes.map { name, failure in
                if failure == nil {
                    totals.passed += 1
                } else if kind == .transport {
                    totals.errored += 1
                } else {
                    totals.failed += 1
                }
                return ScenarioResult(
                    runID: runID,
                    scenario: name,
                    module: module(name),
                    priority: priority,
                    status: failure == nil ? .pass : (kind == .transport ? .error : .fail),
                    failingStep: failure == nil ? nil : "Log in",
                    errorKind: failure == nil ? nil : kind,
                    errorMessage: failure,
                    completedAt: now
                )
            }
            var failing: [String: StepResult] = [:]
            for (name, failure) in outcomes where failure != nil { failing[name] = step(name) }
            let run = RunRecord(
                id: runID,
                trigger: .schedule,
                status: .completed,
                totals: totals,
                startedAt: now.addingTimeInterval(-60),
                completedAt: now,
                executionTime: 60,
                deadline: now,
                release: release
            )
            let input = FinalizationInput(
                run: run,
                results: results,
                failingSteps: failing,
                groups: Array(groups.values),
                history: history,
                quarantined: quarantined
            )
            let writes = policy.analyze(input, now: now)
            for group in writes.groups { groups[group.fingerprint] = group }
            for result in results {
                history[result.scenario, default: []].insert(
                    ScenarioHistoryEntry(runID: runID, status: result.status, completedAt: now),
                    at: 0
                )
            }
            outbox.append(contentsOf: writes.outbox)
            return writes
        }

        var triggers: [[AlertTrigger]] { outbox.map { $0.alert.items.map(\.trigger) } }
    }

    @Test func aFaultOnOffOnMakesOneNewErrorOneRecoveryOneRegressionAndNothingElse() throws {
        var sim = try Simulation()
        let names = ["A", "B", "C"]
        sim.run(names.map { ($0, nil) }, release: "2.14.0")
        sim.run([("A", "expected status 200, got 500 (order 8812)"), ("B", nil), ("C", nil)], release: "2.14.0")
        sim.run(names.map { ($0, nil) }, release: "2.15.0")
        sim.run([("A", "expected status 200, got 500 (order 9954)"), ("B", nil), ("C", nil)], release: "2.15.1")
        #expect(sim.triggers == [[.newError], [.recovery], [.regression]])
        let group = try #require(sim.groups.values.first)
        #expect(sim.groups.count == 1)
        #expect(group.status == .open)
        #expect(group.occurrences == 2)
        #expect(group.regressions == 1)
        #expect(group.firstRelease == "2.14.0")
        #expect(group.resolvedRelease == "2.15.0")
        #expect(sim.outbox[0].alert.items[0].summary.contains("new since 2.14.0"))
        #expect(sim.outbox[2].alert.items[0].summary.contains("back in 2.15.1"))
        #expect(sim.outbox.allSatisfy { $0.channel == "ops" && $0.state == .pending })
    }

    @Test func aRecurringErrorAlertsOnceAndCountsOccurrences() throws {
        var sim = try Simulation()
        for n in 1...4 { sim.run([("A", "timeout after \(n * 100) ms at 2025-03-0\(n)T10:00:00Z")]) }
        #expect(sim.triggers == [[.newError]])
        #expect(sim.groups.values.first?.occurrences == 4)
    }

    @Test func resolveAfterWaitsForThatManyPassingRuns() throws {
        var sim = try Simulation(Simulation.config { $0.resolveAfter = 3 })
        sim.run([("A", "boom")])
        sim.run([("A", nil)])
        sim.run([("A", nil)])
        #expect(sim.groups.values.first?.status == .open)
        #expect(sim.groups.values.first?.passStreak == 2)
        sim.run([("A", nil)])
        #expect(sim.groups.values.first?.status == .resolved)
        #expect(sim.triggers == [[.newError], [.recovery]])
    }

    @Test func oneBrokenLoginIsOneCauseListingEveryScenario() throws {
        var sim = try Simulation()
        let names = (1...8).map { "Scenario\($0)" }
        let login = StepResult(
            index: 0,
            name: "Log in",
            phase: .login,
            outcome: .failed,
            method: "POST",
            url: "http://127.0.0.1:8080/accounts/login/?next=/x",
            status: 500,
            attempts: 1,
            assertions: [],
            captures: [:],
            startedAt: Self.start
        )
        sim.run(names.map { ($0, "step 'Log in': expected status 302, got 500") }, step: { _ in login })
        #expect(sim.outbox.count == 1)
        let alert = try #require(sim.outbox.first?.alert)
        #expect(alert.causes.count == 1)
        #expect(alert.causes[0].step == "POST /accounts/login/")
        #expect(alert.causes[0].scenarios == names.sorted())
        #expect(Set(alert.triggers) == [.threshold, .newError])
        // The text names the step once, with the count, and no scenario line repeats it.
        let text = alert.text
        #expect(text.components(separatedBy: "POST /accounts/login/").count == 2)
        #expect(text.contains("8 scenarios"))
        #expect(!text.contains("new error: appointments/Scenario1"))
    }

    @Test func quarantinedScenariosNeverAlertNorCountTowardTheThreshold() throws {
        var sim = try Simulation(Simulation.config(threshold: 2))
        sim.quarantined = ["Flappy"]
        sim.run([("Flappy", "boom"), ("Other", "bad")])
        #expect(sim.triggers == [[.newError]])
        #expect(sim.outbox[0].alert.items[0].scenario == "Other")
        #expect(sim.outbox[0].alert.run?.quarantinedFailures == 1)
        // Its group is still kept.
        #expect(sim.groups.values.contains { $0.scenario == "Flappy" })
    }

    @Test func aFlappingScenarioIsMarkedFlaky() throws {
        var sim = try Simulation()
        for n in 0..<10 { sim.run([("Flappy", n.isMultiple(of: 2) ? "boom" : nil)]) }
        let last = try #require(sim.outbox.last?.alert.items.first)
        #expect(last.summary.contains("flaky"))
        #expect((last.group?.flakiness ?? 0) > 0.9)
        let flakiness = Flakiness(scenario: "Flappy", history: sim.history["Flappy"] ?? [])
        #expect(flakiness.isFlaky(threshold: 0.3))
        #expect(flakiness.runs == 10)
        // Quarantined, the same flapping sends nothing more.
        sim.quarantined = ["Flappy"]
        let before = sim.outbox.count
        for n in 0..<4 { sim.run([("Flappy", n.isMultiple(of: 2) ? "boom" : nil)]) }
        #expect(sim.outbox.count == before)
    }

    @Test func thresholdAndWholeRunErrored() throws {
        var sim = try Simulation(Simulation.config(threshold: 3))
        sim.run([("A", "x1"), ("B", "x2"), ("C", nil)])
        #expect(sim.triggers.last?.contains(.threshold) == false)
        sim.run([("A", "x1"), ("B", "x2"), ("C", "x3")])
        #expect(sim.triggers.last?.contains(.threshold) == true)
        // Staying over the threshold alerts no more (reminders cover open groups).
        let over = sim.outbox.count
        sim.run([("A", "x1"), ("B", "x2"), ("C", "x3")])
        #expect(sim.outbox.count == over)
        let down: [(String, String?)] = [
            ("A", "connection refused"), ("B", "connection refused"), ("C", "connection refused"),
        ]
        sim.run(down, kind: .transport)
        let last = try #require(sim.outbox.last?.alert)
        #expect(last.triggers.first == .runErrored)
        #expect(!last.triggers.contains(.threshold))
        // The target still unreachable next run: nothing new to say.
        let errored = sim.outbox.count
        sim.run(down, kind: .transport)
        #expect(sim.outbox.count == errored)
        // Back, then over the threshold again: it alerts again.
        sim.run([("A", nil), ("B", nil), ("C", nil)])
        sim.run([("A", "x1"), ("B", "x2"), ("C", "x3")])
        #expect(sim.outbox.last?.alert.triggers.contains(.threshold) == true)
    }

    @Test func aP0ScenarioEscalatesOnceAtTheNthFailingRun() throws {
        var sim = try Simulation(Simulation.config { $0.escalateAfter = 3 })
        for _ in 1...5 { sim.run([("Pay", "declined")], priority: .p0) }
        let escalations = sim.triggers.flatMap { $0 }.filter { $0 == .escalation }
        #expect(escalations.count == 1)
        #expect(sim.triggers[1] == [.escalation])
    }

    @Test func remindersComeEveryIntervalWhileAGroupStaysOpen() throws {
        var sim = try Simulation(Simulation.config { $0.reminderEvery = .seconds(1800) })
        // Runs are 10 minutes apart: a reminder every third run after the first alert.
        for _ in 1...7 { sim.run([("A", "boom")]) }
        #expect(sim.triggers == [[.newError], [.reminder], [.reminder]])
    }

    @Test func ignoredGroupsNeverAlert() throws {
        var sim = try Simulation()
        sim.run([("A", "boom")])
        let fingerprint = try #require(sim.groups.keys.first)
        sim.groups[fingerprint]?.status = .ignored
        sim.run([("A", nil)])
        sim.run([("A", "boom")])
        #expect(sim.triggers == [[.newError]])
        #expect(sim.groups[fingerprint]?.status == .ignored)
        #expect(sim.groups[fingerprint]?.occurrences == 2)
    }

    @Test func aMaintenanceWindowSuppressesAndRecordsWhy() throws {
        // Every day from 00:00 for 24 h: always inside.
        var sim = try Simulation(
            Simulation.config { $0.maintenance = [MaintenanceWindow(cron: "0 0 * * *", duration: .seconds(86_400))] }
        )
        sim.run([("A", "boom")])
        #expect(sim.outbox.count == 1)
        #expect(sim.outbox[0].state == .suppressed)
        #expect(sim.outbox[0].note?.contains("maintenance window '0 0 * * *'") == true)
        // Suppressed is not notified: the group is still due a reminder later.
        #expect(sim.groups.values.first?.notifiedAt == nil)
    }

    @Test func maintenanceWindowsFollowTheirTimeZone() throws {
        let policy = try AlertPolicy(
            Simulation.config {
                $0.maintenance = [
                    MaintenanceWindow(cron: "0 2 * * *", duration: .seconds(3600), timeZone: "Europe/Madrid")
                ]
            }
        )
        // 2025-01-15 01:30 UTC is 02:30 in Madrid (UTC+1): inside; 02:30 UTC is 03:30 there: outside.
        let inside = Date(timeIntervalSince1970: 1_736_904_600)
        #expect(policy.maintenanceWindow(at: inside) != nil)
        #expect(policy.maintenanceWindow(at: inside.addingTimeInterval(3600)) == nil)
        // Windows that overlap (every minute, for two): always inside.
        let always = try AlertPolicy(
            Simulation.config { $0.maintenance = [MaintenanceWindow(cron: "* * * * *", duration: .seconds(120))] }
        )
        for offset in stride(from: 0.0, to: 300, by: 7) {
            #expect(always.maintenanceWindow(at: inside.addingTimeInterval(offset)) != nil)
        }
        // Five minutes at the top of the hour: inside at :04:59, outside at :05.
        let hourly = try AlertPolicy(
            Simulation.config { $0.maintenance = [MaintenanceWindow(cron: "0 * * * *", duration: .seconds(300))] }
        )
        let top = Date(timeIntervalSince1970: 1_736_906_400)  // 2025-01-15 02:00 UTC
        #expect(hourly.maintenanceWindow(at: top) != nil)
        #expect(hourly.maintenanceWindow(at: top.addingTimeInterval(299)) != nil)
        #expect(hourly.maintenanceWindow(at: top.addingTimeInterval(300)) == nil)
        #expect(hourly.maintenanceWindow(at: top.addingTimeInterval(-1)) == nil)
        #expect(throws: ScheduleError.self) {
            try AlertPolicy(
                Simulation.config { $0.maintenance = [MaintenanceWindow(cron: "61 * * * *", duration: .seconds(60))] }
            )
        }
    }

    @Test func routesByModulePriorityAndTriggerAndChannelMinimumPriority() throws {
        var config = Simulation.config()
        config.channels["pager"] = AlertChannelConfig(name: "pager", kind: .whatsapp)
        config.channels["pager"]?.minPriority = .p0
        config.channels["payments"] = AlertChannelConfig(name: "payments", kind: .slack)
        config.routes = [
            AlertRoute(channels: ["ops", "pager"]),
            AlertRoute(modules: ["payments"], triggers: [.newError, .regression], channels: ["payments"]),
        ]
        var sim = try Simulation(config)
        sim.run([("Pay", "declined"), ("Book", "boom")], module: { $0 == "Pay" ? "payments" : "appointments" })
        #expect(sim.outbox.map(\.channel) == ["ops", "payments"])
        #expect(sim.outbox[1].alert.items.map(\.scenario) == ["Pay"])
        #expect(sim.outbox[0].alert.items.count == 2)
        // P0 reaches the pager.
        sim.run([("Urgent", "down")], priority: .p0)
        #expect(sim.outbox.suffix(2).map(\.channel) == ["ops", "pager"])
        // One decision per run: every channel's row shares it, and ids are DECISION/CHANNEL.
        #expect(Set(sim.outbox.suffix(2).map(\.decision)).count == 1)
        #expect(sim.outbox.last?.id == "run-run-2/pager")
    }

    @Test func withoutNotifyGroupsAreKeptAndNothingIsDecided() throws {
        var sim = try Simulation()
        sim.policy = try AlertPolicy(Simulation.config(), notify: false)
        let writes = sim.run([("A", "boom")])
        #expect(writes.outbox.isEmpty)
        #expect(writes.groups.count == 1)
        #expect(writes.resultGroups["A"] == writes.groups[0].fingerprint)
    }
}
