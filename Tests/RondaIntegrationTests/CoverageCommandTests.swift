import DemoTarget
import Foundation
import RondaCore
import RondaHTTP
import RondaTestSupport
import Testing

@testable import RondaCLI

/// `ronda coverage` against the demo app's own OpenAPI document, after a real run of the bundled suite.
struct CoverageCommandTests {
    @Test func theBundledSuiteCoversTheDemoAppsDocumentAndSaysWhatItMisses() async throws {
        let database = DemoSuiteTests.temporaryDatabase()
        defer { DemoSuiteTests.removeDatabase(database) }
        let demo = try await DemoApp.start()
        let runner = try DemoSuiteTests.runner(database: database)
        let outcome = try await runner.run(against: demo)
        #expect(DemoSuiteTests.problems(outcome).isEmpty, "\(DemoSuiteTests.problems(outcome))")

        let document = demo.baseURL + "/openapi.json"
        let json = try await runProgramAsync(
            Checkout.ronda,
            ["coverage", "--openapi", document, "--database-url", "sqlite:" + database, "--json"]
        )
        let output = String(decoding: json.output, as: UTF8.self)
        #expect(json.status == 0, "\(output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.output)) as? [String: Any])
        let declared = try #require(report["declared"] as? Int)
        let covered = try #require(report["covered"] as? Int)
        // The same count of operations as the document the demo app serves.
        // Fetched asynchronously: a blocking fetch would hold a cooperative thread the in-process
        // demo app needs to answer it.
        let session = HTTPSession()
        defer { session.close() }
        let text = try await session.send(HTTPRequest(url: document)).bodyText
        #expect(declared == (try OpenAPIDocumentReader.operations(text, source: document).count))
        #expect(declared > 20)
        // The bundled suite exercises most of the demo app; every call it makes is documented.
        #expect(Double(covered) / Double(declared) >= 0.6, "\(covered) of \(declared)")
        #expect((report["strays"] as? [Any])?.isEmpty == true, "\(report["strays"] ?? "")")

        let plain = try await runProgramAsync(
            Checkout.ronda,
            ["coverage", "--openapi", document, "--database-url", "sqlite:" + database, "--fail-under", "100"]
        )
        let lines = String(decoding: plain.output, as: UTF8.self)
        #expect(lines.hasPrefix("endpoint coverage, last 7 days: \(covered) of \(declared) operations"))
        #expect(plain.status == (covered == declared ? 0 : 1), "\(lines)")
        if covered < declared { #expect(lines.contains("never called:")) }
        await demo.stop()

        // A document that cannot be read: exit 2 and the reason on stderr (kept in the log here).
        let log = database + ".log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let missing = try await offCooperativePool {
            try spawnAndWait(
                [
                    Checkout.ronda, "coverage", "--openapi", "/nonexistent/openapi.yml", "--database-url",
                    "sqlite:" + database,
                ],
                log: log
            )
        }
        #expect(missing == 2)
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(said.contains("cannot read the OpenAPI document /nonexistent/openapi.yml"), "\(said)")
    }
}
