import Foundation
import Testing

@testable import RondaCore

/// The scenario language's rules from issue 9: escapes and raw strings, strict equality,
/// `type()` and `has()`, `exists` on null, integers written as 2.0, named checks.
struct LangExpressionTests {
    func evaluate(_ text: String, _ variables: [String: JSONValue] = [:]) throws -> JSONValue {
        var context = EvaluationContext(variables: variables, environment: { _ in nil })
        return try context.evaluate(try ExpressionParser.parse(text))
    }

    func syntaxError(_ text: String) -> ExpressionSyntaxError? {
        do {
            _ = try ExpressionParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func knownEscapesMeanWhatTheDocsSay() throws {
        #expect(try evaluate(#"'a\'b'"#) == "a'b")
        #expect(try evaluate(#""say \"hi\"""#) == #"say "hi""#)
        #expect(try evaluate(#"'back\\slash'"#) == #"back\slash"#)
        #expect(try evaluate(#"'1\n2\t3\r'"#) == "1\n2\t3\r")
        #expect(try evaluate(#"'caf\u00e9'"#) == "café")
    }

    @Test func anUnknownEscapeIsAnErrorAtTheBackslash() throws {
        let error = try #require(syntaxError(#"x matches "^\d$""#))
        #expect(error.offset == 12)
        #expect(error.message.contains(#"unknown escape '\d'"#), "\(error.message)")
        #expect(error.message.contains("r'"), "the message points to raw strings")
        #expect(syntaxError(#"'\u12'"#) != nil, "\\u needs four hex digits")
        #expect(syntaxError(#"'unterminated\'"#)?.message.contains("unterminated") == true)
    }

    @Test func rawStringsKeepBackslashes() throws {
        #expect(try evaluate(#"r'^\d+$'"#) == #"^\d+$"#)
        #expect(try evaluate(#"r'a\'"#) == #"a\"#, "a raw string ends at its quote")
        #expect(try evaluate(#"'123' matches r'^\d+$'"#) == true)
        #expect(try evaluate(#"'12a' matches r'^\d+$'"#) == false)
        #expect(try evaluate("r + 1", ["r": 2]) == 3, "a variable named r still works")
        #expect(syntaxError("r'open")?.message.contains("unterminated") == true)
    }

    @Test func looseAndStrictEquality() throws {
        #expect(try evaluate(#""3" == 3"#) == true)
        #expect(try evaluate(#""3" === 3"#) == false)
        #expect(try evaluate(#""3" !== 3"#) == true)
        #expect(try evaluate("2 === 2.0") == true, "one JSON number type")
        #expect(try evaluate("x === [1, 'a']", ["x": [1, "a"]]) == true)
        #expect(try evaluate("x === ['1', 'a']", ["x": [1, "a"]]) == false)
        #expect(try evaluate("o === p", ["o": ["a": 1], "p": ["a": "1"]]) == false)
        #expect(try evaluate("o === p", ["o": ["a": 1], "p": ["a": 1.0]]) == true)
        #expect(try evaluate("null === null") == true)
        #expect(try evaluate("null !== 0") == true)
        #expect(try evaluate("true === 1") == false)
    }

    @Test func typeAndHas() throws {
        let object: JSONValue = ["a": .null, "b": 1]
        #expect(try evaluate("type(2)") == "integer")
        #expect(try evaluate("type(2.0)") == "integer", "JSON Schema's rule")
        #expect(try evaluate("type(2.5)") == "number")
        #expect(try evaluate("type('2')") == "string")
        #expect(try evaluate("type(null)") == "null")
        #expect(try evaluate("type([])") == "array")
        #expect(try evaluate("type(o)", ["o": object]) == "object")
        #expect(try evaluate("type(true)") == "boolean")
        #expect(try evaluate("has(o, 'a')", ["o": object]) == true, "present with the value null")
        #expect(try evaluate("has(o, 'c')", ["o": object]) == false)
        #expect(try evaluate("has(o.missing, 'a')", ["o": object]) == false, "has() of null is false")
        #expect(try evaluate("o contains 'a'", ["o": object]) == true, "contains on an object looks for a key")
        #expect(throws: EvaluationError.self) { try evaluate("has([1], 'a')") }
        #expect(throws: EvaluationError.self) { try evaluate("type()") }
    }

    @Test func existsHoldsForNullAndMessagesTellNullFromAbsent() throws {
        var context = EvaluationContext()
        let exists = Matcher([.exists(true)])
        let null = try exists.check(subject: "json $.note", actual: .null, context: &context)
        #expect(null.map(\.passed) == [true])
        #expect(null[0].actual == "present (null)")
        let absent = try exists.check(subject: "json $.note", actual: nil, context: &context)
        #expect(absent.map(\.passed) == [false])
        #expect(absent[0].message == "expected json $.note exists true, got absent")
        let equal = Matcher([.compare("==", .value(5))])
        #expect(
            try equal.check(subject: "json $.n", actual: .null, context: &context)[0].message
                == "expected json $.n 5, got null"
        )
        #expect(
            try equal.check(subject: "json $.n", actual: nil, context: &context)[0].message
                == "expected json $.n 5, got absent"
        )
        let type = try Matcher([.type("null")]).check(subject: "json $.n", actual: nil, context: &context)
        #expect(type[0].actual == "absent" && !type[0].passed)
    }

    @Test func typeIntegerAcceptsWholeNumbersAsTheSchemaDoes() throws {
        var context = EvaluationContext()
        for (value, integer) in [
            (JSONValue.double(2.0), true), (.int(2), true), (.double(2.5), false), (.string("2"), false),
        ] {
            let matcher = try Matcher([.type("integer")]).check(subject: "v", actual: value, context: &context)
            let schema = Matcher.schemaResult(subject: "v", schema: ["type": "integer"], actual: value)
            #expect(matcher[0].passed == integer, "\(value)")
            #expect(schema.passed == matcher[0].passed, "type: integer and schema {type: integer} agree on \(value)")
        }
        #expect(try Matcher([.type("number")]).check(subject: "v", actual: .double(2.0), context: &context)[0].passed)
    }

    @Test func strictOperatorsInMatchers() throws {
        var context = EvaluationContext()
        let strict = Matcher([.compare("===", .value(3))])
        #expect(try strict.check(subject: "v", actual: .string("3"), context: &context)[0].passed == false)
        #expect(try strict.check(subject: "v", actual: .int(3), context: &context)[0].passed == true)
        #expect(try Matcher([.compare("!==", .value(3))]).check(subject: "v", actual: nil, context: &context)[0].passed)
    }

    @Test func namedChecksCarryTheirNameIntoResultsAndMessages() throws {
        let scenario = try CoreTestSupport.load(
            """
            scenario: N
            steps:
              - name: a
                get: /
                expect:
                  json:
                    $.total: { "==": 3, name: total is three }
                    $.user: { name: Ana }
                  that:
                    - "status == 200"
                    - { total positive: "json.total > 0" }
            """
        )
        let expect = scenario.steps[0].expect
        #expect(expect.json[0].matcher.name == "total is three")
        #expect(
            expect.json[1].matcher
                == Matcher([.compare("==", .object([TemplateField(key: "name", value: .value("Ana"))]))]),
            "{name: …} alone is an expected object"
        )
        #expect(expect.conditions.map(\.name) == [nil, "total positive"])
        var context = EvaluationContext()
        let response = ResponseView(
            status: 200,
            headers: [],
            body: Array(#"{"total":-2,"user":{"name":"Ana"}}"#.utf8),
            duration: 0
        )
        let results = try expect.check(response, context: &context)
        let failed = results.filter { !$0.passed }
        #expect(
            failed.map(\.message) == [
                "total is three: expected json $.total 3, got -2",
                "total positive: expected json.total > 0 is true, got false",
            ]
        )
        let decoded = try JSONDecoder().decode(AssertionResult.self, from: JSONEncoder().encode(failed[0]))
        #expect(decoded.name == "total is three", "stored results keep the name")
    }

    @Test func aNamedCheckNeedsAnOperatorAndANonEmptyName() {
        let text = "scenario: N\nsteps:\n  - name: a\n    get: /\n    expect: { json: { $.a: { '>': 1, name: '' } } }\n"
        #expect(CoreTestSupport.issues(text).contains { $0.message.contains("must not be empty") })
    }
}
