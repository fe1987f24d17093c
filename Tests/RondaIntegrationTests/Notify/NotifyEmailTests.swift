import Foundation
import RondaCore
import RondaNotify
import RondaTestSupport
import Testing

/// The email channel against a real SMTP server (aiosmtpd): STARTTLS, SMTPS, plain relay, AUTH;
/// the message is parsed by Python's `email` package.
struct NotifyEmailTests {
    static let recipients = ["ops@example.com", "dev@example.org", "oncall@example.net"]

    func channel(
        port: Int,
        scheme: String = "smtp",
        startTLS: Bool = true,
        certificate: TestCertificate? = nil,
        password: String? = nil,
        timeout: Duration = .seconds(10)
    ) throws -> any AlertChannel {
        try NotifyFixtures.channel(.email, environment: ["SMTP_PASSWORD": password ?? ""]) {
            $0.url = .literal("\(scheme)://127.0.0.1:\(port)")
            $0.from = "ronda@example.com"
            $0.to = Self.recipients
            $0.startTLS = startTLS
            $0.caBundle = certificate?.certificate
            $0.timeout = timeout
            if password != nil {
                $0.username = .literal("ronda")
                $0.password = .environment("SMTP_PASSWORD")
            }
        }
    }

    /// Python's `email` parses `message` as the multipart/alternative mail of `NotifyFixtures.alert`.
    func checkParsed(_ message: SMTPReceiver.Message, isTest: Bool = false) async throws {
        #expect(message.from == "ronda@example.com")
        #expect(message.recipients == Self.recipients)
        let expected: JSONValue = [
            "subject": .string((isTest ? "[TEST] " : "") + NotifyFixtures.alert().title),
            "to": .array(Self.recipients.map { .string($0) }),
            "message_id_contains": "dec-7.ops",
            "plain_contains": ["Run r-7: 2/5 passed, 3 failed, 0 errored", "https://ronda.example.com/runs/r-7"],
            "html_contains": [
                "&lt;script&gt;alert(1)&lt;/script&gt;", "<code>POST /accounts/login/</code>",
                "href=\"https://ronda.example.com/runs/r-7\"",
            ],
            "html_lacks": ["<script>"],
        ]
        let file = try NotifyPython.file(message.data, name: "message.eml")
        let expectations = try NotifyPython.file(Array(expected.jsonText().utf8), name: "expected.json")
        let result = try await NotifyPython.check(["email", file, expectations])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func starttlsWithLoginDeliversToEveryRecipient() async throws {
        let certificate = try await TestCertificate.make()
        let server = try await SMTPReceiver.start(
            .starttls,
            certificate: certificate,
            user: "ronda",
            password: "mail-pass-31"
        )
        try await withTeardown {
            let channel = try channel(port: server.port, certificate: certificate, password: "mail-pass-31")
            try await channel.deliver(NotifyFixtures.alert(isTest: true), idempotencyKey: "dec-7.ops")
            let messages = server.messages()
            try #require(messages.count == 1)
            let tls = messages[0].tls
            #expect(tls)
            #expect(messages[0].login == "ronda")
            try await checkParsed(messages[0], isTest: true)
        } teardown: {
            await server.stop()
        }
    }

    @Test func smtpsUsesTLSFromTheFirstByte() async throws {
        let certificate = try await TestCertificate.make()
        let server = try await SMTPReceiver.start(.smtps, certificate: certificate)
        try await withTeardown {
            let channel = try channel(port: server.port, scheme: "smtps", certificate: certificate)
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let messages = server.messages()
            try #require(messages.count == 1)
            let tls = messages[0].tls
            #expect(tls)
            try await checkParsed(messages[0])
        } teardown: {
            await server.stop()
        }
    }

    @Test func aLoopbackRelayWithoutTLSWorksWhenStartTLSIsOff() async throws {
        let server = try await SMTPReceiver.start(.plain)
        try await withTeardown {
            let channel = try channel(port: server.port, startTLS: false)
            try await channel.deliver(NotifyFixtures.alert(), idempotencyKey: "dec-7.ops")
            let messages = server.messages()
            try #require(messages.count == 1)
            let tls = messages[0].tls
            #expect(!tls)
            try await checkParsed(messages[0])
        } teardown: {
            await server.stop()
        }
    }

    @Test func aServerWithoutSTARTTLSFailsWhenItIsRequired() async throws {
        let server = try await SMTPReceiver.start(.plain)
        try await withTeardown {
            let error = try #require(await NotifyFixtures.failure(try channel(port: server.port)))
            #expect(error.code == .tls)
            #expect(error.message.contains("does not offer STARTTLS"))
            #expect(server.messages().isEmpty)
        } teardown: {
            await server.stop()
        }
    }

    @Test func aWrongPasswordIsAPermanentAuthenticationError() async throws {
        let certificate = try await TestCertificate.make()
        let server = try await SMTPReceiver.start(
            .starttls,
            certificate: certificate,
            user: "ronda",
            password: "right-pass"
        )
        try await withTeardown {
            let wrong = "wrong-pass-58"
            let error = try #require(
                await NotifyFixtures.failure(try channel(port: server.port, certificate: certificate, password: wrong))
            )
            #expect(error.code == .authentication)
            #expect(error.isPermanent)
            #expect(error.message.contains("email channel \"ops\": smtp://127.0.0.1:\(server.port) refused the login"))
            #expect(SecretForms.leaks(of: wrong, in: error.message).isEmpty)
            #expect(server.messages().isEmpty)
        } teardown: {
            await server.stop()
        }
    }

    @Test func anUntrustedCertificateIsATLSError() async throws {
        let certificate = try await TestCertificate.make()
        let server = try await SMTPReceiver.start(.smtps, certificate: certificate)
        try await withTeardown {
            let error = try #require(await NotifyFixtures.failure(try channel(port: server.port, scheme: "smtps")))
            #expect(error.code == .tls)
            #expect(!error.isPermanent)
        } teardown: {
            await server.stop()
        }
    }

    @Test func aServerThatNeverGreetsTimesOutWithinTheChannelTimeout() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let start = ContinuousClock.now
        let error = try #require(await NotifyFixtures.failure(try channel(port: server.port, timeout: .seconds(1))))
        let elapsed = ContinuousClock.now - start
        #expect(error.code == .timeout)
        #expect(!error.isPermanent)
        // The timeout held: not cut short, and not waited out far beyond (a hang guard, not a speed check).
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(60), "\(elapsed)")
    }

    @Test func cancellingTheTaskStopsAWaitingDelivery() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let channel = try channel(port: server.port, timeout: .seconds(60))
        let start = ContinuousClock.now
        let task = Task { await NotifyFixtures.failure(channel) }
        await server.waitForConnection()
        task.cancel()
        let error = await task.value
        #expect(error?.code == .cancelled)
        // Well before the 60 s timeout: the cancellation, not the timeout, ended it.
        #expect(ContinuousClock.now - start < .seconds(50))
    }

    @Test func nothingListeningIsUnreachable() async throws {
        let error = try #require(await NotifyFixtures.failure(try channel(port: try freePort())))
        #expect(error.code == .unreachable)
        #expect(!error.isPermanent)
    }
}
