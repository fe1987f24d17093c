import Foundation
import RondaCore
import Testing

@testable import RondaCLI

/// `ronda validate` away from ronda.yml (issue 9).
struct LangValidateTests {
    @Test func withoutTheConfigurationValidateNamesTheUnknownRolesOnceAndFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ronda-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenario =
            "scenario: S\(0)\nas: owner\nsteps:\n  - name: a\n    get: \"/a?t={{ token }}&u={{ user_id }}\"\n"
        for i in 0..<3 {
            try scenario.replacingOccurrences(of: "S0", with: "S\(i)").write(
                to: dir.appendingPathComponent("s\(i).yml"),
                atomically: true,
                encoding: .utf8
            )
        }
        let suite = Suite.load([dir.path], config: nil, schema: true)
        #expect(suite.issues.isEmpty, "no 'token is not a var' lines: \(suite.issues)")
        let (lines, valid) = ValidateCommand.report(
            suite,
            configured: false,
            configPath: "ronda.yml",
            folder: "/somewhere"
        )
        #expect(!valid)
        #expect(lines.count == 2, "\(lines)")
        #expect(
            lines[0].hasPrefix(
                "configuration not found: no ronda.yml in /somewhere. The role owner (used by 3 scenarios) is unknown, so its login steps"
            )
        )
        #expect(lines[1] == "0 problems found; roles not checked (configuration not found)")

        let configured = ValidateCommand.report(suite, configured: true, configPath: "ronda.yml", folder: "/somewhere")
        #expect(configured.valid && configured.lines == ["3 scenarios valid"])
        try scenario.replacingOccurrences(of: "S0", with: "S3").replacingOccurrences(of: "owner", with: "doctor")
            .write(to: dir.appendingPathComponent("s3.yml"), atomically: true, encoding: .utf8)
        let twoRoles = ValidateCommand.report(
            Suite.load([dir.path], config: nil, schema: true),
            configured: false,
            configPath: "ronda.yml",
            folder: "/somewhere"
        )
        #expect(
            twoRoles.lines[0].hasPrefix(
                "configuration not found: no ronda.yml in /somewhere. The roles doctor, owner (used by 4 scenarios) are unknown, so their login steps"
            ),
            "\(twoRoles.lines)"
        )
        let plain = dir.appendingPathComponent("plain.yml")
        try "scenario: P\nsteps:\n  - name: a\n    get: /a\n".write(to: plain, atomically: true, encoding: .utf8)
        let noRoles = Suite.load([plain.path], config: nil)
        #expect(
            ValidateCommand.report(noRoles, configured: false, configPath: "ronda.yml", folder: "/x") == (
                ["1 scenario valid"], true
            ),
            "no roles, no configuration needed"
        )
    }

    @Test func withoutTheConfigurationRunScenarioSaysSoOnceForAScenarioThatLogsIn() throws {
        let scenario = try ScenarioLoader.parse(
            "scenario: S\nas: owner\nsteps:\n  - name: a\n    get: \"/a?t={{ token }}\"\n",
            file: "s.yml"
        )
        do {
            try RunScenarioCommand.checkConfigurationFound(
                scenario,
                configPath: "ronda.yml",
                found: false,
                folder: "/somewhere"
            )
            Issue.record("a scenario that logs in ran without the configuration")
        } catch let error as CLIError {
            #expect(
                error.message
                    == "configuration not found: no ronda.yml in /somewhere, and the scenario logs in as owner, a role defined there. Run ronda run-scenario in the folder of ronda.yml, or pass --config FILE."
            )
        }
        try RunScenarioCommand.checkConfigurationFound(
            scenario,
            configPath: "ronda.yml",
            found: true,
            folder: "/somewhere"
        )
        let plain = try ScenarioLoader.parse("scenario: P\nsteps:\n  - name: a\n    get: /a\n", file: "p.yml")
        try RunScenarioCommand.checkConfigurationFound(
            plain,
            configPath: "ronda.yml",
            found: false,
            folder: "/somewhere"
        )
    }
}
