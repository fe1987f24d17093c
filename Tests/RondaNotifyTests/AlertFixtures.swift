import Foundation
import RondaCore

/// Alerts the renderings are tested with.
enum AlertFixtures {
    static let created = Date(timeIntervalSince1970: 1_796_534_197)  // 2026-12-06T05:16:37Z

    static func group(_ scenario: String, module: String, fingerprint: String, status: Int? = 500) -> AlertGroup {
        AlertGroup(
            fingerprint: fingerprint,
            scenario: scenario,
            module: module,
            priority: .p0,
            step: "Log in",
            signature: "POST /accounts/login/",
            errorKind: "status",
            message: "expected status 200, got \(status ?? 0)",
            normalizedMessage: "expected status N, got N",
            url: "https://app.example.com/accounts/login/",
            httpStatus: status,
            firstSeen: Date(timeIntervalSince1970: 1_796_530_000),
            lastSeen: created,
            occurrences: 3,
            firstRelease: "v1.4.0"
        )
    }

    /// Two scenarios broken by one login (a cause), one new error elsewhere, a regression, a
    /// threshold item (run-level, no module).
    static func alert(isTest: Bool = false, url: String? = "https://ronda.example.com/runs/r-42") -> Alert {
        Alert(
            id: "dec-42",
            createdAt: created,
            title: "Run r-42: 4 failing, 2 new errors",
            triggers: [.threshold, .newError, .regression],
            priority: .p0,
            run: AlertRun(
                id: "r-42",
                startedAt: created.addingTimeInterval(-75),
                completedAt: created,
                executionTime: 74.5,
                totals: RunTotals(scenarios: 10, passed: 6, failed: 3, errored: 1, skipped: 0),
                release: "v1.5.0",
                url: url
            ),
            items: [
                AlertItem(trigger: .threshold, priority: .p0, summary: "4 failing scenarios (threshold 3)"),
                AlertItem(
                    trigger: .newError,
                    scenario: "CreateAppointment",
                    module: "appointments",
                    priority: .p0,
                    group: group("CreateAppointment", module: "appointments", fingerprint: "f1"),
                    summary: "Log in fails with 500"
                ),
                AlertItem(
                    trigger: .newError,
                    scenario: "CancelAppointment",
                    module: "appointments",
                    priority: .p0,
                    group: group("CancelAppointment", module: "appointments", fingerprint: "f2"),
                    summary: "Log in fails with 500"
                ),
                AlertItem(
                    trigger: .regression,
                    scenario: "PayOrder",
                    module: "billing",
                    priority: .p1,
                    group: group("PayOrder", module: "billing", fingerprint: "f3", status: 502),
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

    /// An alert about one recovery: nothing for Sentry.
    static func recovery() -> Alert {
        Alert(
            id: "dec-43",
            createdAt: created,
            title: "PayOrder recovered",
            triggers: [.recovery],
            priority: .p1,
            items: [
                AlertItem(
                    trigger: .recovery,
                    scenario: "PayOrder",
                    module: "billing",
                    priority: .p1,
                    group: group("PayOrder", module: "billing", fingerprint: "f3"),
                    summary: "passes again"
                )
            ]
        )
    }
}
