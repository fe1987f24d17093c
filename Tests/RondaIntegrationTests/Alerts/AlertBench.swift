import DemoTarget
import Foundation
import RondaCore
import RondaTestSupport

@testable import RondaCLI

/// The demo app, a real HTTP receiver (Tests/Servers/alert_receiver.py) and a ronda.yml whose
/// `alerts:` point at it, in a fresh folder; `ronda` runs as a child process there, with the demo
/// app's passwords and the channels' secrets in its environment only.
struct AlertBench {
    static let webhookSecret = "whsec-acceptance-0f3c9d"
    static let slackPath = "/services/T0000/B0000/XoXoSlackSecretPath"

    let demo: RunningDemo
    var receiver: AlertReceiver
    let directory: String
    let environment: [String: String]

    var config: String { directory + "/ronda.yml" }
    var database: String { directory + "/results.sqlite" }

    /// `alerts` is the YAML under `alerts:` (indented two spaces); `@HOOK_URL@` in it is
    /// replaced by the receiver's webhook URL.
    static func start(alerts: String = defaultAlerts) async throws -> AlertBench {
        let demo = try await DemoApp.start()
        let receiver = try await AlertReceiver.start()
        let directory = try Checkout.temporaryDirectory("ronda-alert-bench")
        let root = Checkout.root
        var text = try String(contentsOfFile: root + "/ronda.yml", encoding: .utf8)
        text = text.replacingOccurrences(of: "base_url: http://127.0.0.1:8080", with: "base_url: \(demo.baseURL)")
        text = text.replacingOccurrences(of: "login: scenarios/", with: "login: \(root)/scenarios/")
        text = text.replacingOccurrences(of: "suite: scenarios", with: "suite: \(root)/scenarios")
        text = text.replacingOccurrences(
            of: "database: .ronda/ronda.sqlite",
            with: "database: \(directory)/results.sqlite"
        )
        text +=
            "\nalerts:\n"
            + alerts.replacingOccurrences(of: "@HOOK_URL@", with: receiver.baseURL + "/hook")
        try text.write(toFile: directory + "/ronda.yml", atomically: true, encoding: .utf8)
        var environment = DemoRunner.demoValues(demo: demo)
        environment["RONDA_WEBHOOK_SECRET"] = webhookSecret
        environment["RONDA_SLACK_URL"] = receiver.baseURL + slackPath
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        // Coverage of the child processes counts too (ops/coverage.sh merges their profiles).
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] {
            environment["LLVM_PROFILE_FILE"] = profile
        }
        return AlertBench(demo: demo, receiver: receiver, directory: directory, environment: environment)
    }

    static let defaultAlerts = """
          threshold: 5
          public_url: https://ronda.example.com
          release: { url: /api/v1/health, json_path: $.status }
          channels:
            hook:
              type: webhook
              url: "@HOOK_URL@"
              secret: "{{ env.RONDA_WEBHOOK_SECRET }}"
              retry: { backoff: 1s, max_backoff: 2s }
            slack:
              type: slack
              url: "{{ env.RONDA_SLACK_URL }}"
              retry: { backoff: 1s, max_backoff: 2s }
        """

    /// Runs `ronda ARGUMENTS --config …` from the bench's folder; exit status and output.
    func ronda(_ arguments: [String], extraEnvironment: [String: String] = [:]) async throws -> (Int32, String) {
        let log = directory + "/out-\(UUID().uuidString).log"
        let argv = ["/usr/bin/env", "-C", directory, Checkout.ronda] + arguments + ["--config", config]
        let environment = self.environment.merging(extraEnvironment) { _, new in new }
        let status = try await offCooperativePool {
            try spawnAndWait(argv, log: log, environment: environment, inheritEnvironment: false)
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// `ronda run --notify` over `arguments` (a selection).
    func run(_ arguments: [String], notify: Bool = true) async throws -> (Int32, String) {
        try await ronda(["run"] + (notify ? ["--notify"] : []) + arguments)
    }

    func faults(_ names: Set<String>) { demo.faults.set(names) }

    /// The webhook deliveries so far, in arrival order.
    func webhooks() -> [AlertReceiver.Request] { receiver.requests().filter { $0.path == "/hook" } }
    func slackMessages() -> [AlertReceiver.Request] { receiver.requests().filter { $0.path == Self.slackPath } }

    /// The triggers of each webhook delivery.
    func webhookTriggers() -> [[String]] {
        webhooks().map { ($0.json?["triggers"]?.arrayValue ?? []).compactMap(\.stringValue) }
    }

    func stop() async {
        await receiver.stop()
        await demo.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
