import Foundation
import Testing

@testable import RondaCore

struct JSONValueTests {
    @Test(arguments: [
        (#""a\"b""#, "a\"b"), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u00e9""#, "é"),
        (#""\u00E9\u0041""#, "éA"), (#""\ud83d\ude00""#, "😀"), (#""\uD834\uDD1E""#, "𝄞"), (#""\u0000""#, "\u{0}"),
        (#""""#, ""),
        ("\"é😀\u{7F}\"", "é😀\u{7F}"), (#""\u2028""#, "\u{2028}"),
    ])
    func stringEscapes(_ text: String, _ expected: String) {
        #expect(JSONValue.parse(text) == .string(expected), "\(text)")
    }

    @Test(arguments: [
        #""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83dx""#, #""\ud83d\ud83d""#, #""\x""#, #""\u12""#,
        #""\u12G4""#, #""\"#,
        "\"a\tb\"", "\"a\nb\"", "\"\u{1F}\"", #""abc"#, "'single'",
    ])
    func invalidStrings(_ text: String) {
        #expect(JSONValue.parse(text) == nil, "\(text)")
    }

    @Test(arguments: [
        ("0", "int 0"), ("-0", "int 0"), ("42", "int 42"), ("-17", "int -17"), ("1.5", "double 1.5"),
        ("1e5", "double 100000.0"),
        ("1E+2", "double 100.0"), ("1e-2", "double 0.01"), ("-0.5e1", "double -5.0"),
        ("9223372036854775807", "int 9223372036854775807"),
        ("9223372036854775808", "double 9.223372036854776e+18"), ("0.0", "double 0.0"), ("2.50", "double 2.5"),
    ])
    func numbers(_ text: String, _ expected: String) {
        let value = JSONValue.parse(text)
        let shown: String
        switch value {
        case .int(let i)?: shown = "int \(i)"
        case .double(let d)?: shown = "double \(d)"
        default: shown = "\(String(describing: value))"
        }
        #expect(shown == expected, "\(text)")
    }

    @Test(arguments: [
        "01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1.2.3", "NaN", "Infinity", "-Infinity", "1e400",
        "--1", "1 2",
    ])
    func invalidNumbers(_ text: String) {
        #expect(JSONValue.parse(text) == nil, "\(text)")
    }

    @Test(arguments: [
        "", " ", "{} x", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a: 1}", "{1: 2}", "nul", "truex", "True", "[",
        "]", "{", "}", "[1}",
        "{\"a\":}", "// c\n1", "[1]]", "\u{FEFF}1", "\u{A0}1",
    ])
    func invalidDocuments(_ text: String) {
        #expect(JSONValue.parse(text) == nil, "\(text.debugDescription)")
    }

    @Test func validDocuments() {
        #expect(JSONValue.parse(" \n\t\r{ \"a\" : [ 1 , true , null , \"x\" ] } \n") == ["a": [1, true, nil, "x"]])
        #expect(JSONValue.parse("true") == true)
        #expect(JSONValue.parse("null") == .null)
        #expect(JSONValue.parse("\"top\"") == "top")
        #expect(JSONValue.parse("[]") == [])
        #expect(JSONValue.parse("{}") == .object([:]))
        #expect(JSONValue.parse(#"{"a": 1, "a": 2}"#) == ["a": 2], "the last duplicate key wins")
        #expect(JSONValue.parse(#"{"":0}"#) == ["": 0])
    }

    @Test func nestingLimitIs512() {
        func nested(_ depth: Int, _ open: String, _ close: String) -> String {
            String(repeating: open, count: depth) + String(repeating: close, count: depth)
        }
        #expect(JSONValue.parse(nested(512, "[", "]")) != nil)
        #expect(JSONValue.parse(nested(513, "[", "]")) == nil)
        let objects512 = String(repeating: "{\"a\":", count: 511) + "{}" + String(repeating: "}", count: 511)
        #expect(JSONValue.parse(objects512) != nil)
        let objects513 = String(repeating: "{\"a\":", count: 512) + "{}" + String(repeating: "}", count: 512)
        #expect(JSONValue.parse(objects513) == nil)
        #expect(JSONValue.parse(nested(100_000, "[", "]")) == nil, "very deep input is rejected, not a crash")
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0xFF], [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22],
        ] as [[UInt8]]
    )
    func invalidUTF8IsRejected(_ bytes: [UInt8]) {
        #expect(JSONValue.parse(bytes) == nil, "\(bytes)")
    }

    @Test func stringsWithAndWithoutEscapes() {
        // Plain strings are read in place; an escape anywhere switches to decoding byte by byte.
        #expect(
            JSONValue.parse(#"["plain", "pre\nfix", "a\u00e9b", "é\"q", "ñ plain", ""]"#)
                == ["plain", "pre\nfix", "aéb", "é\"q", "ñ plain", ""]
        )
        #expect(JSONValue.parse(#""tab\tthen \"quoted\" and \\ end""#) == "tab\tthen \"quoted\" and \\ end")
        #expect(JSONValue.parse([0x22, 0x61, 0x0A, 0x62, 0x22]) == nil, "a raw line break inside a string")
        #expect(JSONValue.parse([0x22, 0x61, 0x62]) == nil, "a string never closed")
        #expect(JSONValue.parse([0x22, 0x61, 0x5C, 0x6E]) == nil, "a string never closed after an escape")
    }

    @Test func collectionsWithoutContiguousStorageAreCopiedFirst() {
        let bytes = Array(#"{"k":"v","n":[1,2]}"#.utf8)
        #expect(JSONValue.parse(bytes.lazy.map { $0 }) == ["k": "v", "n": [1, 2]])
        #expect(JSONValue.parse(bytes.lazy.map { $0 }, maxDepth: 1).tooDeep)
    }

    @Test func validUTF8Bytes() {
        #expect(JSONValue.parse(Array("\"ñ😀\"".utf8)) == "ñ😀")
        #expect(JSONValue.parse(Data("[1]".utf8)) == [1])
    }

    @Test func jsonTextIsCompactSortedAndEscaped() {
        let value: JSONValue = [
            "b": [1, 2.5, nil, true], "a": "x\"y\\z\n\t\r\u{1}é", "c": ["z": 1, "y": .double(2.0)],
        ]
        #expect(value.jsonText() == #"{"a":"x\"y\\z\n\t\r\u0001é","b":[1,2.5,null,true],"c":{"y":2,"z":1}}"#)
        #expect(JSONValue.double(.infinity).jsonText() == "null")
        #expect(JSONValue.double(.nan).jsonText() == "null")
        #expect(JSONValue.double(1e20).jsonText() == "1e+20")
        #expect(JSONValue.double(0.1).jsonText() == "0.1")
        #expect(JSONValue.array([]).jsonText() == "[]")
        #expect(JSONValue.object([:]).jsonText() == "{}")
        #expect(JSONValue.string("/").jsonText() == "\"/\"")
    }

    @Test func prettyText() {
        let value: JSONValue = ["a": [1, ["b": nil]], "c": [], "d": [:]]
        #expect(
            value.jsonText(pretty: true) == """
                {
                  "a": [
                    1,
                    {
                      "b": null
                    }
                  ],
                  "c": [],
                  "d": {}
                }
                """
        )
    }

    @Test(arguments: [
        #"{"a":[1,2.5,-3,null,true,false,"x"],"b":{"c":{}},"d":[]}"#, #""\u0001\u001f é 😀 \"\\""#,
        "[9223372036854775807,-9223372036854775808]",
        "[0.1,1e+20,1.5e-07]", #"{"":""}"#,
    ])
    func roundTrip(_ text: String) throws {
        let value = try #require(JSONValue.parse(text))
        let again = try #require(JSONValue.parse(value.jsonText()), "\(value.jsonText())")
        #expect(again == value)
        let pretty = try #require(JSONValue.parse(value.jsonText(pretty: true)))
        #expect(pretty == value)
    }

    @Test func roundTripOfWholeDoublesIsLooselyEqual() throws {
        let value: JSONValue = ["n": .double(2.0)]
        let again = try #require(JSONValue.parse(value.jsonText()))
        #expect(again == ["n": 2], "2.0 is written as 2")
        #expect(again.looselyEquals(value))
    }

    @Test func looselyEquals() {
        #expect(JSONValue.int(1).looselyEquals(.double(1.0)))
        #expect(JSONValue.double(1.0).looselyEquals(.int(1)))
        #expect(!JSONValue.int(1).looselyEquals(.double(1.5)))
        #expect(JSONValue.array([1, 2.0]).looselyEquals([1.0, 2]))
        #expect(!JSONValue.array([1]).looselyEquals([1, 1]))
        #expect(JSONValue.object(["a": [1]]).looselyEquals(["a": [1.0]]))
        #expect(!JSONValue.object(["a": 1]).looselyEquals(["b": 1]))
        #expect(!JSONValue.object(["a": 1]).looselyEquals(["a": 1, "b": 2]))
        #expect(!JSONValue.string("1").looselyEquals(.int(1)), "strings are not numbers here")
        #expect(!JSONValue.bool(true).looselyEquals(.int(1)))
        #expect(JSONValue.null.looselyEquals(.null))
        #expect(JSONValue.int(1) != JSONValue.double(1), "== is strict")
    }

    @Test func accessors() {
        let v: JSONValue = ["list": [1, 2], "s": " 2.5 ", "o": ["k": "v"]]
        #expect(v["list"]?[1] == 2)
        #expect(v["list"]?[2] == nil)
        #expect(v["list"]?[-1] == nil)
        #expect(v["missing"] == nil)
        #expect(JSONValue.int(3)["x"] == nil)
        #expect(v["s"]?.number == 2.5)
        #expect(JSONValue.string("x").number == nil)
        #expect(JSONValue.bool(true).number == nil)
        #expect(v["o"]?.objectValue == ["k": "v"])
        #expect(v["list"]?.arrayValue == [1, 2])
        #expect(v["s"]?.stringValue == " 2.5 ")
        #expect(JSONValue.null.isNull && !JSONValue.int(0).isNull)
    }

    @Test(arguments: [
        (JSONValue.null, "null", false, ""), (.bool(true), "boolean", true, "true"),
        (.bool(false), "boolean", false, "false"),
        (.int(0), "integer", false, "0"), (.int(-3), "integer", true, "-3"), (.double(0), "number", false, "0"),
        (.double(2.5), "number", true, "2.5"),
        (.double(3), "number", true, "3"), (.string(""), "string", false, ""), (.string("x"), "string", true, "x"),
        (.array([]), "array", false, "[]"),
        (.array([1]), "array", true, "[1]"), (.object([:]), "object", false, "{}"),
        (.object(["a": 1]), "object", true, #"{"a":1}"#),
        (.double(1e16), "number", true, "1e+16"),
    ])
    func typeTruthInterpolation(_ value: JSONValue, _ type: String, _ truthy: Bool, _ text: String) {
        #expect(value.typeName == type)
        #expect(value.isTruthy == truthy)
        #expect(value.interpolated == text)
    }

    @Test func codableRoundTrip() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": [:]]]
        let data = try JSONEncoder().encode(value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(decoded.looselyEquals(value))
    }

    @Test func randomBytesNeverCrash() {
        var rng = LoaderFuzzTests.Random(state: 7)
        let alphabet = Array("{}[]:,\"\\u0123456789abcdefE.+- \ntrufalsn".utf8) + [0xC3, 0xA9, 0xFF, 0x00, 0x1F]
        var valid = 0
        for _ in 0..<5_000 {
            let bytes = (0..<rng.below(24)).map { _ in rng.pick(alphabet) }
            if let value = JSONValue.parse(bytes) {
                valid += 1
                #expect(JSONValue.parse(value.jsonText())?.looselyEquals(value) == true, "\(bytes)")
            }
        }
        #expect(valid > 0)
    }
}
