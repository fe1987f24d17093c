import ArgumentParser
import Foundation
import RondaCore
import RondaNotify

extension AlertsCommand {
    /// `ronda alerts notify`: Ronda's own operations (a backup written or failed) told through
    /// the channels people already watch.
    struct Notify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an operations message (a backup, a restore, a deploy) through the alert channels.",
            discussion: """
                The message is an alert of trigger 'operations': P1 with --failure, P3 otherwise, so each \
                channel's min_priority and alerts.routes apply (a route with triggers: [operations] sends \
                them to an operations channel only). --channel NAME (repeatable) sends to those channels \
                instead. Each channel gets it once per --key: a receiver that deduplicates (webhook, Sentry) \
                sees the same key when a script retries.

                Exit status 0 when every chosen channel accepted it (or none was chosen), 1 when one did not \
                (each printed), 2 for a bad configuration.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The message's title.", valueName: "text")) var title: String
        @Option(help: ArgumentHelp("What happened, and where to look.", valueName: "text")) var message: String
        @Flag(help: "Something failed: priority P1 instead of P3.") var failure = false
        @Option(name: .customLong("channel"), help: ArgumentHelp("Send to this channel only.", valueName: "name"))
        var channels: [String] = []
        @Option(help: ArgumentHelp("The message's identity, the same on a retry.", valueName: "key")) var key: String?

        func run() async throws {
            let config = try global.loadConfig()
            let logger = try global.makeLogger(label: "ronda.alerts")
            let alert = Self.message(
                title: title,
                message: message,
                failure: failure,
                key: key,
                publicURL: config.alerts.publicURL
            )
            let chosen = channels.isEmpty ? config.alerts.channels(for: alert.items[0]) : channels
            if let unknown = chosen.first(where: { config.alerts.channels[$0] == nil }) {
                throw CLIError(
                    code: .configuration,
                    message: "no channel '\(unknown)' in alerts.channels of \(global.config)"
                )
            }
            if chosen.isEmpty { print("notify: no channel takes this message (alerts.channels, routes, min_priority)") }
            var failed = false
            for name in chosen {
                guard let channelConfig = config.alerts.channels[name] else { continue }
                do {
                    let channel = try AlertChannels.make(
                        channelConfig,
                        environment: ProcessInfo.processInfo.environment,
                        logger: logger
                    )
                    try await channel.deliver(alert, idempotencyKey: "\(alert.id)/\(name)")
                    print("notify: sent to \(name) (\(channelConfig.kind.rawValue))")
                } catch let error as ChannelConfigurationError {
                    throw CLIError(code: .configuration, message: "\(error.key): \(error.message)")
                } catch {
                    print("notify: \(name) did not accept it: \(error.operatorMessage)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }

        static func message(title: String, message: String, failure: Bool, key: String?, publicURL: String?) -> Alert {
            let priority: Priority = failure ? .p1 : .p3
            return Alert(
                id: key ?? "ops-\(UUID().uuidString.lowercased())",
                createdAt: Date(),
                title: title,
                triggers: [.operations],
                priority: priority,
                items: [
                    AlertItem(
                        trigger: .operations,
                        priority: priority,
                        summary: message + " (from \(ProcessInfo.processInfo.hostName))"
                            + (publicURL.map { " Dashboard: \($0)" } ?? "")
                    )
                ]
            )
        }
    }
}
