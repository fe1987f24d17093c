import Foundation
import Logging
import RondaEngine
import RondaTestSupport
import Testing

@testable import RondaCore

/// Random secrets — ASCII, non-ASCII, reserved characters, 8–64 bytes — sent to an echo server that
/// returns them in every encoding a target may use (Python's own encoders): none of those forms
/// may reach the result, and no ordinary word of the response may be masked.
@Suite(.serialized) struct RedactionFuzzTests {
    static let alphabet: [String] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789").map(String.init)
        + [
            "!", "#", "$", "&", "'", "(", ")", "*", "+", ",", "/", ":", ";", "=", "?", "@", "[", "]", "~", " ", "%",
            "\"", "\\",
            "-", "_", ".", "ñ", "é", "ü", "ß", "漢", "字", "😀", "€",
        ]

    /// A random secret of 8 to 64 UTF-8 bytes.
    static func secret(_ rng: inout SplitMix64) -> String {
        let target = Int.random(in: 8...64, using: &rng)
        var out = ""
        while out.utf8.count < target {
            let next = alphabet.randomElement(using: &rng)!
            if out.utf8.count + next.utf8.count > 64 { break }
            out += next
        }
        // Leading and trailing spaces are trimmed by HTTP header parsing; keep the value a value.
        if out.first == " " { out = "x" + out.dropFirst() }
        if out.last == " " { out = out.dropLast() + "y" }
        return out
    }

    static let scenario = """
        scenario: Echo everything
        steps:
          - name: Log in
            post: /login
          - name: Echo JSON
            post: /echo
            query: { q: "{{ env.S }}", plain: hello }
            headers: { Authorization: "Bearer {{ env.S }}", X-Custom: "{{ env.S }}" }
            json: { comment: "{{ env.S }}", password: "literal-pass-1", nested: { note: ok } }
          - name: Echo form
            post: /echo
            form: { note: "{{ env.S }}", new_password: "{{ env.S }}" }
          - name: Echo text
            get: /text
            query: { q: "{{ env.S }}" }
          - name: Say yes
            get: /echo
            headers: { Cookie: "consent=yes" }
            expect: { status: 299 }
        """

    /// Every string the result records.
    static func recordedText(_ result: ScenarioResult) -> String {
        var parts = [result.errorMessage ?? "", result.trace ?? ""]
        for step in result.steps {
            parts += [step.url, step.requestExcerpt ?? "", step.responseExcerpt ?? "", step.error ?? ""]
            parts += step.captures.values
            parts += step.assertions.flatMap { [$0.expected, $0.actual] }
        }
        return parts.joined(separator: "\n")
    }

    @Test func randomSecretsEchoedInEveryEncodingNeverReachTheResult() async throws {
        try await EchoServer.with { server in try await fuzz(server) }
    }

    func fuzz(_ server: EchoServer) async throws {
        // A failing seed is in the message; RONDA_FUZZ_SEED replays it.
        let seed =
            UInt64(ProcessInfo.processInfo.environment["RONDA_FUZZ_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let scenario = try parseScenario(Self.scenario)
        for _ in 0..<24 {
            let secret = Self.secret(&rng)
            var configuration = engineConfiguration(server.baseURL, environment: ["S": secret])
            configuration.responseExcerptLimit = 200_000
            configuration.requestExcerptLimit = 200_000
            let result = await ScenarioRunner(configuration: configuration).run(scenario, runID: "fuzz", worker: "t")
            let text = Self.recordedText(result)
            // The run did what it says: every echo step answered, and only the last one failed.
            #expect(result.steps.count == 5, "seed \(seed): \(result.errorMessage ?? "")")
            #expect(
                result.failingStep == "Say yes",
                "seed \(seed), secret \(secret.debugDescription): \(result.errorMessage ?? "")"
            )
            let leaks = SecretForms.leaks(of: secret, in: text)
            #expect(leaks.isEmpty, "seed \(seed), secret \(secret.debugDescription) leaks as \(leaks)")
            #expect(!text.contains("literal-pass-1"), "seed \(seed): a password field's value is recorded")
            // The echo answered what it was sent (the search above has something to find)…
            let echo = try #require(result.steps.first { $0.name == "Echo JSON" }?.responseExcerpt)
            #expect(echo.contains("\"encoded\": ["), "seed \(seed): \(echo.prefix(300))")
            // …and ordinary words stay: prose, token_type, the consent cookie's "yes" in a sentence, the step name.
            #expect(
                echo.contains(
                    #""note": "the quick brown fox says yes to the password field; token_type is bearer, session ends at noon""#
                ),
                "seed \(seed): \(echo)"
            )
            #expect(echo.contains(#""token_type": "bearer""#), "seed \(seed)")
            #expect(result.errorMessage?.contains("'Say yes'") == true, "seed \(seed): \(result.errorMessage ?? "")")
        }
        #expect(server.sessionCookies.count == 24, "every scenario logged in")
    }

    @Test func theSessionCookieOfTheJarIsNeverRecorded() async throws {
        try await EchoServer.with { server in try await jar(server) }
    }

    func jar(_ server: EchoServer) async throws {
        var configuration = engineConfiguration(server.baseURL)
        configuration.responseExcerptLimit = 200_000
        let result = await ScenarioRunner(configuration: configuration).run(
            try parseScenario(
                """
                scenario: Jar
                steps:
                  - name: Log in
                    post: /login
                    capture: { set_cookie: { header: Set-Cookie } }
                  - name: Echo
                    get: /echo
                """
            ),
            runID: "jar",
            worker: "t"
        )
        #expect(result.status == .pass, "\(result.errorMessage ?? "")")
        let cookie = try #require(server.sessionCookies.first)
        let echo = try #require(result.steps.last?.responseExcerpt)
        #expect(echo.contains("\"cookies\": {"), "the echo carries the cookies: \(echo.prefix(200))")
        let text = Self.recordedText(result)
        #expect(SecretForms.leaks(of: cookie, in: text).isEmpty, "the jar's session cookie is recorded: \(text)")
        #expect(result.steps.first?.captures["set_cookie"] == Redactor.mask)
    }
}
