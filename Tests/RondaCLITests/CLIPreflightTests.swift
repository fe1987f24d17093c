import ArgumentParser
import Foundation
import Logging
import RondaCore
import RondaStore
import RondaTestSupport
import Testing

@testable import RondaCLI

/// What a run checks before its first request: the environment its scenarios and roles read, a
/// base URL only where a step needs one, a database URL that is one.
struct CLIPreflightTests {
    /// Variable names no environment sets.
    static let prefix = "RONDA_PREFLIGHT_\(UUID().uuidString.prefix(8).uppercased())_"

    /// A configuration with a role that reads one variable, and a suite of three scenarios:
    /// two read the same header secret, one signs a webhook with another and logs in as the role.
    static func suite(target: String) throws -> (config: String, suite: String) {
        let dir = try Checkout.temporaryDirectory("ronda-preflight")
        try """
        target: { base_url: "\(target)" }
        roles:
          clerk:
            password: "{{ env.\(prefix)ROLE }}"
            login:
              - name: Log in
                post: /login
                json: { password: "{{ role.password }}" }
        """.write(toFile: dir + "/ronda.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/suite", withIntermediateDirectories: true)
        for name in ["A", "B"] {
            try """
            scenario: Reads \(name)
            steps:
              - name: Ping
                get: /ping
                headers: { X-Key: "{{ env.\(prefix)KEY }}" }
            """.write(toFile: dir + "/suite/\(name).yml", atomically: true, encoding: .utf8)
        }
        try """
        scenario: Signs
        as: clerk
        steps:
          - name: Hook
            if: "env.\(prefix)FLAG == 'on'"
            post: /hook
            json: { id: 1 }
            webhook: { provider: stripe, secret: "{{ env.\(prefix)KEY }}{{ env.\(prefix)HOOK }}" }
        """.write(toFile: dir + "/suite/signs.yml", atomically: true, encoding: .utf8)
        return (dir + "/ronda.yml", dir + "/suite")
    }

    @Test func aRunWithUnsetVariablesExitsTwoNamingEachOnceBeforeAnyRequest() async throws {
        let (server, log) = try await CLICannedTarget.start(["/ping": .init(), "/login": .init(), "/hook": .init()])
        try await withTeardown {
            let (config, suite) = try Self.suite(target: server.baseURL)
            let status = await RondaCommand.main(arguments: [
                "run", "--config", config, "--suite", suite, "--database", suite + "/../r.sqlite",
            ])
            #expect(status == 2)
            #expect(log.all.isEmpty, "no request before the check: \(log.all.map(\.path))")

            let loaded = Suite.load([suite], config: try RondaConfig.load(file: config))
            let missing = Preflight.missingEnvironment(
                scenarios: loaded.scenarios,
                config: try RondaConfig.load(file: config)
            ) { _ in nil }
            #expect(missing.map(\.name) == ["FLAG", "HOOK", "KEY", "ROLE"].map { Self.prefix + $0 })
            #expect(missing.first { $0.name == Self.prefix + "KEY" }?.readers == "3 scenarios: Reads A, Reads B, Signs")
            #expect(missing.first { $0.name == Self.prefix + "ROLE" }?.readers == "role clerk")
            do {
                try Preflight.checkEnvironment(scenarios: loaded.scenarios, config: try RondaConfig.load(file: config))
                { _ in nil }
                Issue.record("no error")
            } catch let error as CLIError {
                #expect(error.code == .configuration)
                #expect(error.message.hasPrefix("4 environment variables are not set (nothing was run):"))
                for name in ["FLAG", "HOOK", "KEY", "ROLE"] {
                    #expect(
                        error.message.components(separatedBy: Self.prefix + name).count == 2,
                        "\(name) named once: \(error.message)"
                    )
                }
            }
            // Set, even to an empty string, is set.
            #expect(
                Preflight.missingEnvironment(scenarios: loaded.scenarios, config: try RondaConfig.load(file: config)) {
                    _ in ""
                }.isEmpty
            )
        } teardown: {
            await server.stop()
        }
    }

    @Test func runScenarioChecksTheEnvironmentToo() async throws {
        let (server, log) = try await CLICannedTarget.start(["/ping": .init()])
        try await withTeardown {
            let (config, suite) = try Self.suite(target: server.baseURL)
            #expect(await RondaCommand.main(arguments: ["run-scenario", "--config", config, suite + "/A.yml"]) == 2)
            #expect(log.all.isEmpty)
        } teardown: {
            await server.stop()
        }
    }

    @Test func runScenarioNeedsNoBaseURLWhenEveryURLIsAbsolute() async throws {
        let (server, log) = try await CLICannedTarget.start(["/ok": .init(body: "fine")])
        try await withTeardown {
            let dir = try Checkout.temporaryDirectory("ronda-absolute")
            try "defaults: { request_timeout: 10s }\n".write(
                toFile: dir + "/ronda.yml",
                atomically: true,
                encoding: .utf8
            )
            try """
            scenario: Absolute
            steps:
              - name: Get
                get: \(server.url("/ok"))
                expect: { status: 200, body: { contains: fine } }
            teardown:
              - name: Again
                get: "\(server.url("/ok"))"
            """.write(toFile: dir + "/absolute.yml", atomically: true, encoding: .utf8)
            #expect(
                await RondaCommand.main(arguments: [
                    "run-scenario", "--config", dir + "/ronda.yml", dir + "/absolute.yml",
                ]) == 0
            )
            #expect(log.count("/ok") == 2)

            try
                "scenario: Relative\nsteps:\n  - name: Here\n    get: \(server.url("/ok"))\n  - name: There\n    get: /ok\n"
                .write(toFile: dir + "/relative.yml", atomically: true, encoding: .utf8)
            #expect(
                await RondaCommand.main(arguments: [
                    "run-scenario", "--config", dir + "/ronda.yml", dir + "/relative.yml",
                ]) == 2
            )
            #expect(log.count("/ok") == 2, "nothing sent for a scenario that needs a base URL")
            let relative = try ScenarioLoader.load(file: dir + "/relative.yml")
            #expect(throws: CLIError.self) {
                try RunScenarioCommand.baseURL(config: RondaConfig(), scenario: relative, configFile: "ronda.yml")
            }
            do {
                _ = try RunScenarioCommand.baseURL(config: RondaConfig(), scenario: relative, configFile: "ronda.yml")
            } catch let error as CLIError {
                #expect(error.message.contains("1 step has a relative URL: 'There' (/ok)"), "\(error.message)")
            }
        } teardown: {
            await server.stop()
        }
    }

    @Test func aMalformedDatabaseURLIsAConfigurationErrorWithoutThePassword() async throws {
        for url in ["postgres//ronda:hunter2@db/ronda", "ronda:hunter2@db/ronda", "postgres:/ronda:hunter2@db/ronda"] {
            let options = try StoreOptions.parse(["--database-url", url])
            do {
                _ = try await options.openStore(logger: .init(label: "test"))
                Issue.record("\(url) opened")
            } catch let error as CLIError {
                #expect(error.code == .configuration)
                #expect(
                    error.message.contains("--database-url looks like a URL but is not a valid one"),
                    "\(error.message)"
                )
                #expect(error.message.contains("postgres://user:password@host:5432/database"))
                #expect(!error.message.contains("hunter2"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "postgres"), "no file or folder named after the URL")
    }
}
