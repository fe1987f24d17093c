import Foundation
import Logging
import RondaCore
import RondaNotify

/// The alert the channel tests send: a run with a shared login cause, a new error and a regression.
enum NotifyFixtures {
    static let logger = Logger(label: "ronda.notify.tests")

    static func alert(isTest: Bool = false) -> Alert {
        let now = Date()
        func group(_ scenario: String, _ module: String, _ fingerprint: String, _ status: Int) -> AlertGroup {
            AlertGroup(
                fingerprint: fingerprint,
                scenario: scenario,
                module: module,
                priority: .p0,
                step: "Log in",
                signature: "POST /accounts/login/",
                errorKind: "status",
                message: "expected status 200, got \(status)",
                normalizedMessage: "expected status N, got N",
                url: "https://app.example.com/accounts/login/",
                httpStatus: status,
                firstSeen: now.addingTimeInterval(-3600),
                lastSeen: now,
                occurrences: 2
            )
        }
        return Alert(
            id: "dec-7",
            createdAt: now,
            title: "Run r-7: 3 failing <script>alert(1)</script>",
            triggers: [.newError, .regression],
            priority: .p0,
            run: AlertRun(
                id: "r-7",
                startedAt: now.addingTimeInterval(-60),
                completedAt: now,
                executionTime: 59.5,
                totals: RunTotals(scenarios: 5, passed: 2, failed: 3),
                release: "v2.0.1",
                url: "https://ronda.example.com/runs/r-7"
            ),
            items: [
                AlertItem(
                    trigger: .newError,
                    scenario: "CreateAppointment",
                    module: "appointments",
                    priority: .p0,
                    group: group("CreateAppointment", "appointments", "fp-a", 500),
                    summary: "Log in fails with 500"
                ),
                AlertItem(
                    trigger: .newError,
                    scenario: "CancelAppointment",
                    module: "appointments",
                    priority: .p0,
                    group: group("CancelAppointment", "appointments", "fp-b", 500),
                    summary: "Log in fails with 500"
                ),
                AlertItem(
                    trigger: .regression,
                    scenario: "PayOrder",
                    module: "billing",
                    priority: .p1,
                    group: group("PayOrder", "billing", "fp-c", 502),
                    summary: "Payment webhook answers 502"
                ),
            ],
            causes: [
                AlertCause(
                    trigger: .newError,
                    step: "POST /accounts/login/",
                    errorKind: "status",
                    message: "expected status 200, got 500",
                    scenarios: ["CreateAppointment", "CancelAppointment"],
                    modules: ["appointments"],
                    priority: .p0
                )
            ],
            isTest: isTest
        )
    }

    static func channel(
        _ kind: AlertChannelConfig.Kind,
        environment: [String: String] = [:],
        _ edit: (inout AlertChannelConfig) -> Void
    ) throws -> any AlertChannel {
        var config = AlertChannelConfig(name: "ops", kind: kind)
        edit(&config)
        return try AlertChannels.make(config, environment: environment, logger: logger)
    }

    /// The error `deliver` threw, or `nil` when it succeeded.
    static func failure(_ channel: any AlertChannel, _ alert: Alert = alert()) async -> DeliveryError? {
        do {
            try await channel.deliver(alert, idempotencyKey: "dec-7.ops")
            return nil
        } catch {
            return error
        }
    }
}
