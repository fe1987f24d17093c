import Foundation
import RondaCore
import RondaNotify
import RondaTestSupport
import Testing

/// The HTTP channels against a real receiver (`Tests/Servers/alert_receiver.py`); what arrived is
/// checked here and, for signatures and Sentry envelopes, by independent Python code.
struct NotifyHTTPChannelTests {
    @Test func slackReceivesBlockKitWithTheHeadersOfEveryHTTPChannel() async throws {
        let receiver = try await AlertReceiver.start()
        try await withTeardown {
            let url = receiver.baseURL + "/services/T0/B0/secretpart"
            let channel = try NotifyFixtures.channel(.slack, environment: ["SLACK_URL": url]) {
                $0.url = .environment("SLACK_URL")
            }
            try await channel.deliver(NotifyFixtures.alert(isTest: true), idempotencyKey: "dec-7.ops")
            let requests = receiver.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.path == "/services/T0/B0/secretpart")
            #expect(request.header("User-Agent") == "ronda")
            #expect(request.header("Idempotency-Key") == "dec-7.ops")
            #expect(request.header("Content-Type") == "application/json; charset=utf-8")
            let json = try #require(request.json)
            let blocks = json["blocks"]?.arrayValue ?? []
            #expect(
                blocks.map { $0["type"]?.stringValue ?? "" } == [
                    "header", "section", "section", "section", "context", "actions",
                ]
            )
            #expect(blocks[0]["text"]?["text"]?.stringValue == "[TEST] Run r-7: 3 failing <script>alert(1)</script>")
            #expect(blocks[1]["fields"]?[1]?["text"] == "*Passed*\n2/5")
            #expect(blocks[2]["text"]?["text"]?.stringValue?.contains("`POST /accounts/login/`") == true)
            #expect(blocks[3]["text"]?["text"]?.stringValue?.hasPrefix("*billing*\n• regression: PayOrder") == true)
            #expect(blocks[5]["elements"]?[0]?["url"] == "https://ronda.example.com/runs/r-7")
            #expect(json["text"]?.stringValue?.hasPrefix("[TEST] Run r-7") == true)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func theWebhookSignatureIsVerifiedByPythonsHMAC() async throws {
        let receiver = try await AlertReceiver.start()
        try await withTeardown {
            let secret = "whsec-4f1c2e9a77"
            let channel = try NotifyFixtures.channel(.webhook, environment: ["HOOK_SECRET": secret]) {
                $0.url = .literal(receiver.baseURL + "/hooks/ronda")
                $0.secret = .environment("HOOK_SECRET")
                $0.headers = [(key: "X-Team", value: "ops")]
            }
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let request = try #require(receiver.requests().first)
            #expect(request.header("X-Team") == "ops")
            #expect(request.header("Idempotency-Key") == "dec-7.ops")
            let json = try #require(request.json)
            #expect(json["schema"] == "ronda.alert/v1")
            #expect(json["idempotency_key"] == "dec-7.ops")
            #expect(json["items"]?.arrayValue?.count == 3)
            let signature = try #require(request.header("X-Ronda-Signature"))
            let timestamp = try #require(request.header("X-Ronda-Timestamp"))
            let body = try NotifyPython.file(request.body, name: "body.json")
            let good = try await NotifyPython.check(["webhook", body, signature, timestamp, secret])
            #expect(good.status == 0, "\(good.output)")
            let forged = try await NotifyPython.check(["webhook", body, signature, timestamp, "another-secret"])
            #expect(forged.status == 1, "\(forged.output)")
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func sentryGetsOneEnvelopePerNewErrorOrRegressionThatSentrySDKParses() async throws {
        let receiver = try await AlertReceiver.start(body: #"{"id":"x"}"#)
        try await withTeardown {
            let dsn = "http://pubkey123@127.0.0.1:\(receiver.port)/42"
            let channel = try NotifyFixtures.channel(.sentry, environment: ["SENTRY_DSN": dsn]) {
                $0.dsn = .environment("SENTRY_DSN")
            }
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let requests = receiver.requests()
            try #require(requests.count == 3)
            for request in requests {
                #expect(request.path == "/api/42/envelope/")
                #expect(request.header("Content-Type") == "application/x-sentry-envelope")
                #expect(
                    request.header("X-Sentry-Auth")
                        == "Sentry sentry_version=7, sentry_client=ronda/1.0, sentry_key=pubkey123"
                )
            }
            let expected: JSONValue = [
                "header": ["dsn": .string(dsn)],
                "event": [
                    "level": "error", "platform": "other", "logger": "ronda", "fingerprint": ["fp-c"],
                    "release": "v2.0.1",
                    "message": ["formatted": "PayOrder: expected status 200, got 502"],
                    "tags": [
                        "scenario": "PayOrder", "module": "billing", "priority": "P0", "release": "v2.0.1",
                        "trigger": "regression", "error_kind": "status",
                    ],
                ],
            ]
            let envelope = try NotifyPython.file(requests[2].body, name: "envelope")
            let expectations = try NotifyPython.file(Array(expected.jsonText().utf8), name: "expected.json")
            let result = try await NotifyPython.check(["sentry", envelope, expectations])
            #expect(result.status == 0, "\(result.output)")

            // A retry sends the same event ids, so Sentry drops the duplicates.
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let again = receiver.requests()
            try #require(again.count == 6)
            let ids = again.map { request in
                JSONValue.parse(String(String(decoding: request.body, as: UTF8.self).split(separator: "\n")[0]))?[
                    "event_id"
                ]
            }
            #expect(ids[0..<3] == ids[3..<6])
            #expect(Set(ids.prefix(3).compactMap { $0?.stringValue }).count == 3)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func sentryIgnoresAlertsWithoutNewErrorsOrRegressions() async throws {
        let receiver = try await AlertReceiver.start()
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.sentry) {
                $0.dsn = .literal("http://k@127.0.0.1:\(receiver.port)/1")
            }
            var alert = NotifyFixtures.alert()
            alert.items = alert.items.map {
                var item = $0
                item.trigger = .reminder
                return item
            }
            try await channel.deliver(alert, idempotencyKey: "dec-7.ops")
            #expect(receiver.requests().isEmpty)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func aWhatsAppFormBodyIsFormEncodedWithBasicAuth() async throws {
        let receiver = try await AlertReceiver.start(status: 201)
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.whatsapp, environment: ["TW_TOKEN": "tok-secret-9"]) {
                $0.url = .literal(receiver.baseURL + "/2010-04-01/Accounts/AC1/Messages.json")
                $0.username = .literal("AC1")
                $0.password = .environment("TW_TOKEN")
                $0.form = [
                    (key: "To", value: "whatsapp:+15550001"), (key: "Body", value: "{{ alert.title }} {{ alert.url }}"),
                ]
            }
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let request = try #require(receiver.requests().first)
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(request.header("Authorization") == "Basic " + Data("AC1:tok-secret-9".utf8).base64EncodedString())
            #expect(
                String(decoding: request.body, as: UTF8.self)
                    == "To=whatsapp%3A%2B15550001&Body=Run+r-7%3A+3+failing+%3Cscript%3Ealert%281%29%3C%2Fscript%3E+"
                    + "https%3A%2F%2Fronda.example.com%2Fruns%2Fr-7"
            )
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func aWhatsAppGETSendsTheFormAsTheQueryString() async throws {
        let receiver = try await AlertReceiver.start()
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.whatsapp) {
                $0.url = .literal(receiver.baseURL + "/send?channel=wa")
                $0.method = "get"
                $0.form = [(key: "p", value: "{{ alert.priority }}"), (key: "u", value: "{{ alert.url }}")]
            }
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let request = try #require(receiver.requests().first)
            #expect(request.method == "GET")
            #expect(request.path == "/send?channel=wa&p=P0&u=https%3A%2F%2Fronda.example.com%2Fruns%2Fr-7")
            #expect(request.body.isEmpty)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func aWhatsAppJSONTemplateGetsJSONEscapedValues() async throws {
        let receiver = try await AlertReceiver.start()
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.whatsapp) {
                $0.url = .literal(receiver.baseURL + "/send")
                $0.jsonBody = #"{"to": "+15550001", "text": "{{ alert.text }}", "priority": "{{ alert.priority }}"}"#
            }
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let request = try #require(receiver.requests().first)
            let json = try #require(request.json)
            #expect(json["text"]?.stringValue == NotifyFixtures.alert().text)
            #expect(json["priority"] == "P0")
            #expect(request.header("Content-Type") == "application/json; charset=utf-8")
        } teardown: {
            await receiver.stop()
        }
    }
}
