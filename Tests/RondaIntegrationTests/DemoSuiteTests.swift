import DemoTarget
import Foundation
import Logging
import RondaCore
import RondaEngine
import Testing

@testable import RondaCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The bundled suite against the bundled demo app: in-process through `EmbeddedRun`, and through
/// the built `ronda demo` binary.
@Suite("Demo suite")
struct DemoSuiteTests {
    /// The package root (this file is Tests/RondaIntegrationTests/DemoSuiteTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let binary = root + "/.build/debug/ronda"

    static func loadSuite() throws -> (RondaConfig, [Scenario]) {
        let config = try RondaConfig.load(file: root + "/ronda.yml")
        let suite = Suite.load([root + "/scenarios"], config: config)
        #expect(suite.issues.isEmpty, "\(suite.issues.map(\.description).joined(separator: "\n"))")
        return (config, suite.scenarios)
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ronda-demo-\(UUID().uuidString).sqlite").path
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("the bundled suite has 10 to 14 scenarios in four modules, with every priority")
    func suiteShape() throws {
        let (_, scenarios) = try Self.loadSuite()
        #expect((10...14).contains(scenarios.count))
        #expect(Set(scenarios.map(\.module)) == ["auth", "patients", "appointments", "orders"])
        #expect(Set(scenarios.map(\.priority)) == Set(Priority.allCases))
    }

    @Test("every scenario passes twice in a row against one app, and the app is left as it was")
    func suitePassesTwiceAgainstOneApp() async throws {
        let (config, scenarios) = try Self.loadSuite()
        let demo = try await DemoApp.start()
        let database = Self.temporaryDatabase()
        defer { Self.removeDatabase(database) }
        var logger = Logger(label: "ronda.test")
        logger.logLevel = .critical
        let initialMenu = try await Self.fetch(demo.baseURL + "/api/v1/products/")
        for round in 1...2 {
            let run = EmbeddedRun(
                scenarios: scenarios,
                engine: EngineConfiguration(config: config, baseURL: demo.baseURL, environment: DemoCommand.environment(demo: demo, process: [:])),
                databasePath: database, parallel: 4, delayBetween: 0, trigger: .manual, logger: logger, onResult: nil
            )
            let outcome = try await run.execute()
            let problems = outcome.results.filter { $0.status != .pass }.map { "\($0.scenario): \($0.errorMessage ?? $0.status.rawValue)" }
            #expect(problems.isEmpty, "round \(round): \(problems.joined(separator: "\n"))")
            #expect(outcome.run.totals.passed == scenarios.count, "round \(round)")
        }
        // Teardown gave every order's stock back.
        #expect(try await Self.fetch(demo.baseURL + "/api/v1/products/") == initialMenu)
        await demo.stop()
    }

    @Test("role passwords default to the running app's, and the environment overrides them")
    func demoEnvironment() async throws {
        let users = DemoUsers.fromEnvironment(["DEMO_OWNER_PASSWORD": "changed-owner"])
        let demo = try await DemoApp.start(users: users)
        let plain = DemoCommand.environment(demo: demo, process: ["HOME": "/root"])
        #expect(plain("RONDA_OWNER_PASSWORD") == "changed-owner")
        #expect(plain("RONDA_RECEPTIONIST_PASSWORD") == "receptionist-demo-pass")
        #expect(plain("RONDA_CUSTOMER_PASSWORD") == "customer-demo-pass")
        #expect(plain("HOME") == "/root")
        #expect(plain("NOT_SET") == nil)
        let overridden = DemoCommand.environment(demo: demo, process: ["RONDA_OWNER_PASSWORD": "mine"])
        #expect(overridden("RONDA_OWNER_PASSWORD") == "mine")
        await demo.stop()
    }

    @Test("`ronda demo` exits 0 and names the scenario count")
    func binaryDemoPasses() throws {
        let (_, scenarios) = try Self.loadSuite()
        let (status, output) = try Self.runDemoBinary(extraEnvironment: [:])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(scenarios.count) scenarios: \(scenarios.count) passed, 0 failed"), "\(output)")
        #expect(output.contains("Demo app listening on http://127.0.0.1:"))
    }

    @Test("a wrong receptionist password makes the login fail and `ronda demo` exit 1")
    func wrongPasswordFails() throws {
        let (status, output) = try Self.runDemoBinary(extraEnvironment: ["RONDA_RECEPTIONIST_PASSWORD": "not-the-password"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("login step 'Submit the login form'"), "\(output)")
        #expect(output.contains("FAIL  [P0] auth/Receptionist opens the dashboard"), "\(output)")
        // The other roles still log in.
        #expect(output.contains("PASS  auth/Owner logs out"), "\(output)")
        #expect(!output.contains("not-the-password"), "the password must be redacted: \(output)")
    }

    /// Runs the built `ronda demo` from the package root with a temporary database.
    static func runDemoBinary(extraEnvironment: [String: String]) throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("build the binary first: swift build --product ronda (\(binary) is missing)")
            return (-1, "")
        }
        let database = temporaryDatabase()
        defer { removeDatabase(database) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["demo", "--database", database]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RONDA_") && !$0.key.hasPrefix("DEMO_") }
        environment.merge(extraEnvironment) { _, new in new }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}
