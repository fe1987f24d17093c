import Foundation
import Logging
import RondaCoordinator
import RondaCore
import RondaHTTP
import RondaNotify
import RondaStore

/// The alert policy and channels of a `ronda.yml`, built and checked before anything runs: an
/// unset variable, a URL that does not parse, a maintenance window that does not, is a
/// configuration error naming the key.
struct AlertSetup: Sendable {
    let config: AlertsConfig
    let policy: AlertPolicy
    let channels: [String: any AlertChannel]

    /// With `notify` false the policy still groups errors, but decides nothing. Channels are
    /// built only when `deliver` (by default: when notifying): a process that only writes
    /// decisions for a coordinator to deliver needs none of their secrets.
    static func make(
        _ config: AlertsConfig,
        notify: Bool,
        deliver: Bool? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws -> AlertSetup {
        let policy: AlertPolicy
        do {
            policy = try AlertPolicy(config, notify: notify && !config.channels.isEmpty)
        } catch {
            throw CLIError(code: .configuration, message: "alerts.maintenance: \(error.message)")
        }
        var channels: [String: any AlertChannel] = [:]
        if deliver ?? notify {
            for (name, channel) in config.channels.sorted(by: { $0.key < $1.key }) {
                do {
                    channels[name] = try AlertChannels.make(channel, environment: environment, logger: logger)
                } catch {
                    throw CLIError(code: .configuration, message: "\(error.key): \(error.message)")
                }
            }
        }
        return AlertSetup(config: config, policy: policy, channels: channels)
    }

    /// Sends an outbox row through its channel.
    var sender: AlertSender {
        let channels = self.channels
        return { entry in
            guard let channel = channels[entry.channel] else {
                return .failed("channel '\(entry.channel)' is not configured here", permanent: false)
            }
            do {
                try await channel.deliver(entry.alert, idempotencyKey: entry.id)
                return .delivered
            } catch let error as DeliveryError {
                return .failed(error.message, permanent: error.isPermanent)
            } catch {
                return .failed("\(error)", permanent: false)
            }
        }
    }

    func deliverer(store: any ResultStore, logger: Logger) -> AlertDeliverer {
        AlertDeliverer(store: store, config: config, logger: logger, send: sender)
    }
}

/// Reads the target's release once per run (`alerts.release`): a header, or a JSON path into the
/// body, of one endpoint. A failure is logged and the run goes on without a release.
struct ReleaseProbe: Sendable {
    let source: ReleaseSource
    let baseURL: String
    let logger: Logger
    /// The target's TLS settings (`target.verify_tls`, `target.ca_bundle`).
    var verifyTLS = true
    var caBundle: String? = nil

    func read() async -> String? {
        let url =
            source.url.hasPrefix("http://") || source.url.hasPrefix("https://")
            ? source.url
            : (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)
                + (source.url.hasPrefix("/") ? source.url : "/" + source.url)
        var options = HTTPRequestOptions()
        options.totalTimeout = .seconds(10)
        options.connectTimeout = .seconds(5)
        options.verifyTLS = verifyTLS
        options.caBundlePath = caBundle
        let session = HTTPSession()
        defer { session.close() }
        do {
            let response = try await session.send(HTTPRequest(url: url, options: options))
            guard (200..<300).contains(response.status) else {
                logger.warning("cannot read the release", metadata: ["url": "\(url)", "status": "\(response.status)"])
                return nil
            }
            if let header = source.header {
                return response.headers.first { $0.name.lowercased() == header.lowercased() }?.value
            }
            guard let path = source.jsonPath, let json = JSONValue.parse(response.body),
                let value = try? JSONPath(parsing: path).value(in: json)
            else {
                logger.warning("cannot read the release: no value at the JSON path", metadata: ["url": "\(url)"])
                return nil
            }
            if case .string(let text) = value { return text }
            return value.jsonText()
        } catch {
            logger.warning("cannot read the release", metadata: ["url": "\(url)", "error": "\(error.message)"])
            return nil
        }
    }
}
