import Foundation
import Testing

@testable import RondaCore

struct ScheduleConfigTests {
    @Test func schedulesAndTheRateLimitAreRead() throws {
        let config = try RondaConfig.parse(
            """
            schedules:
              smoke:
                cron: "*/5 * * * *"
                timezone: America/Bogota
                modules: [auth, orders]
                priorities: [p0, P1]
                tags: smoke
                deadline: 10m
                starting_deadline: 2m
              nightly:
                every: 1h
            rate_limit:
              requests_per_second: 20
              burst: 5
            """,
            file: "ronda.yml"
        )
        #expect(config.schedules.map(\.name) == ["smoke", "nightly"])
        let smoke = config.schedules[0]
        #expect(smoke.cron == "*/5 * * * *")
        #expect(smoke.timeZone == "America/Bogota")
        #expect(smoke.selection == Selection(modules: ["auth", "orders"], priorities: [.p0, .p1], tags: ["smoke"]))
        #expect(smoke.deadline == .seconds(600))
        #expect(smoke.startingDeadline == .seconds(120))
        #expect(smoke.location.line == 2)
        #expect(config.schedules[1].every == .seconds(3_600))
        #expect(config.rateLimit == RondaConfig.RateLimitConfig(requestsPerSecond: 20, burst: 5))
    }

    @Test(arguments: [
        ("schedules:\n  a:\n    modules: [x]\n", "schedules.a needs 'cron:'"),
        ("schedules:\n  a:\n    cron: '@hourly'\n    every: 5m\n", "has both 'cron:' and 'every:'"),
        ("schedules:\n  a:\n    every: 500ms\n", "schedules.a.every must be at least 1s"),
        ("schedules:\n  a:\n    cron: '@hourly'\n    timezone: Mars/Base\n", "unknown time zone 'Mars/Base'"),
        ("schedules:\n  a:\n    cron: '@hourly'\n    priorities: [P9]\n", "unknown priority 'P9'"),
        ("schedules:\n  a:\n    cron: '@hourly'\n    when: now\n", "when"),
        ("rate_limit:\n  requests_per_second: fast\n", "positive number for rate_limit.requests_per_second"),
        ("rate_limit:\n  burst: 3\n", "rate_limit needs requests_per_second"),
        ("rate_limit:\n  requests_per_second: 5\n  burst: 0\n", "rate_limit.burst"),
    ])
    func badSchedulesAndLimitsAreRejectedWithTheirSetting(text: String, expected: String) {
        do {
            _ = try RondaConfig.parse(text, file: "ronda.yml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.issues.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        }
    }
}
