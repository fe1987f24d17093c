import Foundation
import Testing

@testable import RondaCore

struct ExpectationCheckTests {
    static let body =
        #"{"id": 7, "name": "Ana María", "total": 12.5, "tags": ["a", "b"], "meta": {"x": 1}, "none": null, "code": "042"}"#

    func response(
        status: Int = 200,
        body: String = ExpectationCheckTests.body,
        headers: [(String, String)] = [("Content-Type", "application/json; charset=utf-8"), ("X-Count", "3")],
        duration: Double = 0.25
    ) -> ResponseView {
        ResponseView(
            status: status,
            headers: headers.map { (name: $0.0, value: $0.1) },
            body: Array(body.utf8),
            duration: duration,
            cookies: ["sessionid": "abc"]
        )
    }

    func context(_ vars: [String: JSONValue] = [:]) -> EvaluationContext {
        EvaluationContext(
            variables: ["expected_id": 7, "who": "Ana"].merging(vars) { _, n in n },
            environment: { _ in nil }
        )
    }

    /// One check of `actual` with `op` against an expected value written as JSON text.
    func holds(_ op: String, _ actual: String?, _ expected: String) throws -> Bool {
        var ctx = context()
        let matcher = Matcher([.compare(op, .value(JSONValue.parse(expected)!))])
        let results = try matcher.check(subject: "x", actual: actual.map { JSONValue.parse($0)! }, context: &ctx)
        return results.count == 1 && results[0].passed
    }

    @Test(arguments: [
        ("==", "7", "7", true), ("==", "7", "7.0", true), ("==", "\"7\"", "7", true), ("==", "7", "8", false),
        ("equals", "[1]", "[1]", true),
        ("!=", "7", "8", true), ("!=", "7", "7", false), ("<", "1", "2", true), ("<", "2", "2", false),
        ("<=", "2", "2", true),
        ("<=", "3", "2", false), (">", "3", "2", true), (">", "\"10\"", "\"9\"", true), (">", "\"abc\"", "1", false),
        (">=", "2", "2", true),
        (">=", "1", "2", false), ("contains", "\"Ana María\"", "\"María\"", true), ("contains", "[1, 2]", "3", false),
        ("contains", "{\"a\": 1}", "\"a\"", true), ("contains", "5", "5", false),
        ("not_contains", "\"abc\"", "\"z\"", true),
        ("not_contains", "\"abc\"", "\"b\"", false), ("matches", "\"A-123\"", "\"^[A-Z]-\\\\d+$\"", true),
        ("matches", "\"abc\"", "\"^b\"", false),
        ("matches", "\"abc\"", "\"(\"", false), ("in", "\"b\"", "[\"a\", \"b\"]", true),
        ("in", "\"c\"", "[\"a\", \"b\"]", false),
        ("in", "2", "[\"1\", \"2\"]", true), ("not_in", "\"c\"", "[\"a\"]", true),
        ("not_in", "\"a\"", "[\"a\"]", false), ("==", "null", "null", true),
        ("bogus", "1", "1", false),
    ])
    func operators(_ op: String, _ actual: String, _ expected: String, _ passes: Bool) throws {
        #expect(try holds(op, actual, expected) == passes, "\(actual) \(op) \(expected)")
    }

    @Test(arguments: [
        ("==", false), ("!=", true), ("<", false), ("contains", false), ("not_contains", true), ("in", false),
        ("not_in", true), ("matches", false),
    ])
    func absentValues(_ op: String, _ passes: Bool) throws {
        #expect(try holds(op, nil, "\"x\"") == passes, "absent \(op)")
    }

    @Test func statusSingleAndList() throws {
        var ctx = context()
        let one = try Expectation(status: [201]).check(response(status: 500), context: &ctx)
        #expect(one == [AssertionResult(subject: "status", op: "==", expected: "201", actual: "500", passed: false)])
        #expect(one[0].message == "expected status 201, got 500")
        let list = try Expectation(status: [200, 201]).check(response(status: 201), context: &ctx)
        #expect(
            list == [AssertionResult(subject: "status", op: "in", expected: "[200, 201]", actual: "201", passed: true)]
        )
        #expect(list[0].message == "expected status in [200, 201], got 201")
        #expect(try Expectation().check(response(), context: &ctx).isEmpty)
    }

    @Test func headers() throws {
        var ctx = context()
        let e = Expectation(headers: [
            ("content-type", Matcher([.compare("contains", .value("json"))])),
            ("X-Count", Matcher([.compare(">", .value(2))])),
            ("X-Missing", Matcher([.exists(false)])), ("X-Absent", Matcher([.compare("==", .value("x"))])),
            ("X-Count", Matcher([.exists(true), .type("string")])),
        ])
        let results = try e.check(response(), context: &ctx)
        #expect(results.map(\.passed) == [true, true, true, false, true, true])
        #expect(results[3].actual == "absent")
        #expect(results[3].subject == "header X-Absent")
        #expect(results[4].actual == "present ('3')")
    }

    @Test func lastHeaderValueWins() throws {
        var ctx = context()
        let r = response(headers: [("Set-Thing", "one"), ("set-thing", "two")])
        let results = try Expectation(headers: [("SET-THING", Matcher([.compare("==", .value("two"))]))]).check(
            r,
            context: &ctx
        )
        #expect(results.map(\.passed) == [true])
    }

    @Test func jsonPathsWithEveryKindOfCheck() throws {
        var ctx = context()
        func path(_ p: String) throws -> JSONPath { try JSONPath(parsing: p) }
        let e = Expectation(json: [
            (try path("$.id"), Matcher([.compare("==", .template(try Template(parsing: "{{ expected_id }}")))])),
            (try path("$.id"), Matcher([.exists(true), .type("integer"), .type("number")])),
            (try path("$.total"), Matcher([.type("integer")])),
            (try path("$.none"), Matcher([.exists(false), .type("null")])),
            (try path("$.missing"), Matcher([.exists(false), .type("string")])),
            (try path("$.name"), Matcher([.length(Matcher([.compare("==", .value(9))]))])),
            (try path("$.tags"), Matcher([.length(Matcher([.compare(">=", .value(2))])), .type("array")])),
            (try path("$.meta"), Matcher([.length(Matcher([.compare("==", .value(1))])), .type("object")])),
            (try path("$.id"), Matcher([.length(Matcher([.compare("==", .value(1))]))])),
            (try path("$.tags[*]"), Matcher([.compare("contains", .value("b"))])),
            (try path("$.code"), Matcher([.compare("==", .value(42)), .compare("matches", .value("^0"))])),
            (try path("$.name"), Matcher([.compare("contains", .template(try Template(parsing: "{{ who }}")))])),
        ])
        let results = try e.check(response(), context: &ctx)
        #expect(
            results.map(\.passed) == [
                true, true, true, true, false, false, true, true, false, true, true, true, true, true, false, true,
                true, true, true,
            ],
            "\(results.map(\.message))"
        )
        #expect(results.map(\.subject).first == "json $.id")
        #expect(results[4].actual == "number", "type integer of 12.5")
        #expect(results[5].actual == "present (null)", "an explicit null exists: it is there, with the value null")
        #expect(results[8].actual == "absent")
        #expect(results[9].subject == "length of json $.name")
        #expect(
            results[14].subject == "length of json $.id" && results[14].actual == "absent",
            "a number has no length"
        )
    }

    @Test func typeNamesOfEveryKind() throws {
        var ctx = context()
        let cases: [(JSONValue, String)] = [
            ("s", "string"), (1, "integer"), (1, "number"), (1.5, "number"), (true, "boolean"), ([], "array"),
            (.object([:]), "object"), (nil, "null"),
        ]
        for (value, type) in cases {
            #expect(
                try Matcher([.type(type)]).check(subject: "v", actual: value, context: &ctx).allSatisfy { $0.passed },
                "\(value) is \(type)"
            )
        }
        #expect(try !Matcher([.type("integer")]).check(subject: "v", actual: 1.5, context: &ctx)[0].passed)
        #expect(try !Matcher([.type("string")]).check(subject: "v", actual: nil, context: &ctx)[0].passed)
    }

    @Test func nonJSONBody() throws {
        var ctx = context()
        let e = Expectation(
            json: [(try JSONPath(parsing: "$.id"), Matcher([.exists(true)]))],
            body: Matcher([.compare("contains", .value("Error"))]),
            schema: ["type": "object"]
        )
        let results = try e.check(response(status: 500, body: "<html>Server Error\nline two</html>"), context: &ctx)
        #expect(results.map(\.passed) == [false, false, true])
        #expect(results[0].expected == "a JSON body")
        #expect(results[0].actual.contains("not JSON") && results[0].actual.contains("Server Error line two"))
        #expect(results[1].op == "schema")
        #expect(results[2].subject == "body")
    }

    @Test func schemaChecks() throws {
        var ctx = context()
        let schema: JSONValue = [
            "type": "object", "required": ["id", "name"],
            "properties": ["id": ["type": "integer"], "name": ["type": "string"]],
        ]
        let ok = try Expectation(schema: schema).check(response(), context: &ctx)
        #expect(ok.count == 1 && ok[0].passed && ok[0].actual == "valid")
        let bad = try Expectation(schema: ["type": "object", "required": ["nope"]]).check(response(), context: &ctx)
        #expect(bad.count == 1 && !bad[0].passed)
        #expect(bad[0].actual.contains("nope"), "\(bad[0].actual)")
        let inMatcher = try Matcher([.schema(["type": "array", "items": ["type": "string"]])]).check(
            subject: "json $.tags",
            actual: ["a", 1],
            context: &ctx
        )
        #expect(inMatcher.count == 1 && !inMatcher[0].passed)
    }

    @Test func responseTimeInMilliseconds() throws {
        var ctx = context()
        let e = Expectation(
            responseTime: Matcher([.compare("<", .value(.double(500))), .compare(">=", .value(.double(250)))])
        )
        let fast = try e.check(response(duration: 0.25), context: &ctx)
        #expect(fast.map(\.passed) == [true, true])
        #expect(fast[0].subject == "response time (ms)" && fast[0].actual == "250")
        let slow = try e.check(response(duration: 1.2), context: &ctx)
        #expect(slow.map(\.passed) == [false, true])
        #expect(slow[0].message == "expected response time (ms) < 500, got 1200")
    }

    @Test func thatConditionsSeeTheResponse() throws {
        var ctx = context(["status": "shadowed"])
        let conditions = try [
            "status == 200", "json.tags[1] == 'b'", "headers['x-count'] == '3'", "body contains 'María'",
            "duration < 1000", "json.id == expected_id", "status == 404",
        ]
        .map { Expectation.Condition(try ExpressionParser.parse($0), source: $0) }
        let results = try Expectation(conditions: conditions).check(response(), context: &ctx)
        #expect(results.map(\.passed) == [true, true, true, true, true, true, false])
        #expect(
            results.last
                == AssertionResult(subject: "status == 404", op: "is", expected: "true", actual: "false", passed: false)
        )
        #expect(ctx.variables["status"] == "shadowed", "response variables do not leak into the scenario")
        #expect(ctx.variables["json"] == nil)
    }

    @Test func templateErrorsThrow() throws {
        var ctx = context()
        let e = Expectation(json: [
            (
                try JSONPath(parsing: "$.id"),
                Matcher([.compare("==", .template(try Template(parsing: "{{ missing }}")))])
            )
        ])
        #expect(throws: EvaluationError.self) { try e.check(response(), context: &ctx) }
        let that = Expectation(conditions: [
            Expectation.Condition(try ExpressionParser.parse("nope > 1"), source: "nope > 1")
        ])
        #expect(throws: EvaluationError.self) { try that.check(response(), context: &ctx) }
        #expect(ctx.variables["body"] == nil, "variables are restored after a failing condition")
    }

    @Test func loadedExpectationsCheckEndToEnd() throws {
        let scenario = try CoreTestSupport.load(
            """
            scenario: E
            steps:
              - name: a
                get: /
                expect:
                  status: [200, 201]
                  headers: { Content-Type: { contains: json } }
                  json:
                    "$.id": "{{ expected_id }}"
                    "$.tags": { length: 2, contains: a }
                    "$.total": { ">": 10, "<=": 12.5 }
                    "$.name": { matches: "^Ana" }
                  body: { not_contains: Exception }
                  response_time: { "<": 1s }
                  that: "json.meta.x == 1"
            """
        )
        var ctx = context()
        let results = try scenario.steps[0].expect.check(response(), context: &ctx)
        #expect(results.count == 11)
        #expect(results.allSatisfy { $0.passed }, "\(results.filter { !$0.passed }.map(\.message))")
        let failing = try scenario.steps[0].expect.check(response(status: 404, duration: 2), context: &ctx)
        #expect(failing.filter { !$0.passed }.map(\.subject) == ["status", "response time (ms)"])
    }

    @Test func longValuesAreExcerpted() throws {
        var ctx = context()
        let long = String(repeating: "x", count: 500)
        let r = try Matcher([.compare("==", .value("y"))]).check(subject: "body", actual: .string(long), context: &ctx)
        #expect(r[0].actual.count < 130 && r[0].actual.hasSuffix("…'"))
    }
}
