import Foundation

/// A problem with how Ronda was called or configured: exit status 2, and a message that says what to change.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public static let usage = Code(name: "usage")
        public static let configuration = Code(name: "configuration")
        public static let scenarios = Code(name: "scenarios")
        public static let storage = Code(name: "storage")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
