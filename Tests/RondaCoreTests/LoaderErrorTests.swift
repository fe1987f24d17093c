import Foundation
import Testing

@testable import RondaCore

/// Every rejection names file, line and column, and says what was expected.
struct LoaderErrorTests {
    typealias T = CoreTestSupport

    /// The only issue of a rejected text, checked to be at `line`:`column` and to mention every `words`.
    @discardableResult
    func single(
        _ text: String,
        line: Int,
        column: Int,
        _ words: String...,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> SourceIssue? {
        let issues = T.issues(text, sourceLocation: sourceLocation)
        #expect(issues.count == 1, "expected one issue, got \(issues)", sourceLocation: sourceLocation)
        guard let issue = issues.first else { return nil }
        #expect(issue.location.file == "bad.yml", sourceLocation: sourceLocation)
        #expect(
            issue.location.line == line && issue.location.column == column,
            "at \(issue.location), expected \(line):\(column): \(issue.message)",
            sourceLocation: sourceLocation
        )
        for word in words {
            #expect(
                issue.message.contains(word),
                "'\(issue.message)' should mention '\(word)'",
                sourceLocation: sourceLocation
            )
        }
        #expect(issue.description.hasPrefix("bad.yml:\(line):\(column): "), sourceLocation: sourceLocation)
        return issue
    }

    static let step = "steps:\n  - name: a\n    get: /\n"

    @Test func unknownTopLevelKeyWithSuggestion() {
        single(
            "scenario: X\npriorty: P1\n" + Self.step,
            line: 2,
            column: 1,
            "unknown key 'priorty'",
            "did you mean 'priority'?",
            "expected one of",
            "scenario, description"
        )
    }

    @Test func unknownStepKeyWithSuggestion() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    captrue: { id: $.id }\n",
            line: 5,
            column: 5,
            "unknown key 'captrue'",
            "did you mean 'capture'?"
        )
    }

    @Test func unknownKeyFarFromAnythingHasNoSuggestion() {
        let issue = single(
            "scenario: X\nzzzzzzzz: 1\n" + Self.step,
            line: 2,
            column: 1,
            "unknown key 'zzzzzzzz'",
            "expected one of"
        )
        #expect(issue?.message.contains("did you mean") == false)
    }

    @Test func unknownExpectKeyAndWebhookKey() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { stauts: 200 }\n",
            line: 5,
            column: 15,
            "unknown key 'stauts'",
            "did you mean 'status'?"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: stripe, secret: \"{{ env.S }}\", secrte: x }\n",
            line: 6,
            column: 57,
            "unknown key 'secrte'",
            "did you mean 'secret'?"
        )
    }

    @Test func missingScenarioName() {
        single(Self.step, line: 1, column: 1, "missing 'scenario:'")
    }

    @Test func missingSteps() {
        single("scenario: X\nmodule: m\n", line: 1, column: 1, "missing 'steps:'", "list of steps")
    }

    @Test func emptyStepsAndStepsNotAList() {
        single("scenario: X\nsteps: []\n", line: 2, column: 8, "at least one step")
        single("scenario: X\nsteps: hello\n", line: 2, column: 8, "expected steps as a list of steps", "'hello'")
    }

    @Test func stepWithoutName() {
        single("scenario: X\nsteps:\n  - get: /\n", line: 3, column: 5, "a step needs 'name:'")
    }

    @Test func stepWithoutMethod() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    query: { q: 1 }\n",
            line: 3,
            column: 5,
            "a step needs a request",
            "'get: PATH'",
            "'post: PATH'"
        )
    }

    @Test func twoMethods() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    post: /x\n",
            line: 5,
            column: 5,
            "both 'get' and 'post'"
        )
    }

    @Test func twoBodies() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: { a: 1 }\n    form: { b: 2 }\n",
            line: 6,
            column: 11,
            "one body",
            "json, form"
        )
    }

    @Test(arguments: ["P5", "high", "0"])
    func badPriority(_ value: String) {
        single(
            "scenario: X\npriority: \(value)\n" + Self.step,
            line: 2,
            column: 11,
            "expected a priority P0, P1, P2 or P3",
            "'\(value)'"
        )
    }

    @Test(arguments: ["soon", "-5s", "10 parsecs", "2d", "ms", "999999h"])
    func badScenarioDuration(_ value: String) {
        single(
            "scenario: X\ntimeout: \(value)\n" + Self.step,
            line: 2,
            column: 10,
            "expected a duration like '300s'",
            "the scenario timeout"
        )
    }

    @Test func zeroTimeoutsAndBadRetryDurations() {
        single("scenario: X\ntimeout: 0s\n" + Self.step, line: 2, column: 10, "must be more than 0")
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    timeout: 0\n",
            line: 5,
            column: 14,
            "the step timeout must be more than 0"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    retry: { until: \"true\", interval: later }\n",
            line: 5,
            column: 39,
            "retry.interval",
            "'later'"
        )
    }

    @Test(arguments: [("700", 700), ("99", 99), ("abc", 0), ("2.5", 0)])
    func badStatusCode(_ value: String, _ unused: Int) {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { status: \(value) }\n",
            line: 5,
            column: 23,
            "a whole number from 100 to 599",
            "a status code"
        )
    }

    @Test func badStatusInAList() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { status: [200, 1000] }\n",
            line: 5,
            column: 29,
            "100 to 599",
            "'1000'"
        )
    }

    @Test func badJSONPathInExpect() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect:\n      json:\n        results[0]: 1\n",
            line: 7,
            column: 9,
            "invalid JSON path 'results[0]'",
            "starts with '$'"
        )
    }

    @Test func badJSONPathInCaptures() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { id: { json: \"$.a[\" } }\n",
            line: 5,
            column: 28,
            "invalid JSON path '$.a['",
            "not closed"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { id: results.id }\n",
            line: 5,
            column: 20,
            "starting with '$'"
        )
    }

    @Test func badRegexInCaptureAndExpect() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { t: { regex: \"([a-z\" } }\n",
            line: 5,
            column: 28,
            "invalid regular expression '([a-z'"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { body: { matches: \"(\" } }\n",
            line: 5,
            column: 32,
            "invalid regular expression '('"
        )
    }

    @Test func unterminatedTemplatePointsAtTheBraces() {
        let text = "scenario: X\nsteps:\n  - name: a\n    get: \"/a/{{ id\"\n"
        single(text, line: 4, column: T.column(of: "{{", line: 4, in: text)!, "'{{' is not closed", "expected '}}'")
        let plain = "scenario: X\nsteps:\n  - name: a\n    get: /a/{{ id\n"
        single(plain, line: 4, column: T.column(of: "{{", line: 4, in: plain)!, "'{{' is not closed")
    }

    @Test func badTemplateExpressionPointsIntoTheString() {
        let text = "scenario: X\nsteps:\n  - name: a\n    get: \"/a/{{ id = 1 }}\"\n"
        single(text, line: 4, column: T.column(of: "= 1", line: 4, in: text)!, "'=' is not an operator")
    }

    @Test func badIfExpressionPointsIntoTheString() {
        let text = "scenario: X\nsteps:\n  - name: a\n    if: \"patient_id = null\"\n    get: /\n"
        single(
            text,
            line: 4,
            column: T.column(of: "= null", line: 4, in: text)!,
            "the if: condition",
            "'=' is not an operator"
        )
        let plain = "scenario: X\nsteps:\n  - name: a\n    if: patient_id == (null\n    get: /\n"
        single(plain, line: 4, column: plain.split(separator: "\n")[3].count + 1, "expected ')'")
    }

    @Test func badIfExpressionInBracesOrPaddedPointsIntoTheString() {
        let braces = "scenario: X\nsteps:\n  - name: a\n    if: \"{{ patient_id = null }}\"\n    get: /\n"
        single(braces, line: 4, column: T.column(of: "= null", line: 4, in: braces)!, "'=' is not an operator")
        let padded = "scenario: X\nsteps:\n  - name: a\n    if: \"  patient_id = null\"\n    get: /\n"
        single(padded, line: 4, column: T.column(of: "= null", line: 4, in: padded)!, "'=' is not an operator")
    }

    @Test func badRetryUntilAndThat() {
        let text = "scenario: X\nsteps:\n  - name: a\n    get: /\n    retry: { until: \"status ==\" }\n"
        single(text, line: 5, column: T.column(of: "\" }", line: 5, in: text)!, "retry.until", "expected a value")
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    retry: { timeout: 1s }\n",
            line: 5,
            column: 12,
            "retry needs 'until:'"
        )
        let that = "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { that: \"1 +\" }\n"
        single(that, line: 5, column: T.column(of: "\" }", line: 5, in: that)!, "expect.that")
    }

    @Test func webhookSecretMustComeFromEnvironment() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: stripe, secret: whsec_123 }\n",
            line: 6,
            column: 42,
            "'{{ env.NAME }}'",
            "environment variables"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: stripe, secret: \"{{ secret_var }}\" }\n",
            line: 6,
            column: 42,
            "environment variables"
        )
    }

    @Test func wompiWithoutProperties() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: wompi, secret: \"{{ env.W }}\" }\n",
            line: 6,
            column: 14,
            "a wompi webhook needs 'properties:'"
        )
    }

    @Test func webhookProblems() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: paypal, secret: \"{{ env.W }}\" }\n",
            line: 6,
            column: 26,
            "expected a webhook provider (stripe, wompi, mercadopago, hmac)",
            "'paypal'"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { secret: \"{{ env.W }}\" }\n",
            line: 6,
            column: 14,
            "webhook needs 'provider:'"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    json: {}\n    webhook: { provider: stripe }\n",
            line: 6,
            column: 14,
            "webhook needs 'secret:"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    webhook: { provider: stripe, secret: \"{{ env.W }}\" }\n",
            line: 3,
            column: 5,
            "needs a body to sign"
        )
    }

    @Test func captureProblems() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { 1id: $.id }\n",
            line: 5,
            column: 16,
            "letters, digits and _",
            "'1id'"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { id: { optional: true } }\n",
            line: 5,
            column: 20,
            "needs a source"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    capture: { id: { json: $.a, header: X } }\n",
            line: 5,
            column: 33,
            "one source"
        )
    }

    @Test func otherValueProblems() {
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    follow_redirects: yes\n",
            line: 5,
            column: 23,
            "true or false",
            "follow_redirects"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    max_redirects: 500\n",
            line: 5,
            column: 20,
            "0 to 100"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    post: /\n    form: [a, b]\n",
            line: 5,
            column: 11,
            "form fields as a mapping"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { json: { \"$.a\": { type: text } } }\n",
            line: 5,
            column: 38,
            "expected a type",
            "'text'"
        )
        single(
            "scenario: X\nsteps:\n  - name: a\n    get: /\n    expect: { schema: [1] }\n",
            line: 5,
            column: 23,
            "JSON Schema as a mapping"
        )
        single("scenario: X\ncases: []\n" + Self.step, line: 2, column: 8, "at least one row")
        single("- a\n- b\n", line: 1, column: 1, "expected a scenario as a mapping", "a list")
        single("scenario: X\nsteps:\n  - get /\n", line: 3, column: 5, "expected a step as a mapping")
    }

    @Test func blankScenarioNameIsOneIssue() {
        // The key is there: only "must not be empty" applies, not also "missing 'scenario:'".
        single("scenario: \"  \"\n" + Self.step, line: 1, column: 11, "the scenario name must not be empty")
    }

    @Test func yamlSyntaxError() {
        let issues = T.issues("scenario: X\nsteps:\n  - name: a\n    get: [/\n")
        #expect(issues.count == 1)
        let issue = issues.first
        #expect(issue?.message.hasPrefix("invalid YAML") == true, "\(String(describing: issue))")
        #expect((issue?.location.line ?? 0) >= 4)
        #expect((issue?.location.column ?? 0) >= 1)

        let indentation = T.issues("scenario: X\nsteps:\n  - name: a\n   get: /\n")
        #expect(indentation.count == 1)
        #expect(indentation.first?.location.line == 4, "\(indentation)")
        #expect(indentation.first?.message.contains("invalid YAML") == true)
    }

    @Test func controlCharactersAreLocated() {
        single("scenario: X\nmodule: ab\u{1}\n" + Self.step, line: 2, column: 11, "control characters are not allowed")
    }

    @Test func controlCharacterColumnsCountCharactersNotBytes() {
        // "ñá" is two characters but four UTF-8 bytes.
        single("scenario: X\nmodule: ñá\u{1}\n" + Self.step, line: 2, column: 11, "control characters are not allowed")
    }

    @Test func controlCharacterAfterNonASCIILines() {
        single(
            "scenario: Cita médica ñandú\nmodule: ab\u{1}\n" + Self.step,
            line: 2,
            column: 11,
            "control characters are not allowed"
        )
    }

    @Test func duplicateKeysAreRejected() {
        let issues = T.issues("scenario: X\nscenario: Y\n" + Self.step)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("duplicate key") == true, "\(issues)")
        #expect((issues.first?.location.line ?? 0) >= 1)
    }

    @Test func aliasesAreExpandedAsYAMLDefinesThem() throws {
        let text = "scenario: X\nvars:\n  a: &shared { x: 1 }\n  b: *shared\n" + Self.step
        let scenario = try ScenarioLoader.parse(text, file: "x.yml")
        #expect(scenario.vars.map(\.key) == ["a", "b"])
        #expect(scenario.vars[0].value == scenario.vars[1].value)
    }

    @Test func aBillionLaughsFileIsRejectedNotExpanded() {
        var text = "scenario: X\nvars:\n  l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n"
        for level in 1...9 {
            text +=
                "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let issues = T.issues(text + Self.step)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("too large") == true, "\(issues)")
    }

    @Test func nonUTF8FileIsRejected() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("latin1.yml")
        try Data([0x73, 0x63, 0x65, 0x6E, 0x3A, 0x20, 0xE9, 0xFF, 0xFE, 0x0A]).write(to: file)
        #expect {
            try ScenarioLoader.load(file: file.path)
        } throws: { error in
            guard let e = error as? SourceFileError, let issue = e.issues.first else { return false }
            return e.issues.count == 1 && issue.location == SourceLocation(file: file.path, line: 1, column: 1)
                && issue.message.contains("not UTF-8")
        }
    }

    @Test func missingFileIsRejected() {
        #expect {
            try ScenarioLoader.load(file: "/nonexistent/ronda/none.yml")
        } throws: { error in
            (error as? SourceFileError)?.issues.first?.message.contains("cannot read the file") == true
        }
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "   "])
    func emptyFile(_ text: String) {
        single(text, line: 1, column: 1, "empty")
    }

    @Test func deeplyNestedDocument() {
        let depth = 80
        let text =
            "scenario: X\nvars:\n  deep: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + "\n" + Self.step
        let issues = T.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("nests deeper than 64 levels") == true, "\(issues)")
        #expect(issues.first?.location.line == 3)
    }

    @Test func veryDeeplyNestedDocumentDoesNotCrash() {
        let depth = 5_000
        let text =
            "scenario: X\nvars:\n  deep: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + "\n" + Self.step
        let issues = T.issues(text)
        #expect(!issues.isEmpty)
        #expect(issues.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
    }

    @Test func severalProblemsAreAllReportedInOrder() {
        let text = """
            scenario: X
            priority: P9
            timeout: soon
            steps:
              - name: a
                get: /
                expect: { status: 42 }
              - get: /b
              - name: c
                post: /c
                json: {}
                form: {}
                nope: 1
            teardown:
              - name: d
                if: "a ="
                delete: /d
            """
        let issues = T.issues(text)
        #expect(issues.map(\.location.line) == [2, 3, 7, 8, 12, 13, 16], "\(issues)")
        #expect(issues.allSatisfy { $0.location.file == "bad.yml" && $0.location.column >= 1 && !$0.message.isEmpty })
        let all = issues.map(\.message).joined(separator: "\n")
        for word in [
            "priority", "duration", "status code", "name:", "one body", "unknown key 'nope'", "'=' is not an operator",
        ] {
            #expect(all.contains(word), "missing '\(word)' in:\n\(all)")
        }
        let error = SourceFileError(issues: issues)
        #expect(error.message.split(separator: "\n").count == issues.count)
        #expect(error.message.hasPrefix("bad.yml:2:11: "))
        #expect(error.description == "invalidFile: " + error.message)
    }
}
