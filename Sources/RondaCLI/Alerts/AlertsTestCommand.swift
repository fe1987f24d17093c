import ArgumentParser
import Foundation
import RondaCoordinator
import RondaCore
import RondaNotify
import RondaStore

extension AlertsCommand {
    /// `ronda alerts test CHANNEL`: one clearly marked message, straight to the channel.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a clearly marked test message to a channel of alerts.channels (not through the outbox).",
            discussion: "Exit status 0 when the channel accepted it, 1 when it did not (the reason is printed)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The channel's name in alerts.channels.") var channel: String

        func run() async throws {
            let config = try global.loadConfig()
            let logger = try global.makeLogger(label: "ronda.alerts")
            guard let channelConfig = config.alerts.channels[channel] else {
                let known = config.alerts.channels.keys.sorted()
                throw CLIError(
                    code: .configuration,
                    message: "no channel '\(channel)' in alerts.channels of \(global.config)"
                        + (known.isEmpty ? " (it defines none)" : "; it defines: \(known.joined(separator: ", "))")
                )
            }
            let built: any AlertChannel
            do {
                built = try AlertChannels.make(
                    channelConfig,
                    environment: ProcessInfo.processInfo.environment,
                    logger: logger
                )
            } catch {
                throw CLIError(code: .configuration, message: "\(error.key): \(error.message)")
            }
            let alert = Self.message(channel: channel, publicURL: config.alerts.publicURL)
            do {
                try await built.deliver(alert, idempotencyKey: "\(alert.id)/\(channel)")
            } catch {
                FileHandle.standardError.write(
                    Data("error: the channel did not accept the test message: \(error.message)\n".utf8)
                )
                throw ExitCode(1)
            }
            print("sent a test message to \(channel) (\(channelConfig.kind.rawValue))")
        }

        static func message(channel: String, publicURL: String?, now: Date = Date()) -> Alert {
            let host = ProcessInfo.processInfo.hostName
            return Alert(
                id: "test-\(UUID().uuidString.lowercased())",
                createdAt: now,
                title: "Ronda test message for channel \(channel)",
                triggers: [.test],
                priority: .p3,
                items: [
                    AlertItem(
                        trigger: .test,
                        priority: .p3,
                        summary:
                            "Sent by `ronda alerts test \(channel)` from \(host): if you can read this, the channel works."
                            + (publicURL.map { " Dashboard: \($0)" } ?? "")
                    )
                ],
                isTest: true
            )
        }
    }
}

extension AlertsCommand {
    /// `ronda alerts deliver`: what a coordinator's deliverer does, once, from the command line.
    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver pending alert decisions now, retrying with each channel's backoff for up to --wait.",
            discussion: """
                For embedded use (after `ronda run --notify` could not reach a channel) and for cron without \
                `coordinator serve`. Rows are claimed, so running it beside a coordinator sends nothing twice. \
                Exit status 0 when nothing is left pending, 1 otherwise.
                """
        )
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: ArgumentHelp("Keep retrying this long, e.g. 2m (0: one pass).", valueName: "duration"))
        var wait: String = "30s"

        func run() async throws {
            guard let limit = DurationText.parse(wait) else {
                throw CLIError(code: .usage, message: "--wait '\(wait)' is not a duration like 30s or 2m")
            }
            let logger = try logging.makeLogger(label: "ronda.alerts")
            let setup = try AlertSetup.make(try results.loadConfig().alerts, notify: true, logger: logger)
            let (total, left) = try await results.withStore(logger: logger) { store in
                let deliverer = setup.deliverer(store: store, logger: logger)
                let deadline = Date().addingTimeInterval(limit.inSeconds)
                var total = AlertDeliverer.Pass()
                while true {
                    let pass = try await deliverer.deliverDue()
                    total.delivered += pass.delivered
                    total.retrying += pass.retrying
                    total.failed += pass.failed
                    let pending = try await store.alertOutbox(limit: 10_000).filter { $0.state == .pending }.count
                    if pending == 0 || Date() >= deadline { return (total, pending) }
                    if pass.claimed == 0 { try await Task.sleep(for: .milliseconds(250)) }
                }
            }
            print("alerts: \(total.delivered) delivered, \(total.failed) failed, \(left) still pending")
            if left > 0 { throw ExitCode(1) }
        }
    }
}
