import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@testable import RondaCLI
@testable import RondaCoordinator

/// The text `Suite.load` validated is the text a run executes: an edit to the file afterwards
/// does not reach the run.
struct SuiteSnapshotTests {
    static func scenario(path: String, extra: String = "") -> String {
        """
        scenario: Order
        module: shop
        priority: P1
        steps:
          - name: Get
            get: \(path)
            expect: { status: 200 }
        \(extra)
        """
    }

    @Test func aFileEditedBetweenLoadingAndExecutionRunsAsItWasValidated() async throws {
        let (server, log) = try await CLICannedTarget.start(["/validated": .init(), "/edited": .init()])
        try await withTeardown {
            let dir = try Checkout.temporaryDirectory("ronda-snapshot")
            let file = dir + "/order.yml"
            let original = Self.scenario(path: "/validated")
            try original.write(toFile: file, atomically: true, encoding: .utf8)
            let suite = Suite.load([dir], config: nil)
            #expect(suite.issues.isEmpty)
            #expect(suite.entries.map(\.source) == [original])

            // The edit goes to another path and adds a step that would not validate (duplicate name).
            let edited = Self.scenario(path: "/edited", extra: "  - name: Get\n    get: /edited\n")
            try edited.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(!Suite.load([dir], config: nil).issues.isEmpty)

            let run = EmbeddedRun(
                snapshots: suite.entries.map(ScenarioSnapshot.init),
                engine: EngineConfiguration(baseURL: server.baseURL),
                databasePath: dir + "/ronda.sqlite",
                parallel: 1,
                delayBetween: .zero,
                trigger: .manual,
                logger: Logger(label: "test")
            )
            let outcome = try await run.execute()
            #expect(outcome.results.map(\.status) == [.pass])
            #expect(outcome.results.map(\.module) == ["shop"])
            #expect(log.all.map(\.path) == ["/validated"])
            #expect(log.to("/edited").isEmpty)
        } teardown: {
            await server.stop()
        }
    }

    @Test func eachEntryCarriesItsFileTextExactly() throws {
        let dir = try Checkout.temporaryDirectory("ronda-snapshot-text")
        let text = "# a comment the parser drops\n" + Self.scenario(path: "/a") + "\n\n"
        try text.write(toFile: dir + "/a.yml", atomically: true, encoding: .utf8)
        try "scenario: [unclosed".write(toFile: dir + "/broken.yml", atomically: true, encoding: .utf8)
        let suite = Suite.load([dir], config: nil)
        #expect(suite.entries.count == 1)
        #expect(suite.entries.first?.source == text)
        #expect(suite.scenarios.map(\.name) == ["Order"])
        #expect(suite.selectEntries(Selection(modules: ["shop"])).map(\.scenario.name) == ["Order"])
        #expect(suite.selectEntries(Selection(modules: ["other"])).isEmpty)
        #expect(suite.issues.count == 1)
    }
}
