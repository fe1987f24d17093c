public import Foundation

/// The payment gateways' webhook secrets the optica checks signatures with. They come from
/// environment variables, each with a demo default (a demo app on loopback, not real secrets):
///
/// | secret | variable | default | Ronda's variable for scenarios |
/// |---|---|---|---|
/// | Stripe endpoint secret | `DEMO_STRIPE_WEBHOOK_SECRET` | `whsec_ronda_demo_stripe` | `RONDA_STRIPE_WEBHOOK_SECRET` |
/// | Wompi events secret | `DEMO_WOMPI_EVENTS_SECRET` | `test_events_ronda_demo_wompi` | `RONDA_WOMPI_EVENTS_SECRET` |
///
/// A running demo exposes them as `RunningDemo.users.webhookSecrets`.
public struct DemoSecrets: Sendable, Hashable {
    /// Stripe's endpoint secret (`whsec_…`): the HMAC key of `Stripe-Signature`.
    public var stripeWebhookSecret: String
    /// Wompi's events secret: the last part of the text `signature.checksum` hashes.
    public var wompiEventsSecret: String

    /// The demo defaults.
    public init(
        stripeWebhookSecret: String = "whsec_ronda_demo_stripe",
        wompiEventsSecret: String = "test_events_ronda_demo_wompi"
    ) {
        self.stripeWebhookSecret = stripeWebhookSecret
        self.wompiEventsSecret = wompiEventsSecret
    }

    /// Each secret's demo variable, the Ronda variable scenarios read it from, and its default.
    public static let variables: [(variable: String, rondaVariable: String, defaultValue: String)] = [
        ("DEMO_STRIPE_WEBHOOK_SECRET", "RONDA_STRIPE_WEBHOOK_SECRET", "whsec_ronda_demo_stripe"),
        ("DEMO_WOMPI_EVENTS_SECRET", "RONDA_WOMPI_EVENTS_SECRET", "test_events_ronda_demo_wompi"),
    ]

    /// The secrets from `DEMO_STRIPE_WEBHOOK_SECRET` and `DEMO_WOMPI_EVENTS_SECRET`, or the defaults.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DemoSecrets {
        func value(_ name: String, _ fallback: String) -> String {
            if let set = environment[name], !set.isEmpty { return set }
            return fallback
        }
        let defaults = DemoSecrets()
        return DemoSecrets(
            stripeWebhookSecret: value("DEMO_STRIPE_WEBHOOK_SECRET", defaults.stripeWebhookSecret),
            wompiEventsSecret: value("DEMO_WOMPI_EVENTS_SECRET", defaults.wompiEventsSecret)
        )
    }

    /// The secret a scenario reads from the Ronda variable `name` (`RONDA_STRIPE_WEBHOOK_SECRET`
    /// or `RONDA_WOMPI_EVENTS_SECRET`), or `nil` for another name.
    public func value(forRondaVariable name: String) -> String? {
        switch name {
        case "RONDA_STRIPE_WEBHOOK_SECRET": stripeWebhookSecret
        case "RONDA_WOMPI_EVENTS_SECRET": wompiEventsSecret
        default: nil
        }
    }
}
