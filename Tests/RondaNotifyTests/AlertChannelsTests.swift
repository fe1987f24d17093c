import Foundation
import Logging
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaNotify

struct AlertChannelsTests {
    let logger = Logger(label: "test")

    func config(
        _ kind: AlertChannelConfig.Kind,
        _ edit: (inout AlertChannelConfig) -> Void = { _ in }
    ) -> AlertChannelConfig {
        var config = AlertChannelConfig(name: "ops", kind: kind)
        edit(&config)
        return config
    }

    func failure(_ config: AlertChannelConfig, _ environment: [String: String] = [:]) -> ChannelConfigurationError? {
        do {
            _ = try AlertChannels.make(config, environment: environment, logger: logger)
            return nil
        } catch {
            return error
        }
    }

    @Test func validChannelsOfEveryKindAreBuilt() throws {
        let env = ["SLACK_URL": "https://hooks.slack.com/services/T0/B0/XyZsecret", "HOOK_SECRET": "s3cret-value"]
        let slack = try AlertChannels.make(
            config(.slack) { $0.url = .environment("SLACK_URL") },
            environment: env,
            logger: logger
        )
        #expect(slack.name == "ops" && slack.kind == .slack)
        let webhook = try AlertChannels.make(
            config(.webhook) {
                $0.url = .literal("http://127.0.0.1:9/hook")
                $0.secret = .environment("HOOK_SECRET")
            },
            environment: env,
            logger: logger
        )
        #expect(webhook.kind == .webhook)
        let sentry = try AlertChannels.make(
            config(.sentry) { $0.dsn = .literal("https://k@sentry.io/1") },
            environment: env,
            logger: logger
        )
        #expect(sentry.kind == .sentry)
        let email = try AlertChannels.make(
            config(.email) {
                $0.url = .literal("smtps://mail.example.com:465")
                $0.from = "ronda@example.com"
                $0.to = ["ops@example.com"]
            },
            environment: env,
            logger: logger
        )
        #expect(email.kind == .email)
        let whatsapp = try AlertChannels.make(
            config(.whatsapp) {
                $0.url = .literal("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json")
                $0.form = [(key: "Body", value: "{{ alert.text }}")]
            },
            environment: env,
            logger: logger
        )
        #expect(whatsapp.kind == .whatsapp)
    }

    @Test func aMissingEnvironmentVariableNamesTheKeyAndTheVariable() {
        let error = failure(config(.slack) { $0.url = .environment("SLACK_URL") }, ["SLACK_URL": ""])
        #expect(error?.key == "alerts.channels.ops.url")
        #expect(error?.message.contains("$SLACK_URL is unset or empty") == true)
    }

    @Test func aMissingRequiredFieldNamesTheKey() {
        #expect(failure(config(.slack))?.key == "alerts.channels.ops.url")
        #expect(
            failure(config(.webhook) { $0.url = .literal("https://h.example.com/x") })?.key
                == "alerts.channels.ops.secret"
        )
        #expect(failure(config(.sentry))?.key == "alerts.channels.ops.dsn")
        let noTo = failure(
            config(.email) {
                $0.url = .literal("smtp://mail.example.com:587")
                $0.from = "ronda@example.com"
            }
        )
        #expect(noTo?.key == "alerts.channels.ops.to")
        let noFrom = failure(config(.email) { $0.url = .literal("smtp://mail.example.com") })
        #expect(noFrom?.key == "alerts.channels.ops.from")
    }

    @Test func aURLThatDoesNotParseOrHasTheWrongSchemeIsRejected() {
        let unparsable = failure(config(.slack) { $0.url = .literal("not a url") })
        #expect(unparsable?.key == "alerts.channels.ops.url")
        #expect(unparsable?.message.contains("is not a URL") == true)
        let smtp = failure(config(.slack) { $0.url = .literal("smtp://mail.example.com") })
        #expect(smtp?.key == "alerts.channels.ops.url")
        #expect(smtp?.message.contains("takes http:// or https://") == true)
        let https = failure(
            config(.email) {
                $0.url = .literal("https://mail.example.com")
                $0.from = "a@b.c"
                $0.to = ["d@e.f"]
            }
        )
        #expect(https?.message.contains("takes smtp:// or smtps://") == true)
    }

    @Test func aSecretURLIsNeverQuotedInTheError() {
        let secret = "https://hooks.slack.com/services/T0/B0/not really a url"
        let error = failure(config(.slack) { $0.url = .environment("SLACK_URL") }, ["SLACK_URL": secret])
        #expect(error?.key == "alerts.channels.ops.url")
        #expect(error?.message.contains("$SLACK_URL") == true)
        #expect(error?.message.contains("services") == false)
    }

    @Test func badAddressesDSNsMethodsAndTemplatesNameTheirKeys() {
        let badTo = failure(
            config(.email) {
                $0.url = .literal("smtp://mail.example.com")
                $0.from = "ronda@example.com"
                $0.to = ["ops@example.com", "not an address"]
            }
        )
        #expect(badTo?.key == "alerts.channels.ops.to[1]")
        #expect(failure(config(.sentry) { $0.dsn = .literal("https://sentry.io/1") })?.key == "alerts.channels.ops.dsn")
        let put = failure(
            config(.whatsapp) {
                $0.url = .literal("https://h.example.com")
                $0.method = "PUT"
                $0.form = [(key: "a", value: "b")]
            }
        )
        #expect(put?.key == "alerts.channels.ops.method")
        let both = failure(
            config(.whatsapp) {
                $0.url = .literal("https://h.example.com")
                $0.form = [(key: "a", value: "b")]
                $0.jsonBody = "{}"
            }
        )
        #expect(both?.key == "alerts.channels.ops.form")
        let unquoted = failure(
            config(.whatsapp) {
                $0.url = .literal("https://h.example.com")
                $0.jsonBody = #"{"body": {{ alert.text }}}"#
            }
        )
        #expect(unquoted?.key == "alerts.channels.ops.json_body")
        let unknown = failure(
            config(.whatsapp) {
                $0.url = .literal("https://h.example.com")
                $0.form = [(key: "Body", value: "{{ alert.bogus }}")]
            }
        )
        #expect(unknown?.key == "alerts.channels.ops.form.Body")
        let lonelyUser = failure(
            config(.whatsapp) {
                $0.url = .literal("https://h.example.com")
                $0.form = [(key: "a", value: "b")]
                $0.username = .literal("AC1")
            }
        )
        #expect(lonelyUser?.key == "alerts.channels.ops.password")
    }

    @Test func mailWithoutTLSOffLoopbackIsAllowedWithAWarning() throws {
        let capture = LogCapture()
        let email: (String) throws -> Void = { host in
            _ = try AlertChannels.make(
                self.config(.email) {
                    $0.url = .literal("smtp://\(host):25")
                    $0.from = "ronda@example.com"
                    $0.to = ["ops@example.com"]
                    $0.startTLS = false
                },
                environment: [:],
                logger: capture.logger()
            )
        }
        try email("127.0.0.1")
        #expect(capture.lines.isEmpty)
        try email("relay.example.com")
        #expect(capture.lines.map(\.level) == [.warning])
        #expect(capture.lines.first?.metadata["host"] == "relay.example.com")
    }
}

struct HTTPDeliveryTests {
    let delivery = HTTPDelivery(
        config: AlertChannelConfig(name: "ops", kind: .slack),
        secrets: ChannelCheck.secretParts(of: "https://hooks.slack.com/services/T0/B0/XyZsecretToken") + ["hunter22"]
    )

    @Test(arguments: [400, 401, 403, 404, 410, 422])
    func clientErrorsArePermanent(_ status: Int) {
        #expect(delivery.rejection(status: status, body: "no", host: "h").isPermanent)
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503])
    func serverErrorsAndRateLimitsAreRetried(_ status: Int) {
        let error = delivery.rejection(status: status, body: "busy", host: "h")
        #expect(!error.isPermanent)
        #expect(error.code == .rejected)
        #expect(error.status == status)
    }

    @Test func theMessageNamesChannelHostStatusAndAnswerButNoSecret() {
        let error = delivery.rejection(
            status: 403,
            body: "invalid_token for /services/T0/B0/XyZsecretToken (hunter22)\nsecond line",
            host: "hooks.slack.com"
        )
        #expect(error.code == .authentication)
        #expect(
            error.message
                == "slack channel \"ops\": hooks.slack.com answered HTTP 403: invalid_token for [redacted] ([redacted]) second line (fix the channel's configuration; not retried)"
        )
    }
}
