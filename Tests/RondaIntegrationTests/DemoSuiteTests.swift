import DemoTarget
import Foundation
import Logging
import RondaCore
import RondaEngine
import RondaTestSupport
import Testing

@testable import RondaCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The bundled suite against the bundled demo app: in-process through `EmbeddedRun`, and through
/// the built `ronda demo` binary.
@Suite("Demo suite")
struct DemoSuiteTests {
    /// The package root, and the `ronda` binary built beside the tests.
    static let root = Checkout.root
    static var binary: String { Checkout.ronda }

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

    @Test("the bundled suite has at least 50 scenarios, with every priority")
    func suiteShape() throws {
        let (_, scenarios) = try Self.loadSuite()
        #expect(scenarios.count >= 50, "the acceptance criterion: 'ronda demo' shows at least 50 scenarios passed")
        #expect(Set(scenarios.map(\.name)).count == scenarios.count, "scenario names are unique")
        #expect(Set(scenarios.map(\.priority)) == Set(Priority.allCases))
    }

    /// A quiet logger for in-process runs.
    static var quietLogger: Logger {
        var logger = Logger(label: "ronda.test")
        logger.logLevel = .critical
        return logger
    }

    /// The runner `ronda demo` uses, over the bundled suite, with no process environment (the demo
    /// app's own passwords and secrets) and a database of its own.
    static func runner(database: String, parallel: Int = 4) throws -> DemoRunner {
        let (config, _) = try loadSuite()
        let entries = Suite.load([root + "/scenarios"], config: config).entries
        return DemoRunner(
            config: config,
            entries: entries,
            databasePath: database,
            parallel: parallel,
            logger: quietLogger,
            process: [:]
        )
    }

    /// The problems of a run, one line each, for expectation messages.
    static func problems(_ outcome: EmbeddedRun.Outcome) -> [String] {
        outcome.results.filter { $0.status != .pass }.map {
            "\($0.module)/\($0.scenario): \($0.errorMessage ?? $0.status.rawValue)"
        }
    }

    static let rounds = 20

    @Test("every scenario passes 20 times in a row against one long-lived app, and the app is left as it was")
    func suitePassesRepeatedlyAgainstOneApp() async throws {
        let database = Self.temporaryDatabase()
        defer { Self.removeDatabase(database) }
        let runner = try Self.runner(database: database)
        let demo = try await DemoApp.start()
        let initialMenu = try await Self.fetch(demo.baseURL + "/api/v1/products/")
        for round in 1...Self.rounds {
            let outcome = try await runner.run(against: demo)
            let problems = Self.problems(outcome)
            #expect(problems.isEmpty, "round \(round): \(problems.joined(separator: "\n"))")
            #expect(outcome.run.totals.passed == runner.scenarios.count, "round \(round)")
            if !problems.isEmpty { break }  // one broken round says it all; later ones would repeat it
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

    @Test("`ronda demo` supplies every environment variable ronda.yml and the scenarios read")
    func demoSuppliesEverySecret() async throws {
        let demo = try await DemoApp.start()
        let supplied = DemoRunner.demoValues(demo: demo)
        await demo.stop()
        var files = [Self.root + "/ronda.yml"]
        let enumerator = FileManager.default.enumerator(atPath: Self.root + "/scenarios")
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".yml") || path.hasSuffix(".yaml") { files.append(Self.root + "/scenarios/" + path) }
        }
        let regex = try NSRegularExpression(pattern: #"env\.([A-Za-z0-9_]+)"#)
        var read = Set<String>()
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { read.insert(String(text[range])) }
            }
        }
        #expect(!read.isEmpty)
        let missing = read.subtracting(supplied.keys).sorted()
        #expect(missing.isEmpty, "the suite reads \(missing) but `ronda demo` does not supply them")
        #expect(supplied.values.allSatisfy { !$0.isEmpty })
    }

    @Test("`ronda demo` exits 0, names the scenario count and writes a self-contained HTML report")
    func binaryDemoPasses() async throws {
        let (_, scenarios) = try Self.loadSuite()
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ronda-reports-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let (status, output) = try await Self.runDemoBinary(extraEnvironment: [:], arguments: ["--report", reports])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(scenarios.count) scenarios: \(scenarios.count) passed, 0 failed"), "\(output)")
        #expect(output.contains("Demo app listening on http://127.0.0.1:"))
        #expect(output.contains("HTML report: \(reports)/run-"), "\(output)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        #expect(files.count == 1 && files[0].hasPrefix("run-") && files[0].hasSuffix(".html"), "\(files)")
        if let file = files.first {
            let html = try String(contentsOfFile: reports + "/" + file, encoding: .utf8)
            #expect(html.contains("<svg"))
            #expect(HTMLReportTests.externalReferences(html).isEmpty)
        }
    }

    @Test("a wrong receptionist password makes the login fail and `ronda demo` exit 1")
    func wrongPasswordFails() async throws {
        let (status, output) = try await Self.runDemoBinary(extraEnvironment: [
            "RONDA_RECEPTIONIST_PASSWORD": "not-the-password"
        ])
        #expect(status == 1, "\(output)")
        #expect(output.contains("login step 'Submit the login form'"), "\(output)")
        // One cause, named once, with the receptionist's scenarios it broke.
        #expect(output.contains("CAUSE POST /login/ broke"), "\(output)")
        #expect(output.contains("Receptionist opens the dashboard"), "\(output)")
        // The other roles still log in.
        #expect(output.contains("PASS  auth/Owner logs out"), "\(output)")
        #expect(!output.contains("not-the-password"), "the password must be redacted: \(output)")
    }

    /// Runs the built `ronda demo` from the package root with a temporary database (and, unless
    /// `arguments` names one, a temporary report folder).
    static func runDemoBinary(
        extraEnvironment: [String: String],
        arguments: [String] = []
    ) async throws -> (Int32, String) {
        let database = temporaryDatabase()
        defer { removeDatabase(database) }
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ronda-reports-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let report = arguments.contains("--report") ? [] : ["--report", reports]
        return try await runBinary(
            ["demo", "--database", database] + report + arguments,
            extraEnvironment: extraEnvironment
        )
    }

    /// Runs the built `ronda` from the package root without the caller's RONDA_* and DEMO_*
    /// variables, and returns its exit status and its standard output and error, merged.
    /// The binary runs on a thread of its own, off the cooperative pool: a `ronda demo` takes
    /// seconds, and two of them blocking the pool's two threads stalled every other test.
    static func runBinary(
        _ arguments: [String],
        extraEnvironment: [String: String] = [:]
    ) async throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("build the binary first: swift build --product ronda (\(binary) is missing)")
            return (-1, "")
        }
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("RONDA_") && !$0.key.hasPrefix("DEMO_")
        }
        environment.merge(extraEnvironment) { _, new in new }
        let directory = try Checkout.temporaryDirectory("ronda-binary")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // `env -C`: run from the package root (posix_spawn has no working-directory action here).
        let environmentSnapshot = environment
        let status = try await offCooperativePool {
            try spawnAndWait(
                ["/usr/bin/env", "-C", root, binary] + arguments,
                log: directory + "/output",
                environment: environmentSnapshot,
                inheritEnvironment: false
            )
        }
        return (status, (try? String(contentsOfFile: directory + "/output", encoding: .utf8)) ?? "")
    }

    static func fetch(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }
}
