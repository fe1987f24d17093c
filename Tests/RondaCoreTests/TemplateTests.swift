import Foundation
import Testing

@testable import RondaCore

struct TemplateTests {
    static let patient: JSONValue = ["first_name": "Ana", "identification": "1012345678", "age": 30]

    func context(
        _ vars: [String: JSONValue] = [:],
        strict: Bool = true,
        env: [String: String] = [:]
    ) -> EvaluationContext {
        EvaluationContext(
            variables: [
                "patient": Self.patient, "count": 3, "ratio": 1.5, "items": [1, 2], "nothing": .null, "flag": true,
            ]
            .merging(vars) { _, new in new },
            environment: { env[$0] },
            fake: FakeData(
                seed: 1,
                today: Date(timeIntervalSince1970: 1_768_575_600),
                timeZone: TimeZone(identifier: "UTC")!
            ),
            strict: strict
        )
    }

    func render(_ text: String, strict: Bool = true, env: [String: String] = [:]) throws -> JSONValue {
        var ctx = context(strict: strict, env: env)
        return try Template(parsing: text).render(in: &ctx)
    }

    @Test(arguments: [
        ("{{ patient }}", #"{"first_name": "Ana", "identification": "1012345678", "age": 30}"#), ("{{ count }}", "3"),
        ("{{ ratio }}", "1.5"),
        ("{{ items }}", "[1, 2]"), ("{{ nothing }}", "null"), ("{{ flag }}", "true"), ("  {{ count }}  ", #""  3  ""#),
        ("{{count}}", "3"),
        ("{{ count + 1 }}", "4"), ("{{ 'a' }}", #""a""#),
    ])
    func singleExpressionRendersTheRawValue(_ text: String, _ expected: String) throws {
        #expect(try render(text) == JSONValue.parse(expected), "\(text)")
    }

    @Test(arguments: [
        ("id-{{ count }}", "id-3"), ("{{ patient.first_name }} ({{ patient.age }})", "Ana (30)"),
        ("{{ count }}{{ count }}", "33"),
        ("x={{ nothing }}.", "x=."), ("{{ flag }}/{{ ratio }}", "true/1.5"),
        ("p: {{ patient }}", #"p: {"age":30,"first_name":"Ana","identification":"1012345678"}"#),
        ("list {{ items }}", "list [1,2]"), ("/a/{{ count * 2 }}/b/{{ 'x' + count }}", "/a/6/b/x3"),
        ("no braces", "no braces"),
        ("a }} b", "a }} b"), ("{{ 2.0 }}|{{ 0.5 }}", "2|0.5"),
    ])
    func mixedTextInterpolates(_ text: String, _ expected: String) throws {
        #expect(try render(text) == .string(expected), "\(text)")
        var ctx = context()
        #expect(try Template(parsing: text).renderString(in: &ctx) == expected)
    }

    @Test func renderStringOfASingleExpressionInterpolates() throws {
        var ctx = context()
        #expect(try Template(parsing: "{{ patient }}").renderString(in: &ctx) == Self.patient.jsonText())
        #expect(try Template(parsing: "{{ nothing }}").renderString(in: &ctx) == "")
    }

    @Test func literalTemplates() throws {
        var ctx = context()
        let literal = Template(literal: "/plain/path")
        #expect(literal.isLiteral)
        #expect(literal.source == "/plain/path" && literal.description == "/plain/path")
        #expect(try literal.render(in: &ctx) == "/plain/path")
        #expect(try Template(literal: "").render(in: &ctx) == "")
        #expect(try Template(parsing: "").render(in: &ctx) == "")
        #expect(Template(literal: "{{ not parsed }}").variables.isEmpty)
        #expect(try Template(literal: "{{ x }}").render(in: &ctx) == "{{ x }}")
        #expect(try Template(parsing: "plain").isLiteral)
        #expect(try !Template(parsing: "a{{ b }}").isLiteral)
    }

    @Test func environmentAndFakeInTemplates() throws {
        var ctx = context(env: ["TOKEN": "t0k"])
        #expect(try Template(parsing: "Bearer {{ env.TOKEN }}").render(in: &ctx) == "Bearer t0k")
        #expect(ctx.secretValues == ["t0k"])
        let id = try Template(parsing: "{{ fake.patient.identification }}").render(in: &ctx)
        #expect(id.stringValue?.count == 10)
        let patient = try Template(parsing: "{{ fake.patient }}").render(in: &ctx)
        #expect(patient.objectValue?["first_name"] != nil)
    }

    @Test func evaluationErrorsNameTheExpression() throws {
        var ctx = context()
        #expect {
            try Template(parsing: "/x/{{ missing.id }}").render(in: &ctx)
        } throws: { error in
            guard let e = error as? EvaluationError else { return false }
            return e.code == .unknownVariable && e.message.hasPrefix("in {{ missing.id }}: ")
                && e.message.contains("'missing'")
        }
        #expect {
            try Template(parsing: "{{ env.NOPE }}").render(in: &ctx)
        } throws: { ($0 as? EvaluationError)?.code == .missingEnvironment }
        var lax = context(strict: false)
        #expect(try Template(parsing: "[{{ missing }}]").render(in: &lax) == "[]")
    }

    @Test(arguments: [
        ("abc {{ x", 4, "'{{' is not closed"), ("{{ }}", 0, "empty '{{ }}'"), ("ab{{}}", 2, "empty"),
        ("{{ a = b }}", 5, "'=' is not an operator"),
        ("ab{{ a == }}", 10, "expected a value"), ("{{ a }} and {{ b = c }}", 17, "'=' is not an operator"),
        ("ñ{{ a = b }}", 6, "'='"),
        ("{{ 'x }}", 3, "unterminated string"), ("{{ a }} {{", 8, "not closed"),
        ("{{ {{ a }} }}", 3, "unexpected character '{'"),
        ("{{ 1e3 }}", 4, "unexpected 'e3'"),
    ])
    func syntaxErrorsHaveOffsets(_ text: String, _ offset: Int, _ message: String) {
        #expect {
            try Template(parsing: text)
        } throws: { error in
            guard let e = error as? ExpressionSyntaxError else { return false }
            if e.offset != offset || !e.message.contains(message) {
                Issue.record("\(text): offset \(e.offset) '\(e.message)'")
            }
            return true
        }
    }

    @Test func offsetsCountCharactersAcrossCombiningMarks() {
        // "e\u{301}" is one character but two unicode scalars: the offset is documented in characters.
        let text = "{{ 'e\u{301}' = 1 }}"
        #expect {
            try Template(parsing: text)
        } throws: { error in
            guard let e = error as? ExpressionSyntaxError else { return false }
            let index = text.index(text.startIndex, offsetBy: e.offset, limitedBy: text.endIndex)
            #expect(index.map { text[$0] } == "=", "offset \(e.offset) does not point at '='")
            return true
        }
    }

    @Test func variablesAndEnvironmentNames() throws {
        let t = try Template(
            parsing:
                "{{ a.b }}/{{ c[d] }}/{{ env.SECRET }}/{{ fake.name }}/{{ length(e) + fake.int(f, 3) }}/{{ 'lit' }}/{{ env.OTHER }}"
        )
        #expect(t.variables == ["a", "c", "d", "e", "f"])
        #expect(t.environmentNames == ["SECRET", "OTHER"])
        #expect(try Template(parsing: "plain").variables.isEmpty)
        #expect(try Template(parsing: "plain").environmentNames.isEmpty)
    }

    @Test func templateValuesRenderDeeply() throws {
        let value = TemplateValue.object([
            TemplateField(key: "name", value: .template(try Template(parsing: "{{ patient.first_name }}"))),
            TemplateField(key: "n", value: .value(7)),
            TemplateField(
                key: "list",
                value: .array([
                    .template(try Template(parsing: "{{ count }}")), .value("x"),
                    .template(try Template(parsing: "#{{ count }}")),
                ])
            ),
            TemplateField(key: "who", value: .template(try Template(parsing: "{{ patient }}"))),
        ])
        var ctx = context()
        #expect(try value.render(in: &ctx) == ["name": "Ana", "n": 7, "list": [3, "x", "#3"], "who": Self.patient])
        #expect(
            value.templates.map(\.source) == [
                "{{ patient.first_name }}", "{{ count }}", "#{{ count }}", "{{ patient }}",
            ]
        )
        #expect(TemplateValue.value(1).templates.isEmpty)
    }

    @Test func templatesAreValuesComparedBySource() throws {
        #expect(try Template(parsing: "{{ a }}") == Template(parsing: "{{ a }}"))
        #expect(try Template(parsing: "{{ a }}") != Template(parsing: "{{a}}"))
    }
}
