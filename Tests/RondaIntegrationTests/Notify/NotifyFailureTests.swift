import Foundation
import RondaCore
import RondaNotify
import RondaTestSupport
import Testing

/// What a failed delivery reports: retried or not, the code, and never a secret.
struct NotifyFailureTests {
    static let slackPath = "/services/T0/B0/hunter2SlackPath"
    static let hookSecret = "whsec-never-shown-77"

    /// Every secret of the configurations below, and the messages must contain none of them.
    static func assertNoSecret(_ error: DeliveryError?, _ extra: [String] = []) {
        let message = error?.message ?? ""
        for secret in [slackPath, "hunter2SlackPath", hookSecret] + extra {
            let leaks = SecretForms.leaks(of: secret, in: message)
            #expect(leaks.isEmpty, "\(message)")
        }
    }

    @Test func aServerErrorIsRetriedAndNamesHostStatusAndAnswer() async throws {
        // The receiver quotes the secret path back: the message must not.
        let receiver = try await AlertReceiver.start(status: 500, body: "internal error at \(Self.slackPath)")
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.slack) { $0.url = .literal(receiver.baseURL + Self.slackPath) }
            let error = try #require(await NotifyFixtures.failure(channel))
            #expect(error.code == .rejected)
            #expect(!error.isPermanent)
            #expect(error.status == 500)
            #expect(error.message.contains("slack channel \"ops\": 127.0.0.1:\(receiver.port) answered HTTP 500"))
            #expect(error.message.contains("internal error at [redacted]"))
            Self.assertNoSecret(error)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func aBadRequestIsPermanent() async throws {
        let receiver = try await AlertReceiver.start(status: 400, body: "invalid_payload")
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.webhook, environment: ["S": Self.hookSecret]) {
                $0.url = .literal(receiver.baseURL + "/hook?token=\(Self.slackPath.dropFirst())")
                $0.secret = .environment("S")
            }
            let error = try #require(await NotifyFixtures.failure(channel))
            #expect(error.code == .rejected)
            #expect(error.isPermanent)
            #expect(error.message.contains("HTTP 400: invalid_payload"))
            Self.assertNoSecret(error)
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func aRefusedTokenIsAPermanentAuthenticationError() async throws {
        let receiver = try await AlertReceiver.start(status: 401, body: "bad credentials tok-secret-9")
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.whatsapp, environment: ["T": "tok-secret-9"]) {
                $0.url = .literal(receiver.baseURL + "/send")
                $0.username = .literal("AC1")
                $0.password = .environment("T")
                $0.form = [(key: "Body", value: "{{ alert.text }}")]
            }
            let error = try #require(await NotifyFixtures.failure(channel))
            #expect(error.code == .authentication)
            #expect(error.isPermanent)
            Self.assertNoSecret(error, ["tok-secret-9"])
        } teardown: {
            await receiver.stop()
        }
    }

    @Test func nothingListeningIsUnreachableAndRetried() async throws {
        let port = try freePort()
        let channel = try NotifyFixtures.channel(.slack) {
            $0.url = .literal("http://127.0.0.1:\(port)" + Self.slackPath)
        }
        let error = try #require(await NotifyFixtures.failure(channel))
        #expect(error.code == .unreachable)
        #expect(!error.isPermanent)
        #expect(error.message.contains("127.0.0.1:\(port)"))
        Self.assertNoSecret(error)
    }

    @Test func aReceiverThatNeverAnswersTimesOutWithinTheChannelTimeout() async throws {
        let receiver = try await AlertReceiver.start(hang: true)
        try await withTeardown {
            let channel = try NotifyFixtures.channel(.webhook, environment: ["S": Self.hookSecret]) {
                $0.url = .literal(receiver.baseURL + "/hook")
                $0.secret = .environment("S")
                $0.timeout = .seconds(1)
            }
            let start = ContinuousClock.now
            let error = try #require(await NotifyFixtures.failure(channel))
            let elapsed = ContinuousClock.now - start
            #expect(error.code == .timeout)
            #expect(!error.isPermanent)
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5), "\(elapsed)")
            #expect(receiver.requests().count == 1)
            Self.assertNoSecret(error)
        } teardown: {
            await receiver.stop()
        }
    }
}
