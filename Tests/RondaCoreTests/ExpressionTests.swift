import Foundation
import Testing

@testable import RondaCore

struct ExpressionTests {
    static let today = Date(timeIntervalSince1970: 1_768_575_600)  // Friday 2026-01-16
    static let big = JSONValue.int(Int.max)
    static let vars: [String: JSONValue] = [
        "obj": ["a": ["b": 7], "name": "Ana"], "items": [["id": 1], ["id": 2], ["id": 3]], "big": big,
        "small": .int(Int.min + 1),
        "nothing": .null, "text": "hello", "n": 5,
    ]

    func context(
        _ extra: [String: JSONValue] = [:],
        strict: Bool = true,
        env: [String: String] = [:],
        fakeSeed: UInt64? = 7
    ) -> EvaluationContext {
        EvaluationContext(
            variables: Self.vars.merging(extra) { _, new in new },
            environment: { env[$0] },
            fake: fakeSeed.map { FakeData(seed: $0, today: Self.today, timeZone: TimeZone(identifier: "UTC")!) },
            strict: strict
        )
    }

    func eval(_ text: String, _ extra: [String: JSONValue] = [:], strict: Bool = true) throws -> JSONValue {
        var ctx = context(extra, strict: strict)
        return try ctx.evaluate(ExpressionParser.parse(text))
    }

    func evalError(
        _ text: String,
        strict: Bool = true,
        env: [String: String] = [:],
        fakeSeed: UInt64? = 7
    ) -> EvaluationError? {
        var ctx = context(strict: strict, env: env, fakeSeed: fakeSeed)
        do {
            let value = try ctx.evaluate(ExpressionParser.parse(text))
            Issue.record("expected '\(text)' to fail, got \(value)")
        } catch let error as EvaluationError {
            return error
        } catch {
            Issue.record("expected an evaluation error for '\(text)', got \(error)")
        }
        return nil
    }

    /// Expected values are written as JSON text: `7` is an int, `7.0` a double.
    static func json(_ text: String) -> JSONValue { JSONValue.parse(text) ?? .string("<invalid JSON: \(text)>") }

    @Test(arguments: [
        ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("10 - 2 - 3", "5"), ("2 * 3 % 4", "2"), ("-2 * 3", "-6"),
        ("- -2", "2"),
        ("1 + 2 == 3 and 2 < 3", "true"), ("true or false and false", "true"), ("(true or false) and false", "false"),
        ("not true or true", "true"), ("not (true or true)", "false"), ("!false && true", "true"),
        ("false || !false", "true"),
        ("not 1 == 2", "true"), ("'a' + 'b' == 'ab'", "true"), ("2 + 3 in [5]", "true"), ("[1, 2][1]", "2"),
        ("obj.a.b", "7"),
        ("obj['name']", "\"Ana\""), ("items[0].id", "1"), ("items[-1].id", "3"), ("items[10]", "null"),
        ("items[1]['id'] * 10", "20"),
        ("obj.a.nope", "null"), ("nothing.x", "null"), ("nothing[0]", "null"), ("1.5 + 1", "2.5"),
        ("'x' + 1 + 2", "\"x12\""),
    ])
    func precedenceAndAccess(_ text: String, _ expected: String) throws {
        #expect(try eval(text) == Self.json(expected), "\(text)")
    }

    @Test func andOrShortCircuit() throws {
        #expect(try eval("false and missing") == false)
        #expect(try eval("true or missing") == true)
        #expect(try eval("nothing != null and nothing.x > 1") == false)
        #expect(try eval("obj and obj.a.b == 7") == true)
        #expect(evalError("true and missing")?.code == .unknownVariable)
        #expect(evalError("false or missing")?.code == .unknownVariable)
        #expect(try eval("false and 1 / 0") == false)
    }

    @Test(arguments: [
        ("'10' > '9'", true), ("'abc' < 'abd'", true), ("'b' >= 'a'", true), ("'10' == 10", true),
        ("10 == ' 10 '", true),
        ("1 == 1.0", true), ("'1e3' == 1000", true), ("'x' == 1", false), ("null == null", true), ("null != 0", true),
        ("[1, 2] == [1, 2.0]", true), ("'5' < 6", true), ("2.5 >= 2", true), ("3 <= 3", true), ("true == 1", false),
        ("'' == null", false), ("obj == obj", true), ("3 != '3'", false), ("-1 < 0", true),
    ])
    func comparisons(_ text: String, _ expected: Bool) throws {
        #expect(try eval(text) == .bool(expected), "\(text)")
    }

    @Test(arguments: ["'a' < 1", "null < 1", "[1] > 0", "obj >= 1", "true < false"])
    func comparisonTypeMismatch(_ text: String) {
        let error = evalError(text)
        #expect(error?.code == .typeMismatch)
        #expect(error?.message.contains("cannot compare") == true)
    }

    @Test(arguments: [
        ("'hello' contains 'ell'", true), ("[1, 2, 3] contains 2", true), ("[1, 2, 3] contains '2'", true),
        ("obj contains 'a'", true),
        ("obj contains 'zz'", false), ("nothing contains 'x'", false), ("'abc' not contains 'z'", true),
        ("2 in [1, 2]", true),
        ("'ell' in 'hello'", true), ("'x' not in ['a']", true), ("'x' in ['a']", false),
        ("'abc' matches '^a.c$'", true),
        ("'abc' not matches 'z'", true), ("123 matches '^[0-9]+$'", true), ("'ABC' matches 'b'", false),
        ("'name' in obj", true),
    ])
    func containsMatchesIn(_ text: String, _ expected: Bool) throws {
        #expect(try eval(text) == .bool(expected), "\(text)")
    }

    @Test func containsMatchesErrors() {
        #expect(evalError("5 contains 1")?.code == .typeMismatch)
        #expect(evalError("'a' matches 1")?.code == .typeMismatch)
        let regex = evalError("'a' matches '('")
        #expect(regex?.code == .invalidArgument)
        #expect(regex?.message.contains("invalid regular expression") == true)
    }

    @Test(arguments: [
        ("big + 1", "9223372036854775808"), ("big * 2", "18446744073709551614"), ("small - 2", "-9223372036854775809"),
        ("big - 1", "9223372036854775806"), ("7 / 2", "3.5"), ("6 / 3", "2"), ("-7 / 7", "-1"), ("7 % 3", "1"),
        ("-7 % 3", "-1"),
        ("7.5 % 2", "1.5"), ("'a' + 1", "\"a1\""), ("1 + 'a'", "\"1a\""), ("[1] + [2]", "[1, 2]"), ("'3' * 2", "6.0"),
        ("0.5 * 3", "1.5"), ("-n", "-5"), ("-(1.5)", "-1.5"), ("big + 0", "9223372036854775807"),
        ("9223372036854775808", "9223372036854775808"),
    ])
    func arithmetic(_ text: String, _ expected: String) throws {
        let value = try eval(text)
        #expect(value == Self.json(expected), "\(text) = \(value)")
    }

    @Test func integerOverflowBecomesDoubleNotACrash() throws {
        #expect(try eval("big + big") == .double(Double(Int.max) * 2))
        #expect(try eval("sum([big, big, 1])").number! > 1.8e19)
        #expect(try eval("small % -1") == 0)
    }

    @Test(arguments: [
        ("1 / 0", "division by zero"), ("1 % 0", "remainder by zero"), ("1.5 / 0", "division by zero"),
        ("1 / 0.0", "division by zero"), ("2.5 % 0", "remainder by zero"),
    ])
    func divisionByZero(_ text: String, _ message: String) {
        let error = evalError(text)
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == message)
    }

    @Test(arguments: ["true + 1", "nothing + 1", "obj * 2", "-'a'", "[1] - [1]"])
    func arithmeticTypeMismatch(_ text: String) {
        #expect(evalError(text)?.code == .typeMismatch)
    }

    @Test
    func minIntDividedByMinusOne() throws {
        #expect(try eval("(small - 1) / -1") == .double(-Double(Int.min)))
    }

    @Test
    func negatingMinInt() throws {
        #expect(try eval("-(small - 1)") == .double(-Double(Int.min)))
    }

    @Test
    func fakeDateWithMinIntOffset() {
        #expect(evalError("fake.date(small - 1)")?.code == .fakeData)
    }

    @Test(arguments: [
        ("length('abc')", "3"), ("length(items)", "3"), ("length(obj)", "2"), ("length(nothing)", "0"),
        ("length('ñandú')", "5"),
        ("lower('AbC')", "\"abc\""), ("upper('abc')", "\"ABC\""), ("trim('  a \\n')", "\"a\""),
        ("string(12)", "\"12\""),
        ("string(nothing)", "\"\""), ("string([1])", "\"[1]\""), ("int(3.9)", "3"), ("int('42')", "42"),
        ("int(-2.5)", "-2"),
        ("number('2.5')", "2.5"), ("number(2)", "2.0"), ("round(2.5)", "3"), ("round(-2.5)", "-3"),
        ("round(1.2345, 2)", "1.23"),
        ("abs(-3)", "3"), ("abs(-2.5)", "2.5"), ("min(3, 1, 2)", "1"), ("max([1, 5, 2])", "5"),
        ("min('b', 'a')", "\"a\""),
        ("sum([1, 2, 3])", "6"), ("sum([1, 2.5])", "3.5"), ("sum([])", "0"), ("first([1, 2])", "1"),
        ("last([1, 2])", "2"),
        ("first([])", "null"), ("keys(obj)", "[\"a\", \"name\"]"), ("join(['a', 'b'], '-')", "\"a-b\""),
        ("join([1, 2])", "\"1,2\""),
        ("split('a,b', ',')", "[\"a\", \"b\"]"), ("replace('aXbX', 'X', '-')", "\"a-b-\""),
        ("starts_with('hello', 'he')", "true"),
        ("ends_with('hello', 'lo')", "true"), ("ends_with('hello', 'he')", "false"), ("default(nothing, 'x')", "\"x\""),
        ("default('', 'x')", "\"x\""), ("default('v', 'x')", "\"v\""), ("default(0, 'x')", "0"),
        ("json(obj)", #""{\"a\":{\"b\":7},\"name\":\"Ana\"}""#), ("parse_json('{\"a\": [1]}')", #"{"a": [1]}"#),
        ("base64('hi')", "\"aGk=\""), ("base64_decode('aGk=')", "\"hi\""),
        ("url_encode('a b&c/d~e')", "\"a%20b%26c%2Fd~e\""),
        ("sha256('abc')", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""),
        (
            "hmac_sha256('key', 'The quick brown fox jumps over the lazy dog')",
            "\"f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8\""
        ),
    ])
    func builtInFunctions(_ text: String, _ expected: String) throws {
        let value = try eval(text)
        #expect(value == Self.json(expected), "\(text) = \(value)")
    }

    @Test func urlEncodePercentEncodesNonASCII() throws {
        #expect(try eval("url_encode('café ñ')") == "caf%C3%A9%20%C3%B1")
    }

    @Test func clockAndRandomFunctions() throws {
        let now = try #require(try eval("now()").stringValue)
        #expect(now.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) != nil, "\(now)")
        guard case .int(let ts) = try eval("timestamp()") else {
            Issue.record("timestamp() is not an int")
            return
        }
        #expect(abs(Double(ts) - Date().timeIntervalSince1970) < 5)
        let a = try #require(try eval("uuid()").stringValue)
        #expect(
            a.range(of: #"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#, options: .regularExpression)
                != nil
        )
        #expect(try eval("uuid()") != .string(a))
    }

    @Test(arguments: [
        ("length(1)", EvaluationError.Code.typeMismatch, "length() needs"),
        ("length()", .invalidArgument, "length() takes 1 argument, got 0"),
        ("int('x')", .typeMismatch, "int() needs a number"),
        ("int(10000000000000000000)", .invalidArgument, "out of range"), ("abs('x')", .typeMismatch, "abs()"),
        ("min([])", .invalidArgument, "min() of nothing"), ("max(1, 'x')", .typeMismatch, "cannot compare"),
        ("sum('x')", .typeMismatch, "needs a list"),
        ("keys(1)", .typeMismatch, "keys() needs an object"),
        ("split('a', '')", .invalidArgument, "non-empty separator"),
        ("parse_json('nope')", .invalidArgument, "not valid JSON"),
        ("base64_decode('!!')", .invalidArgument, "not base64"),
        ("replace('a', 'b')", .invalidArgument, "replace() takes 3 arguments, got 2"),
        ("now(1)", .invalidArgument, "now() takes 0 arguments"),
        ("round(1, 2, 3)", .invalidArgument, "1 to 2 arguments"),
        ("nope(1)", .unknownFunction, "unknown function 'nope()'"),
        ("obj.method()", .unknownFunction, "unknown function 'obj.method()'"),
    ])
    func functionErrors(_ text: String, _ code: EvaluationError.Code, _ message: String) {
        let error = evalError(text)
        #expect(error?.code == code, "\(text): \(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(text): \(String(describing: error))")
    }

    @Test func everyCataloguedFunctionExists() {
        for (name, summary) in Functions.catalogue {
            #expect(!summary.isEmpty)
            for arity in 0...3 {
                do { _ = try Functions.call(name, Array(repeating: .string("1"), count: arity)) } catch {
                    #expect(error.code != .unknownFunction, "\(name)/\(arity): \(error)")
                }
            }
        }
        #expect(Functions.names.count == Functions.catalogue.count)
    }

    @Test func unknownVariableStrictAndNonStrict() throws {
        let error = evalError("missing_capture == null")
        #expect(error?.code == .unknownVariable)
        #expect(error?.message.contains("'missing_capture'") == true)
        #expect(try eval("missing_capture == null", strict: false) == true)
        #expect(try eval("missing_capture.x", strict: false) == nil)
        #expect(try eval("missing_capture[0]", strict: false) == nil)
        #expect(try eval("length(missing_capture)", strict: false) == 0)
        #expect(evalError("env")?.code == .invalidArgument)
        #expect(evalError("fake")?.code == .invalidArgument)
        #expect(evalError("[1]['a']")?.code == .typeMismatch)
        #expect(evalError("'abc'[0]")?.code == .typeMismatch)
    }

    @Test func environmentReadsAreRecordedAsSecrets() throws {
        var ctx = context(env: ["API_KEY": "s3cret", "EMPTY": "", "USER": "ana"])
        #expect(try ctx.evaluate(ExpressionParser.parse("'Bearer ' + env.API_KEY")) == "Bearer s3cret")
        #expect(try ctx.evaluate(ExpressionParser.parse("env.EMPTY")) == "")
        #expect(ctx.secretValues == ["s3cret"], "empty values are not secrets")
        #expect(try ctx.isTrue(ExpressionParser.parse("env.USER == 'ana'")))
        #expect(ctx.secretValues == ["s3cret", "ana"])
        ctx.addSecrets(["", "pw"])
        #expect(ctx.secretValues == ["s3cret", "ana", "pw"])
        #expect(try ExpressionParser.parse("env.A + env.B + x").environmentNames == ["A", "B"])
        #expect(try ExpressionParser.parse("env.A + env.B + x").variables == ["x"])
    }

    @Test func missingEnvironmentVariableIsNamed() {
        let error = evalError("env.STRIPE_WEBHOOK_SECRET", env: ["OTHER": "x"])
        #expect(error?.code == .missingEnvironment)
        #expect(error?.message.contains("STRIPE_WEBHOOK_SECRET") == true)
        #expect(
            evalError("env.MISSING", strict: false)?.code == .missingEnvironment,
            "non-strict mode does not hide missing secrets"
        )
    }

    @Test func fakeValues() throws {
        var reference = FakeData(seed: 7, today: Self.today, timeZone: TimeZone(identifier: "UTC")!)
        let patient = try reference.value(named: "patient")
        let date = try reference.value(named: "date", arguments: [3])
        var ctx = context()
        let id = try ctx.evaluate(ExpressionParser.parse("fake.patient.identification"))
        #expect(id == patient["identification"])
        #expect(id.stringValue?.allSatisfy(\.isNumber) == true, "\(id)")
        let d = try ctx.evaluate(ExpressionParser.parse("fake.date(3)"))
        #expect(d == date)
        #expect(d.stringValue?.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil, "\(d)")
        let a = try ctx.evaluate(ExpressionParser.parse("fake.uuid"))
        let b = try ctx.evaluate(ExpressionParser.parse("fake.uuid"))
        #expect(a != b, "the generator advances between reads")
        guard case .int(let i) = try ctx.evaluate(ExpressionParser.parse("fake.int(1, 3)")) else {
            Issue.record("fake.int is not an int")
            return
        }
        #expect((1...3).contains(i))
        #expect(try ctx.evaluate(ExpressionParser.parse("fake.card.stripe.success")).stringValue?.isEmpty == false)
    }

    @Test func fakeErrors() {
        let unknown = evalError("fake.nope")
        #expect(unknown?.code == .fakeData)
        #expect(unknown?.message.contains("fake.nope") == true)
        #expect(evalError("fake.nope(1)")?.message.contains("unknown fake value 'fake.nope'") == true)
        #expect(evalError("fake.int('x')")?.code == .fakeData)
        #expect(evalError("fake.name", fakeSeed: nil)?.message.contains("not available") == true)
    }

    @Test(arguments: [
        ("a ==", 4, "expected a value"), ("a = b", 2, "'=' is not an operator"), ("'abc", 0, "unterminated string"),
        ("1 2", 2, "unexpected number 2"), ("(1", 2, "expected ')'"), ("a.", 2, "expected a name after '.'"),
        ("#", 0, "unexpected character '#'"), ("and", 0, "expected a value before 'and'"),
        ("f(1,", 4, "expected a value"),
        ("[1 2]", 3, "',' or ']'"), ("", 0, "found end of expression"), ("a ~ b", 2, "unexpected character '~'"),
        ("'é' = 1", 4, "'=' is not an operator"), ("x[1", 3, "expected ']'"),
        ("f(1 2)", 4, "to close the arguments of f"),
        ("1 < 2 < 3", 6, "unexpected '<'"), ("a.1", 2, "expected a name after '.'"), ("a b", 2, "unexpected 'b'"),
    ])
    func syntaxErrors(_ text: String, _ offset: Int, _ message: String) {
        #expect {
            try ExpressionParser.parse(text)
        } throws: { error in
            guard let e = error as? ExpressionSyntaxError else { return false }
            return e.offset == offset && e.message.contains(message) && e.description == "invalidSyntax: \(e.message)"
        }
    }

    @Test func nestingLimits() throws {
        _ = try ExpressionParser.parse(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30))
        for deep in [
            String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100),
            String(repeating: "not ", count: 100) + "true", String(repeating: "- ", count: 100) + "1",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        ] {
            #expect { try ExpressionParser.parse(deep) } throws: {
                ($0 as? ExpressionSyntaxError)?.message.contains("nests too deeply") == true
            }
        }
    }

    @Test func stringsAndNumbers() throws {
        #expect(try eval(#"'a\'b'"#) == "a'b")
        #expect(try eval(#""a\nb\tc""#) == "a\nb\tc")
        #expect(try eval("\"it's\"") == "it's")
        #expect(try eval("nil") == nil)
        #expect(try eval("[]") == [])
        #expect(try eval("0.5") == 0.5)
    }

    @Test func moderatelyLongFlatChainsEvaluate() throws {
        let terms = 200
        var ctx = context()
        #expect(
            try ctx.evaluate(ExpressionParser.parse(Array(repeating: "1", count: terms).joined(separator: " + ")))
                == .int(terms)
        )
        #expect(try ctx.evaluate(ExpressionParser.parse("obj" + String(repeating: ".a", count: terms))) == nil)
    }

    @Test func loaderSurvivesHugeFlatConditions() {
        let condition = Array(repeating: "x", count: 50_000).joined(separator: " or ")
        // Either outcome is fine, as long as it is an outcome: the scenario with its condition,
        // or a load error that says what is wrong (no crash, no stack overflow).
        do {
            let scenario = try ScenarioLoader.parse(
                "scenario: X\nsteps:\n  - name: a\n    get: /\n    if: \"\(condition)\"\n",
                file: "x.yml"
            )
            #expect(scenario.steps.count == 1)
            #expect(scenario.steps.first?.condition != nil, "the condition was dropped")
        } catch {
            #expect(!"\(error)".isEmpty)
        }
    }

    @Test
    func longFlatChainsDoNotCrash() throws {
        let terms = 20_000
        var ctx = context()
        do {
            let sum = try ExpressionParser.parse(Array(repeating: "1", count: terms).joined(separator: " + "))
            #expect(try ctx.evaluate(sum) == .int(terms))
        } catch let error as ExpressionSyntaxError {
            #expect(!error.message.isEmpty, "rejecting the expression is fine too")
        }
        do {
            let members = try ExpressionParser.parse("obj" + String(repeating: ".a", count: terms))
            #expect(try ctx.evaluate(members) == nil)
        } catch let error as ExpressionSyntaxError {
            #expect(!error.message.isEmpty)
        }
    }

    @Test func randomInputNeverCrashes() {
        var rng = LoaderFuzzTests.Random(state: 2_024)
        let alphabet = [
            "a", "obj", "items", "nothing", "env", "fake", ".", "[", "]", "(", ")", ",", "'", "\"", "\\", "1", "0",
            "2.5", "-", "+", "*",
            "/", "%", "==", "!=", "<", ">=", "!", "&&", "||", " and ", " or ", " not ", " in ", " contains ",
            " matches ", "true", "null",
            "length", "min", "split", "é", "😀", "#", "=", "{", "}", " ", "\n", "fake.date", "env.X",
            "9999999999999999999999",
        ]
        var parsed = 0
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<(1 + rng.below(14)) { text += rng.pick(alphabet) }
            do {
                let expression = try ExpressionParser.parse(text)
                parsed += 1
                var ctx = context(strict: rng.below(2) == 0, env: ["X": "x"])
                _ = try? ctx.evaluate(expression)
                _ = expression.variables
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.unicodeScalars.count, "\(text): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
        print("ExpressionTests.randomInputNeverCrashes: \(parsed) of 2000 random strings parsed")
    }
}
