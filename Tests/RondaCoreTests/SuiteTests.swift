import Foundation
import Testing

@testable import RondaCore

struct SuiteTests {
    static func scenario(
        _ name: String,
        module: String = "default",
        priority: String = "P2",
        tags: [String] = [],
        extra: String = ""
    ) -> String {
        """
        scenario: \(name)
        module: \(module)
        priority: \(priority)
        tags: [\(tags.joined(separator: ", "))]
        \(extra)steps:
          - name: Home
            get: /
        """
    }

    /// A suite folder:
    /// - appointments/create.yml, appointments/cancel.yaml, billing/invoice.yml, root.yml: valid
    /// - broken.yml: an unknown key; billing/dup.yml: reuses the name of appointments/create.yml
    /// - _login.yml, _drafts/draft.yml, .hidden/h.yml: skipped (invalid on purpose); notes.txt: not YAML
    static func makeSuite() throws -> URL {
        let dir = try CoreTestSupport.temporaryDirectory()
        let files: [(String, String)] = [
            (
                "appointments/create.yml",
                scenario("CreateAppointment", module: "appointments", priority: "P0", tags: ["smoke", "booking"])
            ),
            (
                "appointments/cancel.yaml",
                scenario("CancelAppointment", module: "appointments", priority: "P1", tags: ["booking"])
            ),
            ("billing/invoice.yml", scenario("Invoice", module: "billing", priority: "P1", tags: ["smoke"])),
            ("billing/dup.yml", scenario("CreateAppointment", module: "billing")),
            ("root.yml", scenario("Root", priority: "P3")),
            ("broken.yml", "scenario: Broken\nmodul: x\nsteps:\n  - name: a\n    get: /\n"),
            ("_login.yml", "steps:\n  - name: Log in\n    post: /login\n"),
            ("_drafts/draft.yml", "not: [valid"),
            (".hidden/h.yml", "nope"),
            ("notes.txt", "scenario: [\n"),
        ]
        for (path, text) in files { try CoreTestSupport.write(text, to: dir.appendingPathComponent(path)) }
        return dir
    }

    @Test func loadsValidFilesAndReportsTheRest() throws {
        let dir = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = Suite.load([dir.path], config: nil)
        #expect(suite.scenarios.map(\.name).sorted() == ["CancelAppointment", "CreateAppointment", "Invoice", "Root"])
        #expect(
            suite.scenarios.first { $0.name == "CreateAppointment" }?.file.hasSuffix("appointments/create.yml") == true
        )
        #expect(suite.issues.count == 2, "\(suite.issues)")
        let broken = suite.issues.first { $0.location.file.hasSuffix("broken.yml") }
        #expect(broken?.location.line == 2)
        #expect(broken?.message.contains("did you mean 'module'?") == true)
        let dup = suite.issues.first { $0.location.file.hasSuffix("billing/dup.yml") }
        #expect(dup?.message.contains("scenario name 'CreateAppointment' is used by") == true, "\(suite.issues)")
        #expect(dup?.message.contains("appointments/create.yml") == true)
        #expect(
            !suite.issues.contains {
                $0.location.file.contains("_login") || $0.location.file.contains("_drafts")
                    || $0.location.file.contains(".hidden") || $0.location.file.hasSuffix(".txt")
            }
        )
    }

    @Test func filesAreLoadedInSortedOrder() throws {
        let dir = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = Suite.scenarioFiles(in: dir.path).map { String($0.dropFirst(dir.path.count + 1)) }
        #expect(
            files == [
                "appointments/cancel.yaml", "appointments/create.yml", "billing/dup.yml", "billing/invoice.yml",
                "broken.yml", "root.yml",
            ]
        )
    }

    @Test func singleFilesAndMissingPaths() throws {
        let dir = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(at: dir) }
        let login = dir.appendingPathComponent("_login.yml").path
        let one = Suite.load([dir.appendingPathComponent("root.yml").path, "/nonexistent/ronda-suite"], config: nil)
        #expect(one.scenarios.map(\.name) == ["Root"])
        #expect(one.issues.count == 1)
        #expect(one.issues.first?.location == SourceLocation(file: "/nonexistent/ronda-suite", line: 1, column: 1))
        #expect(one.issues.first?.message == "no such file or folder")
        let explicit = Suite.load([login], config: nil)
        #expect(explicit.scenarios.isEmpty, "a file named on purpose is loaded even when it starts with _")
        #expect(explicit.issues.first?.message.contains("missing 'scenario:'") == true)
    }

    @Test func semanticProblemsKeepAFileOut() throws {
        let dir = try CoreTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CoreTestSupport.write(Self.scenario("Ok"), to: dir.appendingPathComponent("ok.yml"))
        try CoreTestSupport.write(
            "scenario: Bad\nsteps:\n  - name: a\n    get: \"/{{ nope }}\"\n",
            to: dir.appendingPathComponent("bad.yml")
        )
        try CoreTestSupport.write(
            Self.scenario("NeedsRole", extra: "as: ghost\n"),
            to: dir.appendingPathComponent("role.yml")
        )
        var config = RondaConfig()
        config.roles["admin"] = RondaConfig.Role(name: "admin", login: Scenario(name: "login"), fields: [])
        let suite = Suite.load([dir.path], config: config)
        #expect(suite.scenarios.map(\.name) == ["Ok"])
        #expect(suite.issues.count == 2, "\(suite.issues)")
        #expect(suite.issues.contains { $0.location.file.hasSuffix("bad.yml") && $0.message.contains("'nope'") })
        #expect(suite.issues.contains { $0.location.file.hasSuffix("role.yml") && $0.message.contains("as: ghost") })
        let lenient = Suite.load([dir.path], config: nil)
        #expect(
            lenient.scenarios.map(\.name).sorted() == ["NeedsRole", "Ok"],
            "roles are only checked against a configuration"
        )
    }

    @Test func emptyFolder() throws {
        let dir = try CoreTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = Suite.load([dir.path], config: nil)
        #expect(suite.scenarios.isEmpty && suite.issues.isEmpty)
    }

    @Test func selection() throws {
        let dir = try Self.makeSuite()
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = Suite.load([dir.path], config: nil)
        func names(_ selection: Selection) -> [String] { suite.select(selection).map(\.name).sorted() }
        #expect(names(Selection()) == ["CancelAppointment", "CreateAppointment", "Invoice", "Root"])
        #expect(names(Selection(modules: ["appointments"])) == ["CancelAppointment", "CreateAppointment"])
        #expect(names(Selection(modules: ["billing", "default"])) == ["Invoice", "Root"])
        #expect(names(Selection(priorities: [.p0])) == ["CreateAppointment"])
        #expect(names(Selection(priorities: [.p1, .p3])) == ["CancelAppointment", "Invoice", "Root"])
        #expect(names(Selection(tags: ["smoke"])) == ["CreateAppointment", "Invoice"])
        #expect(names(Selection(tags: ["booking", "nightly"])) == ["CancelAppointment", "CreateAppointment"])
        #expect(names(Selection(names: ["Root", "Missing"])) == ["Root"])
        #expect(names(Selection(modules: ["appointments"], priorities: [.p1])) == ["CancelAppointment"])
        #expect(names(Selection(modules: ["appointments"], tags: ["smoke"])) == ["CreateAppointment"])
        #expect(names(Selection(modules: ["nope"])).isEmpty)
        #expect(names(Selection(tags: ["Smoke"])).isEmpty, "tags are case-sensitive")
    }

    @Test func selectionMatchesHandMadeScenarios() {
        let s = Scenario(name: "A", module: "m", priority: .p1, tags: ["t"])
        #expect(Selection().matches(s))
        #expect(Selection(modules: ["m"], names: ["A"], priorities: [.p1], tags: ["t", "u"]).matches(s))
        #expect(!Selection(names: ["B"]).matches(s))
        #expect(!Selection(tags: ["u"]).matches(Scenario(name: "NoTags")))
    }
}
