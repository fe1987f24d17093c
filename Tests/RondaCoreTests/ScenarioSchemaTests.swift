import Foundation
import Testing

@testable import RondaCore

struct ScenarioSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theShippedFileIsTheSchemaRondaUses() throws {
        let shipped = try String(
            contentsOf: Self.repository.appendingPathComponent("schema/scenario.schema.json"),
            encoding: .utf8
        )
        let parsed = try #require(JSONValue.parse(shipped))
        #expect(JSONValue.parse(ScenarioSchema.text) == parsed)
        _ = try JSONSchemaValidator(schema: ScenarioSchema.value)
    }

    @Test func aValidScenarioHasNoSchemaIssues() throws {
        let text = """
            scenario: A
            priority: P1
            tags: [x]
            timeout: 30s
            steps:
              - name: Get
                get: /a
                expect: { status: [200, 201], json: { "$.a": { ">": 1 } } }
                capture: { id: "$.id", loc: { header: Location } }
                retry: { until: "status == 200", timeout: 2s, interval: 100ms }
            teardown:
              - name: Delete
                delete: /a
            """
        #expect(ScenarioSchema.check(try SourceNode.parse(yaml: text, file: "a.yml")).isEmpty)
    }

    @Test func schemaIssuesPointAtTheOffendingNode() throws {
        let text = """
            scenario: A
            steps:
              - name: Get
                get: /a
                post: /b
                expect: { status: 42 }
            """
        let issues = ScenarioSchema.check(try SourceNode.parse(yaml: text, file: "a.yml"))
        #expect(!issues.isEmpty)
        #expect(issues.contains { $0.location.line == 6 && $0.message.contains("/steps/0/expect/status") })
        #expect(issues.contains { $0.location.line == 3 })
    }

    @Test func theBundledSuiteIsValidAgainstTheSchema() throws {
        let folder = Self.repository.appendingPathComponent("scenarios").path
        let files = Suite.scenarioFiles(in: folder)
        #expect(!files.isEmpty)
        for file in files {
            let root = try SourceNode.parse(yaml: try String(contentsOfFile: file, encoding: .utf8), file: file)
            let issues = ScenarioSchema.check(root)
            #expect(issues.isEmpty, "\(file): \(issues)")
        }
    }
}
