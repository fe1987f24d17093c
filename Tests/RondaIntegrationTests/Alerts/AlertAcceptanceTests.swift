import DemoTarget
import Foundation
import RondaCore
import RondaTestSupport
import Testing

/// The errors-and-alerts acceptance, end to end: the `ronda` binary against the demo app, alerts
/// to a real HTTP receiver, checked from what the receiver got.
@Suite("Alerts, end to end", .serialized)
struct AlertAcceptanceTests {
    static let monday = "Appointments can be booked on every working day"

    static func withBench(
        alerts: String = AlertBench.defaultAlerts,
        _ body: (inout AlertBench) async throws -> Void
    )
        async throws
    {
        var bench = try await AlertBench.start(alerts: alerts)
        do {
            try await body(&bench)
        } catch {
            await bench.stop()
            throw error
        }
        await bench.stop()
    }

    @Test("a broken login is one alert naming the login step and listing the scenarios it broke")
    func brokenLoginIsOneAlert() async throws {
        try await Self.withBench { bench in
            bench.faults(["session-cookie-dropped"])
            let (status, output) = try await bench.run(["--module", "auth,appointments"])
            #expect(status == 1)
            // The terminal names the cause once, with its count.
            #expect(output.contains("CAUSE POST /login/ broke 10 scenarios"), "\(output)")
            let hooks = bench.webhooks()
            #expect(hooks.count == 1)
            #expect(bench.slackMessages().count == 1)
            let body = try #require(hooks.first?.json)
            let causes = body["causes"]?.arrayValue ?? []
            #expect(causes.count == 1)
            #expect(causes.first?["step"]?.stringValue == "POST /login/")
            #expect(causes.first?["scenarios"]?.arrayValue?.count == 10)
            #expect(body["run"]?["release"]?.stringValue == "ok")
            // The signature, checked by Python's hmac.
            let hook = try #require(hooks.first)
            let file = try NotifyPython.file(hook.body, name: "body.json")
            let check = try await NotifyPython.check([
                "webhook", file, hook.header("X-Ronda-Signature") ?? "", hook.header("X-Ronda-Timestamp") ?? "",
                AlertBench.webhookSecret,
            ])
            #expect(check.status == 0, "\(check.output)")
            #expect(hook.header("Idempotency-Key")?.hasSuffix("/hook") == true)
            // So does the report of the recorded run, in text and HTML.
            let html = bench.directory + "/report.html"
            let (reportStatus, report) = try await bench.ronda(["report", "latest", "--html", html])
            #expect(reportStatus == 1)
            #expect(report.components(separatedBy: "CAUSE POST /login/ broke 10 scenarios").count == 2, "\(report)")
            let page = try String(contentsOfFile: html, encoding: .utf8)
            #expect(page.contains("<code>POST /login/</code> broke 10 scenarios"))
            // The Slack text names the step once.
            let slack = String(decoding: try #require(bench.slackMessages().first).body, as: UTF8.self)
            let blocks = try #require(JSONValue.parse(slack)?["blocks"]).jsonText()
            #expect(blocks.components(separatedBy: "POST /login/").count == 2, "\(blocks)")
        }
    }

    @Test("a fault on, off, on over four runs: one new error, one recovery, one regression, nothing else")
    func onOffOn() async throws {
        try await Self.withBench { bench in
            // The fault also breaks other scenarios on the days they pick: this one fails every time.
            let selection = ["--scenario", Self.monday]
            for (round, on) in [false, true, false, true].enumerated() {
                bench.faults(on ? ["appointment-monday-500"] : [])
                let (status, output) = try await bench.run(selection)
                #expect(status == (on ? 1 : 0), "round \(round): \(output)")
            }
            #expect(bench.webhookTriggers() == [["new_error"], ["recovery"], ["regression"]])
            #expect(bench.slackMessages().count == 3)
            let items = bench.webhooks().compactMap { $0.json?["items"]?.arrayValue?.first }
            #expect(items.allSatisfy { $0["scenario"]?.stringValue == Self.monday })
            let (_, groups) = try await bench.ronda(["errors", "list", "--status", "all"])
            #expect(groups.split(separator: "\n").count == 1, "\(groups)")
            #expect(groups.contains("regressed"), "\(groups)")
            let (_, runs) = try await bench.ronda(["runs", "list"])
            #expect(runs.split(separator: "\n").count == 4)
        }
    }

    @Test("a flapping scenario is reported as flaky; quarantined, it sends nothing")
    func flappingThenQuarantined() async throws {
        try await Self.withBench { bench in
            let selection = ["--scenario", Self.monday]
            for round in 0..<10 {
                bench.faults(round.isMultiple(of: 2) ? ["appointment-monday-500"] : [])
                _ = try await bench.run(selection)
            }
            let (_, listing) = try await bench.ronda(["quarantine", "list"])
            #expect(listing.contains("FLAKY  \(Self.monday)  100% flips"), "\(listing)")
            let last = try #require(bench.webhooks().last?.json?["items"]?.arrayValue?.first)
            #expect(last["summary"]?.stringValue?.contains("flaky") == true)
            let sent = bench.webhooks().count
            #expect(sent == 10)  // a new error, then a recovery or a regression every run: crying wolf
            #expect(try await bench.ronda(["quarantine", "add", Self.monday, "--reason", "flaps"]).0 == 0)
            for round in 0..<4 {
                bench.faults(round.isMultiple(of: 2) ? ["appointment-monday-500"] : [])
                _ = try await bench.run(selection)
            }
            #expect(bench.webhooks().count == sent)
            let (_, quarantined) = try await bench.ronda(["quarantine", "list"])
            #expect(quarantined.contains("\(Self.monday)  since"), "\(quarantined)")
            #expect(quarantined.contains("(flaps)"))
        }
    }

    @Test("a maintenance window suppresses alerts, and `ronda alerts list` shows the suppression")
    func maintenanceWindow() async throws {
        let alerts =
            AlertBench.defaultAlerts + "\n  maintenance:\n    - { cron: \"* * * * *\", duration: 2m, timezone: UTC }"
        try await Self.withBench(alerts: alerts) { bench in
            bench.faults(["appointment-monday-500"])
            let (status, _) = try await bench.run(["--module", "appointments"])
            #expect(status == 1)
            #expect(bench.receiver.requests().isEmpty)
            let (_, listing) = try await bench.ronda(["alerts", "list"])
            let lines = listing.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.contains("suppressed") && $0.contains("maintenance window '* * * * *'") })
        }
    }

    @Test("the receiver down across three runs: afterwards every decision arrives once, in order")
    func receiverDown() async throws {
        try await Self.withBench { bench in
            let port = bench.receiver.port
            let log = bench.receiver.log
            await bench.receiver.stop()
            let selection = ["--scenario", Self.monday]
            for on in [true, false, true] {
                bench.faults(on ? ["appointment-monday-500"] : [])
                let (_, output) = try await bench.run(selection)
                // Nothing can be delivered; whatever was tried is left for later.
                #expect(!output.contains("1 delivered") && !output.contains("2 delivered"), "\(output)")
            }
            let (_, pending) = try await bench.ronda(["alerts", "list"])
            #expect(pending.split(separator: "\n").filter { $0.contains("pending") }.count == 6, "\(pending)")
            bench.receiver = try await AlertReceiver.start(port: port, log: log)
            // Two deliverers at once: rows are claimed, so none is sent twice.
            async let first = bench.ronda(["alerts", "deliver", "--wait", "60s"])
            async let second = bench.ronda(["alerts", "deliver", "--wait", "60s"])
            let results = try await [first, second]
            #expect(results.allSatisfy { $0.0 == 0 }, "\(results.map(\.1))")
            #expect(bench.webhookTriggers() == [["new_error"], ["recovery"], ["regression"]])
            let keys = bench.receiver.requests().compactMap { $0.header("Idempotency-Key") }
            #expect(keys.count == 6)
            #expect(Set(keys).count == 6)
            let (_, delivered) = try await bench.ronda(["alerts", "list"])
            #expect(delivered.split(separator: "\n").allSatisfy { $0.contains("delivered") }, "\(delivered)")
        }
    }

    @Test("`ronda alerts test CHANNEL` sends one clearly marked message; an unknown channel is named")
    func testMessage() async throws {
        try await Self.withBench { bench in
            let (status, output) = try await bench.ronda(["alerts", "test", "hook"])
            #expect(status == 0, "\(output)")
            let body = try #require(bench.webhooks().first?.json)
            #expect(body["test"] == .bool(true))
            #expect(body["title"]?.stringValue?.contains("test message") == true)
            #expect(body["triggers"] == .array([.string("test")]))
            let (unknown, message) = try await bench.ronda(["alerts", "test", "pager"])
            #expect(unknown == 2)
            #expect(message.contains("no channel 'pager'") && message.contains("hook, slack"), "\(message)")
            // A test message is not a decision: the outbox stays empty.
            let (_, listing) = try await bench.ronda(["alerts", "list"])
            #expect(listing.contains("no alert decisions yet") || listing.contains("no results yet"), "\(listing)")
        }
    }

    @Test("`ronda alerts notify` sends an operations message to the routed channels, once per key")
    func operationsMessage() async throws {
        try await Self.withBench { bench in
            let (status, output) = try await bench.ronda([
                "alerts", "notify", "--channel", "hook", "--failure", "--key", "backup-20261206",
                "--title", "Ronda backup failed", "--message", "pg_dump failed; see the backup log",
            ])
            #expect(status == 0, "\(output)")
            #expect(output.contains("notify: sent to hook (webhook)"), "\(output)")
            let body = try #require(bench.webhooks().first?.json)
            #expect(body["test"] == .bool(false))
            #expect(body["title"]?.stringValue == "Ronda backup failed")
            #expect(body["triggers"] == .array([.string("operations")]))
            let key = bench.receiver.requests().compactMap { $0.header("Idempotency-Key") }.first
            #expect(key == "backup-20261206/hook")
            let (unknown, message) = try await bench.ronda([
                "alerts", "notify", "--channel", "pager", "--title", "t", "--message", "m",
            ])
            #expect(unknown == 2)
            #expect(message.contains("no channel 'pager'"), "\(message)")
            // Not a decision of a run: the outbox stays empty.
            let (_, listing) = try await bench.ronda(["alerts", "list"])
            #expect(listing.contains("no alert decisions yet") || listing.contains("no results yet"), "\(listing)")
        }
    }

    @Test("channel secrets never reach the store, the logs or the reports")
    func secretsStayOut() async throws {
        try await Self.withBench { bench in
            bench.faults(["appointment-monday-500"])
            let (_, output) = try await bench.run(
                [
                    "--module", "appointments", "--log-level", "debug", "--json", bench.directory + "/r.json", "--html",
                    bench.directory + "/r.html",
                ]
            )
            #expect(bench.webhooks().count == 1)
            var files = [output]
            for name in ["results.sqlite", "results.sqlite-wal", "r.json", "r.html"] {
                if let data = FileManager.default.contents(atPath: bench.directory + "/" + name) {
                    files.append(String(decoding: data, as: UTF8.self))
                }
            }
            for (_, listing) in [
                try await bench.ronda(["alerts", "list", "--json"]),
                try await bench.ronda(["errors", "list", "--json"]),
            ] {
                files.append(listing)
            }
            for text in files {
                #expect(!text.contains(AlertBench.webhookSecret))
                #expect(!text.contains("XoXoSlackSecretPath"))
            }
        }
    }

    @Test("a channel URL that does not parse, or an unknown channel in a route, stops the run before any request")
    func badConfiguration() async throws {
        let cases = [
            (
                "    broken: { type: webhook, url: \"not a url\", secret: \"{{ env.RONDA_WEBHOOK_SECRET }}\" }",
                "alerts.channels.broken.url"
            ),
            ("  routes:\n    - { channels: [hook, nowhere] }", "unknown channel 'nowhere'"),
        ]
        for (extra, key) in cases {
            let alerts =
                extra.hasPrefix("  routes")
                ? AlertBench.defaultAlerts + "\n" + extra
                : AlertBench.defaultAlerts.replacingOccurrences(of: "    slack:\n", with: extra + "\n    slack:\n")
            try await Self.withBench(alerts: alerts) { bench in
                let (status, output) = try await bench.run(["--module", "appointments"])
                #expect(status == 2, "\(output)")
                #expect(output.contains(key), "\(output)")
                #expect(!FileManager.default.fileExists(atPath: bench.database))
                #expect(bench.receiver.requests().isEmpty)
            }
        }
        // A channel whose variable is unset, only with --notify (the channel is built then).
        try await Self.withBench { bench in
            let (status, output) = try await bench.run(["--module", "appointments"], notify: true)
            #expect(status == 0, "\(output)")
            let unset = try await bench.ronda(
                ["run", "--notify", "--module", "appointments"],
                extraEnvironment: ["RONDA_SLACK_URL": ""]
            )
            #expect(unset.0 == 2)
            #expect(unset.1.contains("alerts.channels.slack.url"), "\(unset.1)")
        }
    }
}
