import Foundation
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

/// `expect: { tls: … }` end to end against `openssl s_server` with a one-day certificate.
@Suite struct HTTPCertificateScenarioTests {
    @Test func anExpiringCertificateFailsTheScenario() async throws {
        let server = try await TLSServer.started()
        defer { server.stop() }
        let result = try await runScenario(
            """
            scenario: Certificate
            steps:
              - name: Fresh enough
                get: /
                expect: { tls: { expires_in: { "<": 2d, ">": 0 }, subject: { contains: localhost }, issuer: { contains: localhost } } }
              - name: Two weeks left
                get: /
                expect: { tls: { expires_in: { ">": 14d } } }
            """,
            baseURL: server.baseURL
        ) {
            $0.caBundle = server.certificatePath
            // `openssl s_server` answers one connection at a time; under a loaded CI machine its
            // handshake can queue behind another test's work, so the limits here are generous.
            $0.connectTimeout = .seconds(60)
            $0.requestTimeout = .seconds(60)
        }
        #expect(
            result.step("Fresh enough")?.outcome == .passed,
            "\(result.step("Fresh enough")?.assertions.filter { !$0.passed } ?? [])"
        )
        #expect(result.status == .fail, "\(result.steps.compactMap(\.error))")
        #expect(result.failingStep == "Two weeks left")
        let failed = try #require(result.step("Two weeks left")?.assertions.first { !$0.passed })
        #expect(failed.subject == "tls expires_in (days)")
        #expect(Double(failed.actual).map { $0 > 0 && $0 < 2 } == true, "\(failed.actual)")
    }
}
