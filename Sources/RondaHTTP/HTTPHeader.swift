/// One HTTP header field, as sent or received, in wire order.
///
/// Names keep the case they were written with; compare them with
/// ``matches(_:)`` (HTTP header names are case-insensitive).
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, e.g. `Content-Type`.
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether this header's name equals `name`, ignoring ASCII case.
    public func matches(_ name: String) -> Bool {
        self.name.lowercased() == name.lowercased()
    }
}

extension HTTPHeader: CustomStringConvertible {
    /// `Name: value`.
    public var description: String { "\(name): \(value)" }
}
