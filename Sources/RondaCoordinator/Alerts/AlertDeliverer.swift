public import Foundation
public import Logging
import Metrics
public import RondaCore
public import RondaStore

/// What one delivery attempt of an outbox row came to.
public enum DeliveryAttempt: Sendable, Hashable {
    case delivered
    /// Failed; `permanent` when retrying cannot help (the receiver rejected the payload).
    case failed(String, permanent: Bool)
}

/// Sends one outbox row to its channel (`entry.channel`), with `entry.id` as the idempotency key.
public typealias AlertSender = @Sendable (_ entry: OutboxEntry) async -> DeliveryAttempt

/// Delivers the alert outbox: claims the oldest pending row of each channel (so each channel
/// gets its decisions in order, and a row held by one deliverer is not sent by another), sends
/// it, and records the outcome — delivered, retry later with the channel's exponential backoff,
/// or failed once the channel rejects it permanently or the row is older than the retry policy's
/// `give_up_after`. A deliverer killed after claiming leaves a claim that expires after
/// `claimFor`; another deliverer then sends the row, with the same idempotency key.
public struct AlertDeliverer: Sendable {
    public let store: any ResultStore
    public let config: AlertsConfig
    public let send: AlertSender
    /// This deliverer's name in claims.
    public let owner: String
    public var logger: Logger
    /// How long a claim holds: the longest channel timeout plus a margin.
    public var claimFor: Duration

    public init(
        store: any ResultStore,
        config: AlertsConfig,
        owner: String = "deliverer-\(UUID().uuidString.prefix(8).lowercased())",
        logger: Logger = Logger(label: "ronda.alerts"),
        send: @escaping AlertSender
    ) {
        self.store = store
        self.config = config
        self.owner = owner
        self.logger = logger
        self.send = send
        let longest = config.channels.values.map(\.timeout).max() ?? .seconds(10)
        self.claimFor = longest + .seconds(30)
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var claimed: Int { delivered + retrying + failed }

        public init(delivered: Int = 0, retrying: Int = 0, failed: Int = 0) {
            self.delivered = delivered
            self.retrying = retrying
            self.failed = failed
        }
    }

    /// One pass: every channel's due head row, sent concurrently across channels.
    public func deliverDue(now: Date = Date()) async throws -> Pass {
        let until = now.addingTimeInterval(Double(claimFor.components.seconds))
        let claimed = try await store.claimAlerts(owner: owner, now: now, until: until)
        var pass = Pass()
        try await withThrowingTaskGroup(of: OutboxOutcome.self) { group in
            for entry in claimed {
                group.addTask { try await attempt(entry) }
            }
            for try await outcome in group {
                switch outcome {
                case .delivered: pass.delivered += 1
                case .retry: pass.retrying += 1
                case .failed: pass.failed += 1
                }
            }
        }
        return pass
    }

    private func attempt(_ entry: OutboxEntry) async throws -> OutboxOutcome {
        let result: DeliveryAttempt
        if config.channels[entry.channel] == nil {
            result = .failed("channel '\(entry.channel)' is no longer configured in alerts.channels", permanent: false)
        } else {
            result = await send(entry)
        }
        let finished = Date()
        let outcome: OutboxOutcome
        switch result {
        case .delivered:
            outcome = .delivered(at: finished)
        case .failed(let error, let permanent):
            let retry = config.channels[entry.channel]?.retry ?? RetryPolicy()
            let age = finished.timeIntervalSince(entry.createdAt)
            if permanent || age >= Double(retry.giveUpAfter.components.seconds) {
                outcome = .failed(error: error, at: finished)
            } else {
                let wait = retry.backoff(afterAttempts: entry.attempts + 1)
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                outcome = .retry(error: error, next: finished.addingTimeInterval(seconds))
            }
        }
        let recorded = try await store.completeAlert(id: entry.id, owner: owner, outcome: outcome)
        Counter(
            label: "ronda_alert_deliveries_total",
            dimensions: [("channel", entry.channel), ("outcome", outcome.label)]
        )
        .increment()
        let metadata: Logger.Metadata = [
            "alert": "\(entry.id)", "channel": "\(entry.channel)", "attempt": "\(entry.attempts + 1)",
        ]
        switch outcome {
        case .delivered:
            logger.info("alert delivered", metadata: metadata)
        case .retry(let error, let next):
            logger.warning(
                "alert delivery failed; will retry",
                metadata: metadata.merging(["error": "\(error)", "next": "\(Timestamp.text(next))"]) { a, _ in a }
            )
        case .failed(let error, _):
            logger.error(
                "alert delivery gave up",
                metadata: metadata.merging(["error": "\(error)"]) { a, _ in a }
            )
        }
        if !recorded {
            logger.warning("alert claim expired before its outcome was recorded", metadata: metadata)
        }
        return outcome
    }

    /// Passes until no row is due (what is waiting for a backoff stays for later), or until
    /// `deadline`. For `coordinator schedule` and embedded runs, which do not stay up.
    public func drain(until deadline: Date) async throws -> Pass {
        var total = Pass()
        while Date() < deadline {
            let pass = try await deliverDue()
            total.delivered += pass.delivered
            total.retrying += pass.retrying
            total.failed += pass.failed
            if pass.delivered == 0 { break }
        }
        return total
    }
}

extension OutboxOutcome {
    /// `delivered`, `retry` or `failed`: the outcome dimension of `ronda_alert_deliveries_total`.
    var label: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .failed: "failed"
        }
    }
}
