import Foundation
import Testing

@testable import RondaCore

struct ErrorFingerprintTests {
    @Test(arguments: [
        ("expected status 200, got 500", "expected status <n>, got <n>"),
        ("order 550e8400-e29b-41d4-a716-446655440000 not found", "order <uuid> not found"),
        ("at 2025-03-01T09:30:00.123Z and 2025-03-02 10:00", "at <time> and <time>"),
        ("since 09:30:12", "since <time>"),
        ("pointer 0xDEADBEEF, digest 9f86d081884c7d65", "pointer <hex>, digest <hex>"),
        ("order ord_8f3k2 for user u123", "order <id> for user <id>"),
        (#"expected "paid", got 'pending'"#, #"expected "<value>", got "<value>""#),
        ("  many   spaces\nand lines ", "many spaces and lines"),
        ("amount 12.50 EUR", "amount <n> EUR"),
    ])
    func normalization(_ message: String, _ expected: String) {
        #expect(ErrorFingerprint.normalize(message) == expected)
    }

    @Test func theSameFailureInAnotherRunHasTheSameFingerprint() {
        let a = ErrorFingerprint.normalize("step 'Pay': order 8812 at 2025-03-01T10:00:00Z returned 500")
        let b = ErrorFingerprint.normalize("step 'Pay': order 9954 at 2025-03-02T11:12:13Z returned 500")
        #expect(a == b)
        let f1 = ErrorFingerprint.fingerprint(scenario: "Buy", step: "Pay", kind: "assertion", normalizedMessage: a)
        let f2 = ErrorFingerprint.fingerprint(scenario: "Buy", step: "Pay", kind: "assertion", normalizedMessage: b)
        #expect(f1 == f2)
        #expect(f1.count == 64)
        #expect(
            f1 != ErrorFingerprint.fingerprint(scenario: "Buy", step: "Pay", kind: "transport", normalizedMessage: a)
        )
        #expect(
            f1 != ErrorFingerprint.fingerprint(scenario: "Sell", step: "Pay", kind: "assertion", normalizedMessage: a)
        )
        #expect(
            f1 != ErrorFingerprint.fingerprint(scenario: "Buy", step: "Ship", kind: "assertion", normalizedMessage: a)
        )
    }

    @Test(arguments: [
        ("post", "http://127.0.0.1:8080/accounts/login/?next=/", "POST /accounts/login/"),
        (
            "GET", "https://x.test/api/orders/8812/items/550e8400-e29b-41d4-a716-446655440000",
            "GET /api/orders/{id}/items/{id}"
        ),
        ("PUT", "/api/users/u123abc/profile#top", "PUT /api/users/{id}/profile"),
        ("GET", "https://x.test", "GET /"),
    ])
    func signatures(_ method: String, _ url: String, _ expected: String) {
        #expect(ErrorFingerprint.signature(method: method, url: url) == expected)
    }

    @Test func causesCollapseSharedFailuresAndKeepTheRest() {
        let shared = (1...3).map {
            FailureCauses.Failure(
                scenario: "S\($0)",
                module: "m\($0 % 2)",
                priority: $0 == 2 ? .p0 : .p2,
                step: "POST /login",
                errorKind: "assertion",
                message: "expected status 302, got 500"
            )
        }
        let alone = FailureCauses.Failure(
            scenario: "T",
            module: "m",
            priority: .p1,
            step: "GET /x",
            errorKind: "assertion",
            message: "boom"
        )
        let (causes, rest) = FailureCauses.collapse(shared + [alone])
        #expect(causes.count == 1)
        #expect(causes[0].scenarios == ["S1", "S2", "S3"])
        #expect(causes[0].modules == ["m0", "m1"])
        #expect(causes[0].priority == .p0)
        #expect(rest == [alone])
    }

    @Test func alertsConfigurationIsReadAndCheckedNamingTheKey() throws {
        let good = try RondaConfig.parse(
            """
            alerts:
              threshold: 3
              resolve_after: 2
              reminder_every: 4h
              public_url: https://ronda.example.com
              release: { url: /health, json_path: $.version }
              maintenance:
                - { cron: "0 2 * * SUN", duration: 2h, timezone: Europe/Madrid }
              channels:
                ops: { type: slack, url: "{{ env.RONDA_SLACK_URL }}", min_priority: P1, timeout: 5s }
                hook: { type: webhook, url: "http://127.0.0.1:9/hook", secret: "{{ env.HOOK_SECRET }}" }
                mail: { type: email, url: "smtp://127.0.0.1:2525", from: a@x.test, to: [b@x.test, c@x.test] }
              routes:
                - { channels: [ops] }
                - { modules: [payments], triggers: [new_error, regression], channels: [hook, mail] }
            """,
            file: "ronda.yml"
        )
        let alerts = good.alerts
        #expect(alerts.threshold == 3 && alerts.resolveAfter == 2 && alerts.reminderEvery == .seconds(14_400))
        #expect(alerts.channels["ops"]?.url == .environment("RONDA_SLACK_URL"))
        #expect(alerts.channels["ops"]?.minPriority == .p1)
        #expect(alerts.channels["mail"]?.to == ["b@x.test", "c@x.test"])
        #expect(alerts.routes.count == 2 && alerts.routes[1].modules == ["payments"])
        #expect(alerts.release == ReleaseSource(url: "/health", jsonPath: "$.version"))
        #expect(alerts.maintenance.first?.timeZone == "Europe/Madrid")

        let bad: [(String, String)] = [
            (
                "channels: { s: { type: slack, url: \"https://hooks.slack.com/services/T/B/X\" } }",
                "alerts.channels.s.url is a secret"
            ),
            (
                "channels: { s: { type: slack, url: \"{{ env.A }}\" } }\n  routes: [ { channels: [nope] } ]",
                "unknown channel 'nope'"
            ),
            (
                "channels: { w: { type: whatsapp, url: \"not a url\" } }",
                "alerts.channels.w.url: 'not a url' is not a http/https URL"
            ),
            (
                "channels: { m: { type: email, url: \"http://x.test\", from: a@x.test, to: b@x.test } }",
                "alerts.channels.m.url"
            ),
            ("channels: { m: { type: email, url: \"smtp://x.test\" } }", "needs 'to:'"),
            ("channels: { x: { type: pager } }", "alerts.channels.x.type: expected one of"),
            ("routes: [ { triggers: [sometimes], channels: [] } ]", "unknown trigger 'sometimes'"),
            ("thresold: 3", "unknown key 'thresold'"),
        ]
        for (text, expected) in bad {
            #expect(throws: SourceFileError.self) { try RondaConfig.parse("alerts:\n  " + text, file: "ronda.yml") }
            do {
                _ = try RondaConfig.parse("alerts:\n  " + text, file: "ronda.yml")
            } catch {
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(
                    !error.message.contains("hooks.slack.com/services/T/B/X") || expected.contains("secret") == false
                )
            }
        }
    }
}
