import Foundation

/// One way an instance fails a JSON Schema.
public struct JSONSchemaIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A JSON Pointer into the instance, e.g. `/items/0/name`; `""` is the instance itself.
    public var path: String
    /// What is wrong, for a person: `expected string, got integer`.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path.isEmpty ? "/" : path): \(message)" }
}

/// A schema Ronda cannot use (as opposed to an instance that fails a usable schema).
public struct JSONSchemaError: RondaError, Hashable {
    /// What kind of failure this is (`JSONSchemaError.Code.…`, or `.…` where the type is known).
    public typealias Code = ErrorCode<JSONSchemaError>

    public internal(set) var code: ErrorCode<JSONSchemaError>
    public internal(set) var message: String
}

extension JSONSchemaIssue {
    /// Appends a reference token to a JSON Pointer, escaping `~` and `/` (RFC 6901).
    static func child(_ path: String, _ token: String) -> String {
        path + "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func child(_ path: String, _ index: Int) -> String {
        path + "/" + String(index)
    }
}

extension ErrorCode where Owner == JSONSchemaError {
    /// The schema (or a sub-schema) is neither an object nor a boolean.
    public static var invalidSchema: Self { Self("invalidSchema") }
    /// A `$ref` is not local (`#…`) or points at nothing.
    public static var unresolvableReference: Self { Self("unresolvableReference") }
}
