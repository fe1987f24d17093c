import Foundation

/// Local `$ref` resolution: `#` is the root schema, `#/…` a JSON Pointer into it (RFC 6901,
/// percent-decoded first, as in a URI fragment).
extension JSONSchemaValidator {
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        let fragment = String(reference.dropFirst())
        let pointer = fragment.removingPercentEncoding ?? fragment
        if pointer.isEmpty { return schema }
        guard pointer.hasPrefix("/") else { return nil }
        var current = schema
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[key] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(key), index >= 0, index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Walks the schema and checks every `$ref` is local and resolves to a schema.
    func checkReferences(in node: JSONValue, depth: Int) throws {
        guard depth < 512 else { return }
        switch node {
        case .object(let members):
            if let reference = members["$ref"]?.stringValue {
                guard reference.hasPrefix("#") else {
                    throw JSONSchemaError(
                        code: .unresolvableReference,
                        message:
                            "$ref '\(reference)' is not supported: only local references ('#', '#/$defs/…', '#/definitions/…') are"
                    )
                }
                guard let target = resolve(reference) else {
                    throw JSONSchemaError(
                        code: .unresolvableReference,
                        message: "$ref '\(reference)' points at nothing in the schema"
                    )
                }
                guard target.objectValue != nil || target == .bool(true) || target == .bool(false) else {
                    throw JSONSchemaError(
                        code: .invalidSchema,
                        message: "$ref '\(reference)' points at a \(target.typeName), not a schema"
                    )
                }
            }
            // Values of these keywords are data, not schemas: a "$ref" inside them is not a reference.
            for (key, value) in members where !["enum", "const", "default", "examples"].contains(key) {
                try checkReferences(in: value, depth: depth + 1)
            }
        case .array(let elements):
            for element in elements { try checkReferences(in: element, depth: depth + 1) }
        default:
            return
        }
    }
}
