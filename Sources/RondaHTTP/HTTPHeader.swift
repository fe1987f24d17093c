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
        Self.namesMatch(self.name, name)
    }

    /// Whether two header names are equal, ignoring ASCII case.
    public static func namesMatch(_ one: String, _ other: String) -> Bool {
        // Compared byte by byte: no lower-cased copies (every response's headers are searched).
        let mine = one.utf8
        let theirs = other.utf8
        guard mine.count == theirs.count else { return false }
        return zip(mine, theirs).allSatisfy { lowercasedASCII($0) == lowercasedASCII($1) }
    }

    private static func lowercasedASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}

extension HTTPHeader: CustomStringConvertible {
    /// `Name: value`.
    public var description: String { "\(name): \(value)" }
}
