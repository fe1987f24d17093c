import Foundation
import RondaCore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// `ronda validate` warns about secrets too short to be masked inside text.
@Suite struct ShortSecretWarningTests {
    static let scenario = """
        scenario: Uses secrets
        steps:
          - name: Call
            get: /x
            headers: { X-Key: "{{ env.SHORT_KEY }}", X-Other: "{{ env.LONG_KEY }}", X-Tiny: "{{ env.TINY }}" }
        """

    @Test func shortSecretsAreNamedWithWhatHappensToThem() throws {
        let scenario = try ScenarioLoader.parse(Self.scenario, file: "s.yml")
        var config = RondaConfig()
        config.secretNames = ["LISTED"]
        let env = ["SHORT_KEY": "abc1234", "LONG_KEY": "long-enough-secret", "TINY": "ab", "LISTED": "yes"]
        let warnings = Preflight.shortSecretWarnings(scenarios: [scenario], config: config, environment: { env[$0] })
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.contains("LISTED") && $0.contains("3 bytes") && $0.contains("whole value") })
        #expect(warnings.contains { $0.contains("SHORT_KEY") && $0.contains("7 bytes") })
        #expect(warnings.contains { $0.contains("TINY") && $0.contains("too short to be masked at all") })
        #expect(!warnings.contains { $0.contains("LONG_KEY") })
        // No value is ever printed.
        #expect(!warnings.joined().contains("abc1234"))
    }

    @Test func validatePrintsTheWarningAndStillExitsZero() async throws {
        let dir = try Checkout.temporaryDirectory("ronda-short-secret")
        try Self.scenario.write(toFile: dir + "/s.yml", atomically: true, encoding: .utf8)
        try "target:\n  base_url: http://127.0.0.1:9\n".write(
            toFile: dir + "/ronda.yml",
            atomically: true,
            encoding: .utf8
        )
        let process = try ChildProcess(
            Checkout.ronda,
            ["validate", "--config", dir + "/ronda.yml", dir + "/s.yml"],
            environment: ["SHORT_KEY": "abc1234", "LONG_KEY": "long-enough-secret", "TINY": "abcdefghij"],
            logPath: dir + "/out.log"
        )
        _ = await process.wait(timeout: .seconds(60))
        let output = (try? String(contentsOfFile: dir + "/out.log", encoding: .utf8)) ?? ""
        #expect(output.contains("warning: the secret SHORT_KEY is 7 bytes long"), "\(output)")
        #expect(!output.contains("LONG_KEY") && !output.contains("TINY"), "\(output)")
        #expect(process.exitCode == 0, "a warning is no problem: \(output)")
    }
}
