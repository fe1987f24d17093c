import Foundation
import Testing

@testable import RondaCore

struct JSONPathTests {
    static let document = JSONValue.parse(
        """
        {
          "results": [
            {"id": 1, "name": "Ana", "status": "paid", "price": 5, "tags": ["a"], "meta": {"vip": true}},
            {"id": 2, "name": "Luis", "status": "open", "price": 15},
            {"id": 3, "name": "Eva", "status": "paid", "price": 10, "meta": {"vip": false}}
          ],
          "total": 30,
          "a.b": "dotted",
          "odd]key": "bracket",
          "nested": {"name": "inner", "deeper": {"name": "deepest"}},
          "empty": [],
          "nothing": null
        }
        """
    )!

    func select(_ path: String) throws -> [JSONValue] {
        try JSONPath(parsing: path).select(in: Self.document)
    }

    func json(_ text: String) -> JSONValue { JSONValue.parse(text)! }

    /// The walk along names and indexes finds what the general selection finds, found or not.
    @Test(arguments: [
        "$", "$.total", "$.results[0].name", "$.results[-1].id", "$.results[-4].id", "$.results[3]",
        "$.results[1].meta.vip", "$.results[0].tags[0]", "$['a.b']", "$['odd]key']", "$.nested.deeper.name",
        "$.empty[0]", "$.nothing", "$.nothing.name", "$.total.name", "$.results.name", "$.nested[0]", "$.missing",
    ])
    func aDefinitePathIsWalkedToWhatSelectionFinds(_ text: String) throws {
        let path = try JSONPath(parsing: text)
        #expect(path.isDefinite)
        let walked = path.walk(Self.document)
        #expect(walked == path.select(in: Self.document).first)
        #expect(path.value(in: Self.document) == walked)
        #expect(path.first(in: Self.document) == walked)
    }

    @Test func anIndefinitePathStillListsEveryMatch() throws {
        let path = try JSONPath(parsing: "$.results[*].id")
        #expect(!path.isDefinite)
        #expect(path.value(in: Self.document) == .array([.int(1), .int(2), .int(3)]))
        #expect(path.first(in: Self.document) == .int(1))
        for text in [
            "$.missing[*].id", "$.results[9][*]", "$.empty[*]", "$.results[1:][?(@.price > 10)].name", "$..name",
        ] {
            let other = try JSONPath(parsing: text)
            #expect(other.first(in: Self.document) == other.select(in: Self.document).first, "\(text)")
        }
    }

    @Test(arguments: [
        ("$", "$"), ("$.total", "[30]"), ("$['total']", "[30]"), ("$[\"total\"]", "[30]"), ("$.results[0].id", "[1]"),
        ("$.results[-1].name", "[\"Eva\"]"), ("$.results[-3].id", "[1]"), ("$.results[3]", "[]"),
        ("$.results[-4]", "[]"),
        ("$.results[*].id", "[1, 2, 3]"), ("$.results.*.id", "[1, 2, 3]"),
        ("$.nested.*", "[{\"name\": \"deepest\"}, \"inner\"]"),
        ("$['a.b']", "[\"dotted\"]"), ("$['odd]key']", "[\"bracket\"]"), ("$.missing", "[]"), ("$.total.x", "[]"),
        ("$.total[0]", "[]"),
        ("$.results[1:3].id", "[2, 3]"), ("$.results[:2].id", "[1, 2]"), ("$.results[-2:].id", "[2, 3]"),
        ("$.results[2:1]", "[]"),
        ("$.results[0:100].id", "[1, 2, 3]"), ("$.results[:].id", "[1, 2, 3]"), ("$.total[0:1]", "[]"),
        ("$..name", "[\"inner\", \"deepest\", \"Ana\", \"Luis\", \"Eva\"]"),
        ("$.nested..name", "[\"inner\", \"deepest\"]"),
        ("$.results[?(@.status == 'paid')].id", "[1, 3]"), ("$.results[?(@.status != 'paid')].id", "[2]"),
        ("$.results[?(@.price < 10)].id", "[1]"), ("$.results[?(@.price <= 10)].id", "[1, 3]"),
        ("$.results[?(@.price > 5)].id", "[2, 3]"),
        ("$.results[?(@.price >= 15)].id", "[2]"), ("$.results[?(@.meta)].id", "[1, 3]"),
        ("$.results[?(@.meta.vip == true)].id", "[1]"),
        ("$.results[?(@.id == '2')].name", "[\"Luis\"]"), ("$.results[?(@.name == \"Eva\")].id", "[3]"),
        ("$.results[?@.tags].id", "[1]"),
        ("$.results[?(@.price > -1)].id", "[1, 2, 3]"), ("$.results[?(@.name < 5)].id", "[]"), ("$.nothing", "[null]"),
        ("$.empty[*]", "[]"),
    ])
    func selects(_ path: String, _ expected: String) throws {
        let got = try select(path)
        if expected == "$" {
            #expect(got == [Self.document])
        } else {
            #expect(JSONValue.array(got) == json(expected), "\(path) → \(got)")
        }
    }

    @Test func descendantWildcardVisitsEverything() throws {
        let small = json(#"{"a": {"b": [1, {"c": 2}]}}"#)
        let all = try JSONPath(parsing: "$..*").select(in: small)
        #expect(all.count == 5, "\(all)")
        #expect(all.contains(2) && all.contains(1))
        #expect(try JSONPath(parsing: "$..").select(in: small).count == 5)
        #expect(try JSONPath(parsing: "$..c").select(in: small) == [2])
    }

    @Test(arguments: [
        ("$", true), ("$.a", true), ("$['a'][0]", true), ("$.a[-1].b", true), ("$[*]", false), ("$.a.*", false),
        ("$..a", false),
        ("$[1:2]", false), ("$[?(@.a)]", false), ("$[?(@.a == 1)]", false),
    ])
    func definiteness(_ path: String, _ definite: Bool) throws {
        #expect(try JSONPath(parsing: path).isDefinite == definite, "\(path)")
    }

    @Test func valueInDocument() throws {
        #expect(try JSONPath(parsing: "$.total").value(in: Self.document) == 30)
        #expect(
            try JSONPath(parsing: "$.missing").value(in: Self.document) == nil,
            "a definite path that matches nothing is absent"
        )
        #expect(try JSONPath(parsing: "$.nothing").value(in: Self.document) == .null, "an explicit null is present")
        #expect(try JSONPath(parsing: "$.results[*].id").value(in: Self.document) == [1, 2, 3])
        #expect(
            try JSONPath(parsing: "$.results[?(@.id == 9)]").value(in: Self.document) == [],
            "an indefinite path gives a list, even empty"
        )
        #expect(try JSONPath(parsing: "$").value(in: 5) == 5)
        #expect(try JSONPath(parsing: "$.results[*].id").first(in: Self.document) == 1)
        #expect(try JSONPath(parsing: "$.x").first(in: Self.document) == nil)
    }

    @Test func scalarsAndEmptyDocuments() throws {
        #expect(try JSONPath(parsing: "$[*]").select(in: "text").isEmpty)
        #expect(try JSONPath(parsing: "$..a").select(in: .null).isEmpty)
        #expect(try JSONPath(parsing: "$[0]").select(in: [7]) == [7])
        #expect(try JSONPath(parsing: "$[*]").select(in: ["b": 2, "a": 1]) == [1, 2], "object children in key order")
    }

    @Test func sourceAndEquality() throws {
        let p = try JSONPath(parsing: "$.results[0].id")
        #expect(p.source == "$.results[0].id" && p.description == p.source)
        #expect(p == (try JSONPath(parsing: "$.results[0].id")))
        #expect(p != (try JSONPath(parsing: "$.results[1].id")))
    }

    @Test(arguments: [
        ("", 0, "starts with '$'"), ("results[0]", 0, "starts with '$'"), ("$.", 1, "expected a name after '.'"),
        ("$.a.", 3, "expected a name"),
        ("$[0", 1, "'[' is not closed"), ("$.a['b]", 3, "not closed"), ("$[abc]", 1, "cannot read '[abc]'"),
        ("$[1:2:3]", 1, "a slice is [start:end]"),
        ("$[a:b]", 1, "whole numbers"), ("$[?(x == 1)]", 1, "a filter starts with @"),
        ("$[?(@.a == bogus)]", 1, "cannot read the filter value 'bogus'"),
        ("$x", 1, "expected '.' or '['"), ("$.a b[", 5, "not closed"), ("$[]", 1, "cannot read '[]'"),
        ("$['a'", 1, "not closed"),
    ])
    func parseErrors(_ text: String, _ offset: Int, _ message: String) {
        #expect {
            try JSONPath(parsing: text)
        } throws: { error in
            guard let e = error as? ExpressionSyntaxError else { return false }
            if e.offset != offset || !e.message.contains(message) {
                Issue.record("\(text): offset \(e.offset) '\(e.message)'")
            }
            return true
        }
    }

    @Test func garbagePathsNeverCrash() {
        var rng = LoaderFuzzTests.Random(state: 99)
        let pieces = [
            "$", ".", "..", "[", "]", "*", "'", "\"", "?", "(", ")", "@", "==", "<", ":", "-1", "0", "a", " ", "é", "😀",
            ",", "!=",
        ]
        var parsed = 0
        for _ in 0..<3_000 {
            var text = rng.below(4) == 0 ? "" : "$"
            for _ in 0..<rng.below(10) { text += rng.pick(pieces) }
            if let path = try? JSONPath(parsing: text) {
                parsed += 1
                _ = path.select(in: Self.document)
                _ = path.value(in: Self.document)
            }
        }
        #expect(parsed > 0)
    }
}
