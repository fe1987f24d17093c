import Logging
import RondaCore
public import ServiceLifecycle

/// The outbox deliverer as a `Service` inside `ronda coordinator serve`: a pass every
/// `interval` (at once again after a pass that delivered something); errors (the store away) are
/// logged and retried with backoff up to 30 s. Stops on graceful shutdown; a row it had claimed
/// and not finished is sent by the next deliverer after the claim expires.
public struct AlertDeliveryService: Service {
    public let deliverer: AlertDeliverer
    public var interval: Duration

    public init(deliverer: AlertDeliverer, interval: Duration = .seconds(1)) {
        self.deliverer = deliverer
        self.interval = interval
    }

    public func run() async throws {
        let logger = deliverer.logger
        logger.info("alert deliverer running", metadata: ["channels": "\(deliverer.config.channels.keys.sorted())"])
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let pass = try await deliverer.deliverDue()
                    failures = 0
                    if pass.delivered > 0 { continue }
                    try? await Task.sleep(for: interval)
                } catch {
                    failures += 1
                    logger.error(
                        "alert delivery pass failed",
                        metadata: ["error": "\(error)", "failures": "\(failures)"]
                    )
                    try? await Task.sleep(for: min(interval * (1 << min(failures, 5)), .seconds(30)))
                }
            }
        }
        logger.info("alert deliverer stopped")
    }
}
