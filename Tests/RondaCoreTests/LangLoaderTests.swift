import Foundation
import Testing

@testable import RondaCore

/// What `validate` catches statically (issue 9), each at file:line:column.
struct LangLoaderTests {
    typealias T = CoreTestSupport

    /// The one issue of `text`, which must be at `line`:`column` and mention every `fragment`.
    func single(
        _ text: String,
        line: Int,
        column: Int,
        _ fragments: String...,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let issues = CoreTestSupport.issues(text, sourceLocation: sourceLocation)
        #expect(issues.count == 1, "\(issues)", sourceLocation: sourceLocation)
        guard let issue = issues.first else { return }
        #expect(
            issue.location == SourceLocation(file: "bad.yml", line: line, column: column),
            "\(issue)",
            sourceLocation: sourceLocation
        )
        for fragment in fragments {
            #expect(
                issue.message.contains(fragment),
                "'\(fragment)' not in: \(issue.message)",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test func anUnknownEscapeInAnExpressionIsRejectedAtTheBackslash() {
        let text = "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { that: 'body matches \"^\\d+$\"' }\n"
        single(text, line: 5, column: T.column(of: "\\d+", line: 5, in: text)!, "unknown escape '\\d'", "expect.that")
        let template = "scenario: X\nsteps:\n  - name: a\n    get: '/a/{{ replace(\"x\", \"\\w\", \"\") }}'\n"
        single(template, line: 4, column: T.column(of: "\\w", line: 4, in: template)!, "unknown escape '\\w'")
        let raw = "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { that: \"body matches r'^\\\\d+$'\" }\n"
        #expect(throws: Never.self) { try ScenarioLoader.parse(raw, file: "ok.yml") }
    }

    @Test func unknownFunctionsWithADidYouMean() {
        let text = "scenario: X\nvars:\n  items: [1]\nsteps:\n  - name: a\n    get: \"/n/{{ lenght(items) }}\"\n"
        single(
            text,
            line: 6,
            column: T.column(of: "lenght", line: 6, in: text)!,
            "unknown function 'lenght()'",
            "did you mean 'length'?"
        )
        let condition = "scenario: X\nsteps:\n  - name: a\n    if: \"uper('a') == 'A'\"\n    get: /\n"
        single(
            condition,
            line: 4,
            column: T.column(of: "uper", line: 4, in: condition)!,
            "unknown function 'uper()'",
            "did you mean 'upper'?"
        )
        let nested = "scenario: X\nsteps:\n  - name: a\n    get: \"/{{ fake.int(1, abss(2)) }}\"\n"
        single(nested, line: 4, column: T.column(of: "abss", line: 4, in: nested)!, "'abss()'", "did you mean 'abs'?")
    }

    @Test func unknownFakeValuesWithADidYouMean() {
        let text = "scenario: X\nvars:\n  to: \"{{ fake.emial }}\"\nsteps:\n  - name: a\n    get: /\n"
        single(
            text,
            line: 3,
            column: T.column(of: "fake.emial", line: 3, in: text)!,
            "unknown fake value 'fake.emial'",
            "did you mean 'email'?"
        )
        let call = "scenario: X\nsteps:\n  - name: a\n    get: \"/{{ fake.dgits(4) }}\"\n"
        single(
            call,
            line: 4,
            column: T.column(of: "fake.dgits", line: 4, in: call)!,
            "'fake.dgits'",
            "did you mean 'digits'?"
        )
        let good =
            "scenario: X\nvars:\n  p: \"{{ fake.patient.identification }}\"\n  c: \"{{ fake.card.stripe.success }}\"\n  d: \"{{ fake.date(3) }}\"\nsteps:\n  - name: a\n    get: /\n"
        #expect(throws: Never.self) { try ScenarioLoader.parse(good, file: "ok.yml") }
    }

    @Test func unknownMatcherOperators() {
        let text = "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { json: { $.n: { greater_than: 5 } } }\n"
        single(
            text,
            line: 5,
            column: T.column(of: "greater_than", line: 5, in: text)!,
            "unknown matcher operator 'greater_than'",
            "did you mean '>'?",
            "\"==\""
        )
        let typo = "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { body: { contians: ok } }\n"
        single(
            typo,
            line: 5,
            column: T.column(of: "contians", line: 5, in: typo)!,
            "'contians'",
            "did you mean 'contains'?"
        )
        let mixed =
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { json: { $.n: { '>': 1, below: 9 } } }\n"
        single(mixed, line: 5, column: T.column(of: "below", line: 5, in: mixed)!, "unknown matcher operator 'below'")
        let escape =
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { json: { $.n: { '==': { greater_than: 5 } }, $.m: { id: 1 } } }\n"
        let scenario = try? ScenarioLoader.parse(escape, file: "ok.yml")
        #expect(
            scenario?.steps[0].expect.json.map(\.matcher) == [
                Matcher([.compare("==", .object([TemplateField(key: "greater_than", value: .value(5))]))]),
                Matcher([.compare("==", .object([TemplateField(key: "id", value: .value(1))]))]),
            ]
        )
    }

    @Test func continueOnFailureIsReadOnStepsAndInDefaults() throws {
        let scenario = try CoreTestSupport.load(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    continue_on_failure: true\n  - name: b\n    get: /\n"
        )
        #expect(scenario.steps.map(\.continueOnFailure) == [true, nil])
        let bad = "scenario: X\nsteps:\n  - name: a\n    get: /\n    continue_on_failure: maybe\n"
        single(bad, line: 5, column: 26, "continue_on_failure")
        #expect(
            try RondaConfig.parse("defaults: { continue_on_failure: true }\n", file: "r.yml").defaults.continueOnFailure
        )
        #expect(try RondaConfig.parse("defaults: {}\n", file: "r.yml").defaults.continueOnFailure == false)
    }
}

/// The validator's scope rules of issue 9.
struct LangValidatorTests {
    func validate(_ text: String, config: RondaConfig? = nil) throws -> [SourceIssue] {
        ScenarioValidator.validate(try CoreTestSupport.load(text, file: "v.yml"), config: config)
    }

    @Test func aStepsChecksMayReadItsOwnCapturesButItsRequestMayNot() throws {
        let issues = try validate(
            """
            scenario: Own
            steps:
              - name: a
                get: "/a/{{ id }}"
                if: "id != null"
                capture: { id: $.id }
                expect:
                  json: { $.id: "{{ id }}" }
                  that: "id > 0"
            """
        )
        #expect(
            Set(issues.map(\.location)) == [
                SourceLocation(file: "v.yml", line: 4, column: 17), SourceLocation(file: "v.yml", line: 5, column: 10),
            ],
            "\(issues)"
        )
    }

    @Test func withoutTheConfigurationALoginScenarioIsNotFlaggedVariableByVariable() throws {
        let text = """
            scenario: Login
            as: receptionist
            steps:
              - name: a
                get: /a
                headers: { Authorization: "Bearer {{ token }}", X-User: "{{ role.username }}" }
            """
        #expect(try validate(text).isEmpty, "the role's captures are unknown without ronda.yml")
        var config = RondaConfig()
        config.roles["receptionist"] = RondaConfig.Role(
            name: "receptionist",
            login: Scenario(name: "login"),
            fields: []
        )
        let issues = try validate(text, config: config)
        #expect(issues.count == 1 && issues[0].message.contains("'token'"), "\(issues)")
        #expect(
            try validate("scenario: U\nsteps:\n  - name: a\n    get: \"/{{ token }}\"\n").count == 1,
            "no role: still checked"
        )
        let swapped = try validate(
            "scenario: U\nvars:\n  email: x\nsteps:\n  - name: a\n    get: /\n    expect: { that: \"emial != null\" }\n"
        )
        #expect(swapped.map(\.location) == [SourceLocation(file: "v.yml", line: 7, column: 22)])
        #expect(
            swapped.first?.message.contains("did you mean 'email'?") == true,
            "two swapped letters get a hint: \(swapped)"
        )
    }
}

struct LangSchemaTests {
    @Test func theSchemaKnowsTheNewKeys() throws {
        let text = """
            scenario: A
            steps:
              - name: Get
                get: /a
                continue_on_failure: true
                expect:
                  json: { "$.a": { "===": 1, name: a is one } }
                  that:
                    - "status == 200"
                    - { named: "json.a > 0" }
              - name: Other
                get: /b
                expect: { that: { only named: "true" } }
            """
        #expect(ScenarioSchema.check(try SourceNode.parse(yaml: text, file: "a.yml")).isEmpty)
        _ = try CoreTestSupport.load(text)
        let bad = "scenario: A\nsteps:\n  - name: Get\n    get: /a\n    continue_on_failure: yes please\n"
        #expect(
            ScenarioSchema.check(try SourceNode.parse(yaml: bad, file: "a.yml")).contains {
                $0.message.contains("continue_on_failure")
            }
        )
    }
}

struct LangStaticNamesTests {
    @Test func namesAreFoundAsWholeRootNamesOutsideStrings() {
        #expect(StaticNames.offset(of: "id", in: "a.id + 'id' + \"i\\\"d\" + id") == 23)
        #expect(StaticNames.offset(of: "id", in: "idx + a.id") == nil)
        #expect(StaticNames.offset(of: "id", in: "") == nil)
        #expect(StaticNames.offset(of: "id", inTemplate: "/id/{{ a.id }}/{{ id }}") == 18)
        #expect(StaticNames.offset(of: "id", inTemplate: "/id/{{ x }}") == nil)
        let start = SourceLocation(file: "f", line: 3, column: 7)
        #expect(StaticNames.location(start, in: "ab id", offset: 3) == SourceLocation(file: "f", line: 3, column: 10))
        #expect(
            StaticNames.location(start, in: "ab\nid", offset: 3) == start,
            "a multi-line text keeps the node's position"
        )
        #expect(StaticNames.location(start, in: "ab id", offset: nil) == start)
    }

    @Test func likelyOperatorsAndData() {
        #expect(StaticNames.intendedOperator("gte") == ">=")
        #expect(StaticNames.intendedOperator("lenght") == "length")
        #expect(StaticNames.intendedOperator("id") == nil)
        #expect(StaticNames.intendedOperator("name") == nil)
        #expect(StaticNames.intendedOperator("customer") == nil)
    }
}
