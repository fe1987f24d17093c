import Testing

@testable import RondaCore

struct JSONSchemaValidatorTests {
    /// Issues of `instance` against `schema` (which must be usable).
    func issues(_ schema: JSONValue, _ instance: JSONValue) throws -> [JSONSchemaIssue] {
        try JSONSchemaValidator(schema: schema).validate(instance)
    }

    func passes(_ schema: JSONValue, _ instance: JSONValue) throws -> Bool {
        try issues(schema, instance).isEmpty
    }

    // MARK: - Schema itself

    @Test func rejectsSchemasThatAreNotObjectsOrBooleans() {
        for bad: JSONValue in ["string", 3, [1], nil] {
            let error = #expect(throws: JSONSchemaError.self) { try JSONSchemaValidator(schema: bad) }
            #expect(error?.code == .invalidSchema)
            #expect(error?.message.contains("object or a boolean") == true)
        }
    }

    @Test func booleanSchemas() throws {
        #expect(try passes(true, ["anything": 1]))
        #expect(try issues(false, 1).map(\.path) == [""])
        #expect(try issues(["properties": ["x": false]], ["x": 1]).map(\.path) == ["/x"])
    }

    @Test func rejectsRemoteOrDanglingReferences() {
        let remote = #expect(throws: JSONSchemaError.self) {
            try JSONSchemaValidator(schema: ["$ref": "https://example.com/schema.json"])
        }
        #expect(remote?.code == .unresolvableReference)
        let dangling = #expect(throws: JSONSchemaError.self) {
            try JSONSchemaValidator(schema: ["properties": ["a": ["$ref": "#/$defs/missing"]]])
        }
        #expect(dangling?.code == .unresolvableReference)
        #expect(dangling?.message.contains("#/$defs/missing") == true)
        // A "$ref" inside enum/const is data, not a reference.
        #expect(throws: Never.self) { try JSONSchemaValidator(schema: ["const": ["$ref": "http://x"]]) }
    }

    // MARK: - Generic keywords

    @Test func type() throws {
        #expect(try passes(["type": "string"], "a"))
        #expect(try issues(["type": "string"], 1).first?.message == "expected string, got integer")
        #expect(try passes(["type": "integer"], 3))
        #expect(try passes(["type": "integer"], 3.0))
        #expect(try !passes(["type": "integer"], 3.5))
        #expect(try passes(["type": "number"], 3))
        #expect(try passes(["type": "number"], 3.5))
        #expect(try passes(["type": ["string", "null"]], nil))
        #expect(
            try issues(["type": ["string", "null"]], true).first?.message == "expected one of string, null, got boolean"
        )
        #expect(try passes(["type": "boolean"], false))
        #expect(try passes(["type": "object"], [:]))
        #expect(try passes(["type": "array"], []))
        #expect(try !passes(["type": "array"], [:]))
        #expect(try !passes(["type": "null"], 0))
    }

    @Test func enumAndConst() throws {
        #expect(try passes(["enum": ["pending", "paid", 1]], "paid"))
        #expect(try passes(["enum": ["pending", 1]], 1.0))
        #expect(
            try issues(["enum": ["pending", "paid"]], "lost").first?.message
                == #""lost" is not one of ["pending","paid"]"#
        )
        #expect(try passes(["const": ["a": 1]], ["a": 1]))
        #expect(try !passes(["const": "x"], "y"))
    }

    // MARK: - Objects

    @Test func propertiesAndRequired() throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["id": ["type": "integer"], "name": ["type": "string"]],
            "required": ["id", "name"],
        ]
        #expect(try passes(schema, ["id": 1, "name": "Ana"]))
        let found = try issues(schema, ["id": "1"])
        #expect(found.contains(JSONSchemaIssue(path: "", message: "missing required property 'name'")))
        #expect(found.contains(JSONSchemaIssue(path: "/id", message: "expected integer, got string")))
        #expect(found.count == 2)
    }

    @Test func additionalAndPatternProperties() throws {
        let closed: JSONValue = [
            "properties": ["a": true], "patternProperties": ["^x_": ["type": "integer"]], "additionalProperties": false,
        ]
        #expect(try passes(closed, ["a": 1, "x_count": 2]))
        #expect(
            try issues(closed, ["a": 1, "b": 2]) == [
                JSONSchemaIssue(path: "/b", message: "property 'b' is not allowed")
            ]
        )
        #expect(try issues(closed, ["x_count": "two"]).map(\.path) == ["/x_count"])

        let typed: JSONValue = ["properties": ["a": true], "additionalProperties": ["type": "string"]]
        #expect(try passes(typed, ["a": 1, "b": "x"]))
        #expect(try issues(typed, ["b": 2]).map(\.path) == ["/b"])
    }

    @Test func invalidPatternsAreIssuesNotCrashes() throws {
        let pattern = try issues(["pattern": "(unclosed"], "text")
        #expect(pattern.count == 1)
        #expect(pattern.first?.message.contains("invalid pattern '(unclosed'") == true)
        let property = try issues(["patternProperties": ["[": true]], ["a": 1])
        #expect(property.first?.message.contains("invalid patternProperties regex") == true)
    }

    @Test func propertyNamesAndCounts() throws {
        let schema: JSONValue = [
            "propertyNames": ["pattern": "^[a-z_]+$", "maxLength": 8], "minProperties": 1, "maxProperties": 2,
        ]
        #expect(try passes(schema, ["ok_name": 1]))
        let bad = try issues(schema, ["BadName": 1])
        #expect(bad.map(\.path) == ["/BadName"])
        #expect(bad.first?.message.hasPrefix("property name 'BadName':") == true)
        #expect(try issues(schema, [:]).first?.message == "expected at least 1 properties, got 0")
        #expect(try issues(schema, ["a": 1, "b": 2, "c": 3]).first?.message == "expected at most 2 properties, got 3")
    }

    @Test func dependentRequired() throws {
        let schema: JSONValue = ["dependentRequired": ["card_number": ["cvc"]]]
        #expect(try passes(schema, ["card_number": "4242", "cvc": "123"]))
        #expect(try passes(schema, ["other": 1]))
        #expect(
            try issues(schema, ["card_number": "4242"]).first?.message
                == "property 'card_number' requires property 'cvc'"
        )
    }

    // MARK: - Arrays

    @Test func itemsAndNestedPaths() throws {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "items": [
                    "type": "array",
                    "items": [
                        "type": "object", "required": ["name"],
                        "properties": ["name": ["type": "string", "minLength": 1]],
                    ],
                ]
            ],
        ]
        #expect(try passes(schema, ["items": [["name": "Lentes"]]]))
        let found = try issues(schema, ["items": [["name": "Lentes"], ["name": ""], ["title": "x"]]])
        #expect(
            found.contains(JSONSchemaIssue(path: "/items/1/name", message: "expected at least 1 characters, got 0"))
        )
        #expect(found.contains(JSONSchemaIssue(path: "/items/2", message: "missing required property 'name'")))
        #expect(found.count == 2)
    }

    @Test func pointerTokensAreEscaped() throws {
        let found = try issues(
            ["properties": ["a/b": ["properties": ["c~d": ["type": "string"]]]]],
            ["a/b": ["c~d": 1]]
        )
        #expect(found.map(\.path) == ["/a~1b/c~0d"])
    }

    @Test func prefixItemsAndTuples() throws {
        let modern: JSONValue = ["prefixItems": [["type": "string"], ["type": "integer"]], "items": false]
        #expect(try passes(modern, ["a", 1]))
        #expect(try passes(modern, ["a"]))
        #expect(try issues(modern, [1, 1]).map(\.path) == ["/0"])
        #expect(try issues(modern, ["a", 1, true]).map(\.path) == ["/2"])

        let draft7: JSONValue = ["items": [["type": "string"]], "additionalItems": ["type": "integer"]]
        #expect(try passes(draft7, ["a", 1, 2]))
        #expect(try issues(draft7, ["a", "b"]).map(\.path) == ["/1"])
    }

    @Test func itemCountsAndUniqueness() throws {
        let schema: JSONValue = ["minItems": 1, "maxItems": 3, "uniqueItems": true]
        #expect(try passes(schema, [1, 2, 3]))
        #expect(try issues(schema, []).first?.message == "expected at least 1 items, got 0")
        #expect(try issues(schema, [1, 2, 3, 4]).first?.message == "expected at most 3 items, got 4")
        #expect(
            try issues(schema, [1, ["a": 1], 1.0]).first?.message == "items 0 and 2 are equal; expected unique items"
        )
        #expect(try passes(["uniqueItems": false], [1, 1]))
    }

    @Test func contains() throws {
        let schema: JSONValue = ["contains": ["const": "Activo"]]
        #expect(try passes(schema, ["Inactivo", "Activo"]))
        #expect(
            try issues(schema, ["Inactivo"]).first?.message == "expected at least one item matching 'contains', got 0"
        )
        let counted: JSONValue = ["contains": ["type": "integer"], "minContains": 2, "maxContains": 3]
        #expect(try passes(counted, [1, "a", 2]))
        #expect(try !passes(counted, [1, "a"]))
        #expect(try !passes(counted, [1, 2, 3, 4]))
    }

    // MARK: - Strings

    @Test func stringLengthsCountCharacters() throws {
        let schema: JSONValue = ["minLength": 2, "maxLength": 4]
        #expect(try passes(schema, .string(String("ñandú".prefix(4)))))
        #expect(try passes(schema, "ab"))
        #expect(try issues(schema, "a").first?.message == "expected at least 2 characters, got 1")
        #expect(try issues(schema, "abcde").first?.message == "expected at most 4 characters, got 5")
        #expect(try passes(schema, 12345))  // length keywords only apply to strings
    }

    @Test func pattern() throws {
        #expect(try passes(["pattern": #"^\d{10}$"#], "1012345678"))
        #expect(try passes(["pattern": "pay"], "prepayment"))  // unanchored, like ECMA-262
        #expect(
            try issues(["pattern": #"^\d{10}$"#], "12ab").first?.message == #""12ab" does not match pattern '^\d{10}$'"#
        )
    }

    @Test(arguments: [
        ("date", "2026-01-20", true), ("date", "2026-02-29", false), ("date", "2024-02-29", true),
        ("date", "2026-13-01", false), ("date", "20-01-2026", false),
        ("date-time", "2026-01-20T10:30:00Z", true), ("date-time", "2026-01-20T10:30:00.123-05:00", true),
        ("date-time", "2026-01-20 10:30:00", true), ("date-time", "2026-01-20", false),
        ("date-time", "2026-01-20T25:00:00Z", false),
        ("email", "ana.gomez@example.test", true), ("email", "ana gomez@example.test", false),
        ("email", "ana@localhost", false),
        ("email", "no-at-sign", false),
        ("uuid", "0b7e6c1a-3f2d-4c1e-9a8b-1c2d3e4f5a6b", true), ("uuid", "0b7e6c1a3f2d4c1e9a8b1c2d3e4f5a6b", false),
        ("time", "10:30:00", true), ("time", "10:61", false),
        ("ipv4", "192.168.0.1", true), ("ipv4", "256.1.1.1", false),
        ("uri", "https://example.test/a?b=c", true), ("uri", "not a uri", false),
        ("made-up-format", "anything", true),
    ])
    func format(format: String, value: String, valid: Bool) throws {
        let found = try issues(["format": .string(format)], .string(value))
        #expect(found.isEmpty == valid, "\(format) \(value): \(found)")
        if !valid { #expect(found.first?.message.contains("is not a valid \(format)") == true) }
    }

    // MARK: - Numbers

    @Test func numericBounds() throws {
        let schema: JSONValue = ["minimum": 1, "maximum": 10, "exclusiveMinimum": 0, "exclusiveMaximum": 10.5]
        #expect(try passes(schema, 1))
        #expect(try passes(schema, 10.0))
        #expect(try issues(schema, 0.5).map(\.message) == ["must be >= 1, got 0.5"])
        #expect(try issues(schema, 11).map(\.message) == ["must be <= 10, got 11", "must be < 10.5, got 11"])
        #expect(try issues(["exclusiveMinimum": 0], 0).first?.message == "must be > 0, got 0")
        #expect(try issues(["exclusiveMaximum": 5], 5).first?.message == "must be < 5, got 5")
        #expect(try passes(["minimum": 5], "3"))  // numeric keywords ignore strings
        // Draft-04 boolean exclusivity.
        #expect(try !passes(["minimum": 1, "exclusiveMinimum": true], 1))
        #expect(try !passes(["maximum": 1, "exclusiveMaximum": true], 1))
    }

    @Test func multipleOf() throws {
        #expect(try passes(["multipleOf": 100], 15_000))
        #expect(try issues(["multipleOf": 100], 15_050).first?.message == "must be a multiple of 100, got 15050")
        #expect(try passes(["multipleOf": 0.01], 19.99))
        #expect(try passes(["multipleOf": 0.1], 0.3))
        #expect(try !passes(["multipleOf": 0.5], 0.3))
    }

    // MARK: - Combinators

    @Test func allAnyOneNot() throws {
        let all: JSONValue = ["allOf": [["type": "integer"], ["minimum": 3]]]
        #expect(try passes(all, 4))
        #expect(try issues(all, 2).map(\.message) == ["must be >= 3, got 2"])

        let any: JSONValue = ["anyOf": [["type": "string"], ["type": "integer", "minimum": 10]]]
        #expect(try passes(any, "x"))
        #expect(try passes(any, 12))
        let anyIssue = try issues(any, 3)
        #expect(anyIssue.count == 1)
        #expect(anyIssue.first?.message.hasPrefix("matches none of the 2 anyOf alternatives") == true)

        let one: JSONValue = ["oneOf": [["type": "integer"], ["type": "number", "minimum": 10]]]
        #expect(try passes(one, 3))
        #expect(try passes(one, 10.5))
        #expect(try issues(one, 12).first?.message == "matches oneOf alternatives 0, 1; expected exactly one")
        #expect(try issues(one, "x").first?.message.hasPrefix("matches none of the 2 oneOf alternatives") == true)

        let not: JSONValue = ["not": ["type": "null"]]
        #expect(try passes(not, 0))
        #expect(try issues(not, nil).first?.message == "must not match the 'not' schema")
    }

    @Test func ifThenElse() throws {
        let schema: JSONValue = [
            "if": ["properties": ["gateway": ["const": "stripe"]], "required": ["gateway"]],
            "then": ["required": ["payment_intent"]],
            "else": ["required": ["reference"]],
        ]
        #expect(try passes(schema, ["gateway": "stripe", "payment_intent": "pi_1"]))
        #expect(
            try issues(schema, ["gateway": "stripe"]).map(\.message) == ["missing required property 'payment_intent'"]
        )
        #expect(try passes(schema, ["gateway": "wompi", "reference": "r"]))
        #expect(try issues(schema, ["gateway": "wompi"]).map(\.message) == ["missing required property 'reference'"])
        #expect(try passes(["if": ["type": "string"]], 1))  // if alone never fails
    }

    // MARK: - References

    @Test func definitionsAndDefs() throws {
        let schema: JSONValue = [
            "properties": ["patient": ["$ref": "#/definitions/patient"], "slot": ["$ref": "#/$defs/slot"]],
            "definitions": ["patient": ["type": "object", "required": ["identification"]]],
            "$defs": ["slot": ["type": "string", "format": "time"]],
        ]
        #expect(try passes(schema, ["patient": ["identification": "1012345678"], "slot": "10:30"]))
        let found = try issues(schema, ["patient": [:], "slot": "late"])
        #expect(
            found.contains(JSONSchemaIssue(path: "/patient", message: "missing required property 'identification'"))
        )
        #expect(found.contains(where: { $0.path == "/slot" }))
    }

    @Test func recursiveReference() throws {
        let tree: JSONValue = [
            "$defs": [
                "node": [
                    "type": "object",
                    "required": ["name"],
                    "properties": [
                        "name": ["type": "string"], "children": ["type": "array", "items": ["$ref": "#/$defs/node"]],
                    ],
                    "additionalProperties": false,
                ]
            ],
            "$ref": "#/$defs/node",
        ]
        let valid: JSONValue = [
            "name": "root", "children": [["name": "a", "children": [["name": "a1"]]], ["name": "b"]],
        ]
        #expect(try passes(tree, valid))
        let invalid: JSONValue = [
            "name": "root", "children": [["name": "a", "children": [["name": 1], ["extra": true, "name": "x"]]]],
        ]
        let found = try issues(tree, invalid)
        #expect(
            found.contains(
                JSONSchemaIssue(path: "/children/0/children/0/name", message: "expected string, got integer")
            )
        )
        #expect(
            found.contains(
                JSONSchemaIssue(path: "/children/0/children/1/extra", message: "property 'extra' is not allowed")
            )
        )
        #expect(found.count == 2)

        // Root recursion with "#".
        let list: JSONValue = ["type": "array", "items": ["anyOf": [["type": "integer"], ["$ref": "#"]]]]
        #expect(try passes(list, [1, [2, [3]]]))
        #expect(try !passes(list, [1, ["x"]]))
    }

    @Test func referenceLoopsStopWithAnIssue() throws {
        let loop: JSONValue = ["$defs": ["a": ["$ref": "#/$defs/b"], "b": ["$ref": "#/$defs/a"]], "$ref": "#/$defs/a"]
        let found = try issues(loop, 1)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("$ref loop") == true)
    }

    @Test func issueDescription() {
        #expect(JSONSchemaIssue(path: "", message: "m").description == "/: m")
        #expect(JSONSchemaIssue(path: "/a", message: "m").description == "/a: m")
    }
}
