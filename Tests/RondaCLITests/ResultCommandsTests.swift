import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// The result commands' text, and their wiring, without a target: a SQLite store filled by hand.
struct ResultCommandsTests {
    static let start = Date(timeIntervalSince1970: 1_765_000_000)

    static func group(status: ErrorGroupStatus = .open, regressions: Int = 0) -> ErrorGroup {
        ErrorGroup(
            fingerprint: "3f2a9c1e07b4aa55" + String(repeating: "0", count: 48),
            scenario: "Book\u{1B}[2J",
            module: "appointments",
            priority: .p1,
            step: "Save",
            signature: "POST /appointments/{id}/",
            errorKind: "assertion",
            message: "expected status 201, got 500",
            normalizedMessage: "expected status <n>, got <n>",
            url: "http://app.test/appointments/7/",
            httpStatus: 500,
            excerpt: "HTTP 500\nboom",
            status: status,
            firstSeen: start,
            lastSeen: start.addingTimeInterval(600),
            occurrences: 4,
            firstRunID: "r1",
            lastRunID: "r4",
            firstRelease: "2.14.0",
            resolvedAt: status == .resolved ? start.addingTimeInterval(3600) : nil,
            resolvedRelease: status == .resolved ? "2.15.0" : nil,
            regressedAt: regressions > 0 ? start.addingTimeInterval(300) : nil,
            regressions: regressions
        )
    }

    @Test func errorLinesAndDetailsAreEscapedAndComplete() {
        let line = ErrorsCommand.line(Self.group(regressions: 1))
        #expect(line.hasPrefix("3f2a9c1e07b4  regressed  ×4  appointments/Book\\x1B[2J"))
        #expect(!line.contains("\u{1B}"))
        let details = ErrorsCommand.details(Self.group(status: .resolved))
        for expected in [
            "status:        resolved", "step:          Save (POST /appointments/{id}/)",
            "request:       http://app.test/appointments/7/ → 500", "new since:     2.14.0", "in 2.15.0",
            "resolved in:   3600 s after first seen", "response:\nHTTP 500\nboom",
        ] {
            #expect(details.contains(expected), "\(expected) in \(details)")
        }
    }

    @Test func outboxRunAndStatsLines() {
        let alert = Alert(
            id: "run-r1",
            createdAt: Self.start,
            title: "Ronda: run r1",
            triggers: [.newError],
            priority: .p1,
            items: []
        )
        var entry = OutboxEntry(
            decision: "run-r1",
            channel: "ops",
            runID: "r1",
            position: 0,
            alert: alert,
            createdAt: Self.start
        )
        entry.attempts = 2
        entry.lastError = "HTTP 503 from hooks.example"
        let line = AlertsCommand.line(entry)
        #expect(line.contains("pending     ops  run-r1  new_error  Ronda: run r1  (2 attempts)  last error: HTTP 503"))
        let suppressed = OutboxEntry(
            decision: "run-r2",
            channel: "ops",
            runID: "r2",
            position: 0,
            alert: alert,
            state: .suppressed,
            createdAt: Self.start,
            note: "suppressed by the maintenance window '0 2 * * *'"
        )
        #expect(
            AlertsCommand.line(suppressed).contains("suppressed  ops  run-r2  new_error  Ronda: run r1  suppressed by")
        )

        let run = RunRecord(
            id: "r1",
            trigger: .schedule,
            schedule: "every-15m",
            status: .completed,
            totals: RunTotals(scenarios: 63, passed: 60, failed: 2, errored: 1),
            startedAt: Self.start,
            executionTime: 41.25,
            deadline: Self.start,
            release: "2.14.0"
        )
        #expect(
            RunsCommand.line(run).hasSuffix(
                "r1  completed  60/63 passed  2 failed  1 errored  41.2 s  schedule every-15m  release 2.14.0"
            )
        )

        let output = StatsCommand.Output(
            pending: 0,
            inFlight: 0,
            deadLetters: 0,
            paused: false,
            workers: [],
            runs24h: 3,
            running: 0,
            results24h: 30,
            successRate24h: 0.9,
            runningScenarios: 0,
            runningRuns: [],
            errors: ErrorStats(
                errorsTotal: 12,
                errorsSince: 3,
                openGroups: 2,
                averageExecutionTime: 40.5,
                errorsPerModule: [.init(module: "payments", errors: 2), .init(module: "auth", errors: 1)],
                medianTimeToResolution: 3_900,
                medianTimeToResolutionPerModule: ["payments": 3_900]
            ),
            queueKnown: false
        )
        let text = StatsCommand.text(output)
        #expect(!text.contains("queue:"))
        #expect(text.contains("errors:       3 in 24 h, 12 in total; 2 open groups; average run 40.5 s"))
        #expect(text.contains("resolution:   median 1h 5m from first seen to resolved"))
        #expect(text.contains("by module:    payments 2, auth 1"))
        #expect(
            StatsCommand.span(59) == "59s" && StatsCommand.span(61) == "1m 1s" && StatsCommand.span(90_000) == "1d 1h"
        )
    }

    @Test func alertSetupNamesTheKeyAndSendsThroughItsChannels() async throws {
        var config = AlertsConfig()
        var slack = AlertChannelConfig(name: "ops", kind: .slack)
        slack.url = .environment("RONDA_TEST_SLACK_URL")
        config.channels["ops"] = slack
        // Deciding without delivering needs no secret.
        let deciding = try AlertSetup.make(
            config,
            notify: true,
            deliver: false,
            environment: [:],
            logger: Logger(label: "t")
        )
        #expect(deciding.policy.notify && deciding.channels.isEmpty)
        #expect(throws: CLIError.self) {
            try AlertSetup.make(config, notify: true, environment: [:], logger: Logger(label: "t"))
        }
        do {
            _ = try AlertSetup.make(config, notify: true, environment: [:], logger: Logger(label: "t"))
        } catch let error as CLIError {
            #expect(error.message.hasPrefix("alerts.channels.ops.url"), "\(error.message)")
        }
        config.maintenance = [MaintenanceWindow(cron: "every day", duration: .seconds(60))]
        #expect(throws: CLIError.self) {
            try AlertSetup.make(config, notify: false, environment: [:], logger: Logger(label: "t"))
        }
        // A row for a channel this process did not build is a retryable failure, not a crash.
        let built = try AlertSetup.make(AlertsConfig(), notify: true, environment: [:], logger: Logger(label: "t"))
        let alert = AlertsCommand.Test.message(channel: "ops", publicURL: "https://ronda.example.com")
        #expect(alert.isTest && alert.triggers == [.test])
        #expect(alert.items.first?.summary.contains("https://ronda.example.com") == true)
        let entry = OutboxEntry(
            decision: "d",
            channel: "ops",
            runID: nil,
            position: 0,
            alert: alert,
            createdAt: Self.start
        )
        #expect(await built.sender(entry) == .failed("channel 'ops' is not configured here", permanent: false))
        #expect(!built.policy.notify)
    }

    @Test func reportFindsRunsByIdPrefixAndLatest() async throws {
        let path = try temporaryDatabase()
        let store = try await SQLiteStore.open(path: path)
        try await withTeardown {
            try await store.migrate()
            for (index, id) in ["aaaa1111", "aaaa2222", "bbbb3333"].enumerated() {
                let run = RunRecord(
                    id: id,
                    trigger: .manual,
                    startedAt: Self.start.addingTimeInterval(Double(index)),
                    deadline: Self.start
                )
                #expect(try await store.createRun(run))
            }
            #expect(try await ReportCommand.find("latest", in: store).id == "bbbb3333")
            #expect(try await ReportCommand.find("aaaa2", in: store).id == "aaaa2222")
            #expect(try await ReportCommand.find("bbbb3333", in: store).id == "bbbb3333")
            await #expect(throws: CLIError.self) { try await ReportCommand.find("aaaa", in: store) }
            await #expect(throws: CLIError.self) { try await ReportCommand.find("zz", in: store) }
            let group = Self.group()
            #expect(try await store.errorGroups(prefix: "3f2a").isEmpty)
            await #expect(throws: CLIError.self) { try await ErrorsCommand.find("3f2a", in: store) }
            await #expect(throws: CLIError.self) { try await ErrorsCommand.find("xyz", in: store) }
            _ = try await store.setErrorGroupStatus(group, to: .open, at: Self.start)
            #expect(try await ErrorsCommand.find("3F2A9C", in: store).fingerprint == group.fingerprint)
        } teardown: {
            try? await store.close()
        }
    }

    @Test func resultCommandsSayWhenThereAreNoResultsYet() async throws {
        let directory = try Checkout.temporaryDirectory("ronda-no-results")
        let config = directory + "/ronda.yml"
        try "database: \(directory)/missing.sqlite\n".write(toFile: config, atomically: true, encoding: .utf8)
        let status = await RondaCommand.main(arguments: ["errors", "list", "--config", config])
        #expect(status == 2)
        #expect(!FileManager.default.fileExists(atPath: directory + "/missing.sqlite"))
    }
}
