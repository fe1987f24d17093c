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
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is (opaque; compare with the static members).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }

        /// The schema (or a sub-schema) is neither an object nor a boolean.
        public static let invalidSchema = Code("invalid_schema")
        /// A `$ref` is not local (`#…`) or points at nothing.
        public static let unresolvableReference = Code("unresolvable_reference")

        public var description: String { raw }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
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
